/* rng.c: MXNet 1.9.1's CPU random numbers, a bank of 1024 mt19937 engines (see rng.h).
 * Not a cryptographic generator: the goal is the very numbers MXNet draws. */
#include "mxc.h"
#include "simd.h"
#include <math.h>

#define MT_N MXC_RNG_WORDS
#define MT_M 397
#define INIT_GROUP 16 /* engines initialised side by side (independent chains) */

static mxc_rng default_rng; /* zeros: seed 0, no engine in use (MXNet's unseeded state) */

mxc_rng *mxc_rng_default(void) { return &default_rng; }

int mxc_rng_seed(mxc_rng *rng, uint32_t seed) {
    if (!rng) return MXC_ERR_NULL_PTR;
    rng->seed = seed;
    rng->ready = 0;
    return MXC_OK;
}

static int engine_ok(const mxc_mt19937 *e) { return e->mti >= 0 && e->mti <= MT_N; }

int mxc_rng_check(const mxc_rng *rng) {
    if (!rng) return MXC_ERR_NULL_PTR;
    if (rng->ready < 0 || rng->ready > MXC_RNG_ENGINES) return MXC_ERR_STATE;
    for (int32_t i = 0; i < rng->ready; i++)
        if (!engine_ok(&rng->engine[i])) return MXC_ERR_STATE;
    return MXC_OK;
}

/* std::mt19937's seeding of engines [first, first + count), several chains at a time:
 * each word depends on the one before, so interleaving engines keeps the multiplier busy. */
MXC_HOT static void init_engines(mxc_mt19937 *engine, uint32_t seed, int32_t first,
                                 int32_t count) {
    for (int32_t g0 = 0; g0 < count; g0 += INIT_GROUP) {
        int32_t group = count - g0 < INIT_GROUP ? count - g0 : INIT_GROUP;
        uint32_t x[INIT_GROUP];
        mxc_mt19937 *e = engine + first + g0;
        for (int32_t g = 0; g < group; g++) {
            /* unsigned arithmetic: MXNet's uint32 seed * kRandMagic + engine index */
            x[g] = seed * (uint32_t)MXC_RNG_MAGIC + (uint32_t)(first + g0 + g);
            e[g].mt[0] = x[g];
            e[g].mti = MT_N;
        }
        for (uint32_t i = 1; i < MT_N; i++)
            for (int32_t g = 0; g < group; g++) {
                x[g] = 1812433253u * (x[g] ^ (x[g] >> 30)) + i;
                e[g].mt[i] = x[g];
            }
    }
}

/* Engines [0, need) ready for use: the ones not yet in use start from their seed. */
static void make_ready(mxc_rng *rng, int32_t need) {
    if (need > rng->ready) {
        init_engines(rng->engine, rng->seed, rng->ready, need - rng->ready);
        rng->ready = need;
    }
}

static inline uint32_t twist(uint32_t upper, uint32_t lower, uint32_t far) {
    uint32_t y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
}

/* The next 624 words of an engine, in three loops so that no index wraps. */
MXC_HOT static void regenerate(mxc_mt19937 *e) {
    uint32_t *mt = e->mt;
    int i = 0;
    for (; i < MT_N - MT_M; i++) mt[i] = twist(mt[i], mt[i + 1], mt[i + MT_M]);
    for (; i < MT_N - 1; i++) mt[i] = twist(mt[i], mt[i + 1], mt[i + MT_M - MT_N]);
    mt[MT_N - 1] = twist(mt[MT_N - 1], mt[0], mt[MT_M - 1]);
    e->mti = 0;
}

static inline uint32_t temper(uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
}

/* generate_canonical<float, 24>: one draw, converted to float, scaled by 2^-32,
 * and kept below 1 (the conversion rounds values near 2^32 up to 2^32). */
static inline float canonical(uint32_t x) {
    float u = (float)x / 4294967296.0f;
    return u >= 1.0f ? 0x1.fffffep-1f : u;
}

static inline uint32_t next_u32(mxc_mt19937 *e) {
    if (e->mti >= MT_N) regenerate(e);
    return temper(e->mt[e->mti++]);
}

