/* idx.c: the MNIST helpers of idx.h.
 *
 * What it is: std::mt19937 (the 32-bit Mersenne Twister) and libstdc++'s
 * std::shuffle on top of it, written out so the order MXNet's MNISTIter draws
 * for a seed can be drawn here too, and a gather that turns image bytes into
 * floats. What it is not: a general random source (rng.c is that). */
#include "mxc.h"

enum { MT_N = 624, MT_M = 397 };

typedef struct {
    uint32_t state[MT_N];
    int next;
} mt19937;

static void mt_seed(mt19937 *g, uint32_t seed) {
    g->state[0] = seed;
    for (int i = 1; i < MT_N; i++) {
        uint32_t prev = g->state[i - 1];
        g->state[i] = 1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    g->next = MT_N;
}

static void mt_twist(mt19937 *g) {
    for (int i = 0; i < MT_N; i++) {
        uint32_t y = (g->state[i] & 0x80000000u) | (g->state[(i + 1) % MT_N] & 0x7fffffffu);
        g->state[i] = g->state[(i + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    g->next = 0;
}

static uint32_t mt_draw(mt19937 *g) {
    if (g->next >= MT_N) mt_twist(g);
    uint32_t y = g->state[g->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* std::uniform_int_distribution(0, hi)(g) for hi < 2^32 - 1, by libstdc++'s
 * "downscaling": draws below a multiple of (hi + 1) divided by the scale. */
static uint64_t uniform_upto(mt19937 *g, uint64_t hi) {
    const uint64_t range = 0xffffffffu, span = hi + 1;
    const uint64_t scaling = range / span, past = span * scaling;
    uint64_t draw;
    do draw = mt_draw(g);
    while (draw >= past);
    return draw / scaling;
}

int mxc_mnist_shuffle(int64_t *order, int64_t n, uint32_t seed) {
    if (!order) return MXC_ERR_NULL_PTR;
    if (n < 1 || n >= (int64_t)0xffffffff) return MXC_ERR_SHAPE;
    mt19937 g;
    mt_seed(&g, seed);
    for (int64_t i = 0; i < n; i++) order[i] = i;
    for (int64_t i = 1; i < n; i++) {
        int64_t j = (int64_t)uniform_upto(&g, (uint64_t)i);
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    return MXC_OK;
}

int mxc_u8_rows_to_f32(float *out, const uint8_t *src, const int64_t *order, int64_t n_rows,
                       int64_t row_len, float scale) {
    if (!out || !src) return MXC_ERR_NULL_PTR;
    if (n_rows < 1 || row_len < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n_rows; i++) {
        const uint8_t *row = src + (order ? order[i] : i) * row_len;
        float *o = out + i * row_len;
        for (int64_t k = 0; k < row_len; k++) o[k] = (float)row[k] * scale;
    }
    return MXC_OK;
}
