/* concat.c: Concat of k arrays along one axis (see concat.h).
 *
 * The caller flattens each input to (outer, widths[i]); concatenation is then
 * copying row blocks side by side, and its backward is slicing them back out.
 * Not here: shape checks on the axes other than the concatenated one. */
#include "mxc.h"
#include <string.h>

/* Validates widths and returns their sum, or 0 when one is < 1. */
static int64_t total_width(const int64_t *widths, int64_t k) {
    int64_t total = 0;
    for (int64_t i = 0; i < k; i++) {
        if (widths[i] < 1) return 0;
        total += widths[i];
    }
    return total;
}

int mxc_concat_forward(float *out, const float *const *inps, const int64_t *widths,
                       int64_t k, int64_t outer) {
    if (!out || !inps || !widths) return MXC_ERR_NULL_PTR;
    if (k < 1 || outer < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < k; i++)
        if (!inps[i]) return MXC_ERR_NULL_PTR;
    int64_t total = total_width(widths, k);
    if (total < 1) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++) {
        float *row = out + o * total;
        for (int64_t i = 0; i < k; i++) {
            memcpy(row, inps[i] + o * widths[i], (size_t)widths[i] * sizeof(float));
            row += widths[i];
        }
    }
    return MXC_OK;
}

/* dst[j] += src[j] for j < w. */
static void add_block(float *dst, const float *src, int64_t w) {
    for (int64_t j = 0; j < w; j++) dst[j] += src[j];
}

int mxc_concat_backward(float *const *dinps, const float *dout, const int64_t *widths,
                        int64_t k, int64_t outer) {
    if (!dinps || !dout || !widths) return MXC_ERR_NULL_PTR;
    if (k < 1 || outer < 1) return MXC_ERR_SHAPE;
    int64_t total = total_width(widths, k);
    if (total < 1) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++) {
        const float *row = dout + o * total;
        for (int64_t i = 0; i < k; i++) {
            if (dinps[i]) add_block(dinps[i] + o * widths[i], row, widths[i]);
            row += widths[i];
        }
    }
    return MXC_OK;
}
