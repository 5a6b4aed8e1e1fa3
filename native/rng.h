/* rng.h: the one random number generator of the core.
 *
 * MT19937 (32-bit Mersenne Twister) seeded like std::mt19937, with the float
 * distributions of libstdc++: uniform = generate_canonical<float, 24> (one
 * 32-bit draw per number) and normal = Marsaglia's polar method, which makes
 * pairs and returns the second member of a pair first. With these,
 * seed 0 gives runif 0.5488135, 0.5928446 and rnorm 2.212206, 1.163079: the
 * values in MXNet R's documentation of mx.set.seed.
 *
 * The struct is plain data: copying its bytes saves and restores the stream
 * exactly (used by exact resume). */
typedef struct mxc_rng {
    uint32_t mt[624];
    int32_t mti;       /* next index into mt; 624 means "regenerate" */
    int32_t has_saved; /* 1 when the polar method holds a spare normal */
    float saved;
} mxc_rng;

/* The process-wide default stream (what mx.set.seed seeds). */
mxc_rng *mxc_rng_default(void);

/* Seed a stream like std::mt19937(seed); drops any saved normal. */
int mxc_rng_seed(mxc_rng *rng, uint32_t seed);

/* Next raw 32-bit output. */
uint32_t mxc_rng_next_u32(mxc_rng *rng);

/* out[i] = lo + (hi - lo) * u, u in [0, 1), one draw each. Requires lo <= hi. */
int mxc_rng_uniform(float *out, int64_t n, float lo, float hi, mxc_rng *rng);

/* out[i] = mean + sd * z, z standard normal (polar method). Requires sd >= 0. */
int mxc_rng_normal(float *out, int64_t n, float mean, float sd, mxc_rng *rng);

/* MXNet-R's array-iterator shuffle of order[0..n) driven by n uniforms u:
 * for i = n-1 down to 1: j = floor(u[i] * (i + 1)); if j < i swap order[i], order[j]. */
int mxc_shuffle_with_uniforms(int64_t *order, const float *u, int64_t n);
