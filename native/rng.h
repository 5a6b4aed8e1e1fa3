/* rng.h: the random number generator of the core, MXNet 1.9.1's CPU scheme.
 *
 * A bank of 1024 std::mt19937 engines (docs/COMPATIBILITY.md). After mxc_rng_seed(s),
 * engine i starts as std::mt19937(s * 127 + i) (32-bit arithmetic). One
 * sampling call of n numbers is cut into nchunk = min(ceil(n / 64), 1024)
 * chunks of step = ceil(n / nchunk) numbers; chunk t covers [t*step,
 * min((t+1)*step, n)) and is drawn in order from engine t. Engines keep their
 * place between calls, until the next seed.
 *
 * Engines are set up lazily: seeding only records the seed, and engine i is
 * initialised the first time a call draws from it. Calls always use engines
 * 0, 1, ..., so the engines in use are a prefix [0, ready) and the state worth
 * saving is the header plus engine[0 .. ready).
 *
 * Uniform numbers are libstdc++'s generate_canonical<float, 24> (one 32-bit
 * output x, u = float(x) / 2^32, a 1.0 becomes the largest float below 1),
 * then lo + (hi - lo) * u in float32. Normal numbers are one libstdc++
 * normal_distribution<float> per number: the polar method's first value,
 * with its second value discarded.
 *
 * The struct is plain data, but a state read from a file is untrusted: every
 * function checks `ready` and the `mti` of each engine it uses and returns
 * MXC_ERR_STATE, reading nothing, when they are out of range. */
enum {
    MXC_RNG_ENGINES = 1024, /* engines in a bank */
    MXC_RNG_WORDS = 624,    /* 32-bit words of one engine's state */
    MXC_RNG_MAGIC = 127,    /* engine i of seed s starts from s * 127 + i */
    MXC_RNG_CHUNK = 64      /* at least this many numbers per chunk */
};

typedef struct mxc_mt19937 {
    uint32_t mt[624];
    int32_t mti; /* next word of mt to output, 0..624; 624: regenerate first */
} mxc_mt19937;

typedef struct mxc_rng {
    uint32_t seed;  /* the seed of the bank */
    int32_t ready;  /* engines [0, ready) are in use, 0..1024; the rest start afresh */
    mxc_mt19937 engine[1024];
} mxc_rng;

/* The process-wide default bank (what mx.set.seed seeds); starts as seed 0, as MXNet. */
mxc_rng *mxc_rng_default(void);

/* Seed a bank: every engine starts afresh from seed * 127 + i when next used. */
int mxc_rng_seed(mxc_rng *rng, uint32_t seed);

/* MXC_OK when 0 <= ready <= 1024 and every engine in use has 0 <= mti <= 624,
 * else MXC_ERR_STATE. */
int mxc_rng_check(const mxc_rng *rng);

/* n raw 32-bit engine outputs, chunked over the engines as every sampler is. */
int mxc_rng_raw(uint32_t *out, int64_t n, mxc_rng *rng);

/* out[i] = lo + (hi - lo) * u, u in [0, 1), one draw each. Requires lo <= hi. */
int mxc_rng_uniform(float *out, int64_t n, float lo, float hi, mxc_rng *rng);

/* out[i] = z * sd + mean, z standard normal (polar method). Requires sd >= 0. */
int mxc_rng_normal(float *out, int64_t n, float mean, float sd, mxc_rng *rng);

/* MXNet-R's array-iterator shuffle of order[0..n) driven by n uniforms u:
 * for i = n-1 down to 1: j = floor(u[i] * (i + 1)) in double; if j < i swap order[i], order[j]. */
int mxc_shuffle_with_uniforms(int64_t *order, const float *u, int64_t n);
