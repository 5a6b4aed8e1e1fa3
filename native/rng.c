/* rng.c: MT19937 with libstdc++'s float distributions (see rng.h).
 * Not a cryptographic generator; the goal is reproducible streams that match
 * what MXNet's CPU backend documented. */
#include "mxc.h"
#include <math.h>

#define MT_N 624
#define MT_M 397

static mxc_rng default_rng = {{0}, MT_N + 1, 0, 0.0f}; /* mti > N: seed on first use */

mxc_rng *mxc_rng_default(void) { return &default_rng; }

int mxc_rng_seed(mxc_rng *rng, uint32_t seed) {
    if (!rng) return MXC_ERR_NULL_PTR;
    rng->mt[0] = seed;
    for (int i = 1; i < MT_N; i++)
        rng->mt[i] = 1812433253u * (rng->mt[i - 1] ^ (rng->mt[i - 1] >> 30)) + (uint32_t)i;
    rng->mti = MT_N;
    rng->has_saved = 0;
    rng->saved = 0.0f;
    return MXC_OK;
}

static void regenerate(mxc_rng *rng) {
    uint32_t *mt = rng->mt;
    for (int i = 0; i < MT_N; i++) {
        uint32_t y = (mt[i] & 0x80000000u) | (mt[(i + 1) % MT_N] & 0x7fffffffu);
        uint32_t v = mt[(i + MT_M) % MT_N] ^ (y >> 1);
        mt[i] = (y & 1u) ? v ^ 0x9908b0dfu : v;
    }
    rng->mti = 0;
}

uint32_t mxc_rng_next_u32(mxc_rng *rng) {
    if (rng->mti > MT_N) mxc_rng_seed(rng, 5489u); /* std::mt19937's default seed */
    if (rng->mti >= MT_N) regenerate(rng);
    uint32_t y = rng->mt[rng->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* generate_canonical<float, 24>: one draw, converted to float, scaled by 2^-32,
 * and kept below 1 (the float conversion can round up to 2^32). */
static float canonical(mxc_rng *rng) {
    float u = (float)mxc_rng_next_u32(rng) / 4294967296.0f;
    return u >= 1.0f ? nextafterf(1.0f, 0.0f) : u;
}

int mxc_rng_uniform(float *out, int64_t n, float lo, float hi, mxc_rng *rng) {
    if (!out || !rng) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    if (!(lo <= hi)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) out[i] = canonical(rng) * (hi - lo) + lo;
    return MXC_OK;
}

/* libstdc++'s normal_distribution<float>: polar method, spare kept for the next call. */
static float standard_normal(mxc_rng *rng) {
    if (rng->has_saved) {
        rng->has_saved = 0;
        return rng->saved;
    }
    float x, y, r2;
    do {
        x = 2.0f * canonical(rng) - 1.0f;
        y = 2.0f * canonical(rng) - 1.0f;
        r2 = x * x + y * y;
    } while (r2 > 1.0f || r2 == 0.0f);
    float mult = sqrtf(-2.0f * logf(r2) / r2);
    rng->saved = x * mult;
    rng->has_saved = 1;
    return y * mult;
}

int mxc_rng_normal(float *out, int64_t n, float mean, float sd, mxc_rng *rng) {
    if (!out || !rng) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    if (!(sd >= 0.0f)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) out[i] = standard_normal(rng) * sd + mean;
    return MXC_OK;
}

int mxc_shuffle_with_uniforms(int64_t *order, const float *u, int64_t n) {
    if (!order || !u) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    for (int64_t i = n - 1; i >= 1; i--) {
        int64_t j = (int64_t)floorf(u[i] * (float)(i + 1));
        if (j < i) {
            int64_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
    return MXC_OK;
}
