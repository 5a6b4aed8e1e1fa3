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

// --- fused step (ops.def) -------------------------------------------------------

int mxc_concat_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_concat_param *p = &s->param.concat;
    return mxc_concat_forward(s->outputs[0], (const float *const *)s->inputs, p->widths,
                              s->n_inputs, p->outer);
}

/* As the Python kernel: always called. */
int mxc_concat_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    /* No input needs a gradient (a Concat of data inputs only): the graph binds no output
     * gradient and there is nothing to accumulate. */
    if (!s->out_grads[0]) return MXC_OK;
    const mxc_concat_param *p = &s->param.concat;
    return mxc_concat_backward(s->in_grads, s->out_grads[0], p->widths, s->n_inputs, p->outer);
}