/* The chunks of an n-number call (n >= 1): their size, and how many are non-empty.
 * The last chunks of some n are empty (n = 65537: step 65, chunks 1009.. get nothing);
 * they draw nothing, so their engines need not be set up. */
static void chunking(int64_t n, int64_t *step, int32_t *used) {
    int64_t nchunk = (n + MXC_RNG_CHUNK - 1) / MXC_RNG_CHUNK;
    if (nchunk > MXC_RNG_ENGINES) nchunk = MXC_RNG_ENGINES;
    *step = (n + nchunk - 1) / nchunk;
    *used = (int32_t)((n + *step - 1) / *step);
}

/* The checks every sampler makes before it draws: the engines the call will use
 * must hold indices in range. Returns the call's chunking. */
static int prepare(mxc_rng *rng, int64_t n, int64_t *step, int32_t *used) {
    if (rng->ready < 0 || rng->ready > MXC_RNG_ENGINES) return MXC_ERR_STATE;
    chunking(n, step, used);
    int32_t in_use = rng->ready < *used ? rng->ready : *used;
    for (int32_t t = 0; t < in_use; t++)
        if (!engine_ok(&rng->engine[t])) return MXC_ERR_STATE;
    make_ready(rng, *used);
    return MXC_OK;
}

/* out[0..count) = lo + (hi - lo) * u from one engine, a run of state words at a time. */
MXC_HOT static void uniform_run(float *out, int64_t count, float lo, float hi,
                                mxc_mt19937 *e) {
    float range = hi - lo;
    while (count > 0) {
        if (e->mti >= MT_N) regenerate(e);
        int64_t run = MT_N - e->mti < count ? MT_N - e->mti : count;
        const uint32_t *mt = e->mt + e->mti;
        for (int64_t i = 0; i < run; i++) out[i] = lo + range * canonical(temper(mt[i]));
        e->mti += (int32_t)run;
        out += run;
        count -= run;
    }
}

MXC_HOT static void raw_run(uint32_t *out, int64_t count, mxc_mt19937 *e) {
    while (count > 0) {
        if (e->mti >= MT_N) regenerate(e);
        int64_t run = MT_N - e->mti < count ? MT_N - e->mti : count;
        const uint32_t *mt = e->mt + e->mti;
        for (int64_t i = 0; i < run; i++) out[i] = temper(mt[i]);
        e->mti += (int32_t)run;
        out += run;
        count -= run;
    }
}

/* 2u - 1 for the polar method, in libstdc++'s precision: 2u in float, the
 * subtraction in double, rounded back to float. */
static inline float polar_coord(uint32_t x) {
    return (float)((double)(2.0f * canonical(x)) - 1.0);
}

/* One libstdc++ normal_distribution<float>() call with a fresh distribution: polar
 * attempts on pairs of draws until 0 < r2 <= 1, then the first value y * mult (the
 * second, x * mult, is discarded). */
static float standard_normal(mxc_mt19937 *e) {
    for (;;) {
        float x = polar_coord(next_u32(e));
        float y = polar_coord(next_u32(e));
        float r2 = x * x + y * y;
        if (r2 <= 1.0f && r2 != 0.0f) return y * sqrtf(-2.0f * logf(r2) / r2);
    }
}

#define MAX_PAIRS (MT_N / 2)

/* out[0..count) = z * sd + mean from one engine. Each polar attempt takes the next two
 * words, accepted or not, so the attempts of a run of state words are its consecutive
 * pairs. A batch of them is prepared in a loop without branches, the accepted ones are
 * picked in order (the engine moves past the last attempt used), their logarithms are
 * taken one by one (glibc's logf, as libstdc++ calls it), and the rest of the formula
 * runs as another loop without branches: sqrt and division round exactly, so vector
 * and scalar code give the same bits. A pair that would straddle a regeneration goes
 * through standard_normal. */
MXC_HOT static void normal_run(float *out, int64_t count, float mean, float sd,
                               mxc_mt19937 *e) {
    float ys[MAX_PAIRS], r2s[MAX_PAIRS], lg[MAX_PAIRS];
    while (count > 0) {
        if (e->mti >= MT_N) regenerate(e);
        int32_t pairs = (MT_N - e->mti) / 2;
        if (pairs == 0) { /* mti == 623 */
            *out++ = standard_normal(e) * sd + mean;
            count--;
            continue;
        }
        /* about count / (pi/4) attempts are needed; prepare a few more, not the whole run */
        if (pairs > count + count / 4 + 8) pairs = (int32_t)(count + count / 4 + 8);
        const uint32_t *mt = e->mt + e->mti;
        for (int32_t k = 0; k < pairs; k++) {
            float x = polar_coord(temper(mt[2 * k])), y = polar_coord(temper(mt[2 * k + 1]));
            ys[k] = y;
            r2s[k] = x * x + y * y;
        }
        int32_t k = 0, m = 0;
        for (; k < pairs && m < count; k++) { /* keep the accepted attempts, in order */
            ys[m] = ys[k];
            r2s[m] = r2s[k];
            m += r2s[k] <= 1.0f && r2s[k] != 0.0f;
        }
        e->mti += 2 * k;
        for (int32_t j = 0; j < m; j++) lg[j] = logf(r2s[j]);
        for (int32_t j = 0; j < m; j++) out[j] = ys[j] * sqrtf(-2.0f * lg[j] / r2s[j]) * sd + mean;
        out += m;
        count -= m;
    }
}

/* Sizes from 0 to 2^62: the chunk arithmetic below cannot overflow. */
static int bad_size(int64_t n) { return n < 0 || n > ((int64_t)1 << 62); }

int mxc_rng_raw(uint32_t *out, int64_t n, mxc_rng *rng) {
    if (!out || !rng) return MXC_ERR_NULL_PTR;
    if (bad_size(n)) return MXC_ERR_SHAPE;
    if (n == 0) return MXC_OK;
    int64_t step;
    int32_t used;
    int rc = prepare(rng, n, &step, &used);
    if (rc != MXC_OK) return rc;
    for (int32_t t = 0; t < used; t++) {
        int64_t begin = t * step, end = begin + step < n ? begin + step : n;
        raw_run(out + begin, end - begin, &rng->engine[t]);
    }
    return MXC_OK;
}

/* A sampler of one engine's run: out[0..count) from parameters a, b. */
typedef void (*float_run)(float *out, int64_t count, float a, float b, mxc_mt19937 *e);

/* n floats in MXNet's chunks (see prepare): engine t fills [t step, (t + 1) step). */
static int sample_floats(float *out, int64_t n, float a, float b, mxc_rng *rng,
                         float_run run) {
    if (n == 0) return MXC_OK;
    int64_t step;
    int32_t used;
    int rc = prepare(rng, n, &step, &used);
    if (rc != MXC_OK) return rc;
    for (int32_t t = 0; t < used; t++) {
        int64_t begin = t * step, end = begin + step < n ? begin + step : n;
        run(out + begin, end - begin, a, b, &rng->engine[t]);
    }
    return MXC_OK;
}

int mxc_rng_uniform(float *out, int64_t n, float lo, float hi, mxc_rng *rng) {
    if (!out || !rng) return MXC_ERR_NULL_PTR;
    if (bad_size(n)) return MXC_ERR_SHAPE;
    if (!(lo <= hi)) return MXC_ERR_VALUE;
    return sample_floats(out, n, lo, hi, rng, uniform_run);
}

int mxc_rng_normal(float *out, int64_t n, float mean, float sd, mxc_rng *rng) {
    if (!out || !rng) return MXC_ERR_NULL_PTR;
    if (bad_size(n)) return MXC_ERR_SHAPE;
    if (!(sd >= 0.0f)) return MXC_ERR_VALUE;
    return sample_floats(out, n, mean, sd, rng, normal_run);
}

int mxc_shuffle_with_uniforms(int64_t *order, const float *u, int64_t n) {
    if (!order || !u) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    for (int64_t i = n - 1; i >= 1; i--) {
        /* in double, as MXNet R's io.cc (u holds R doubles there); u >= 0, so the cast
         * truncates like floor, and u < 1 keeps j <= i */
        int64_t j = (int64_t)((double)u[i] * (double)(i + 1));
        if (j < i) {
            int64_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
    return MXC_OK;
}
