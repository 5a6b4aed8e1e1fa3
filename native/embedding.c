/* embedding.c: Embedding forward and backward (see embedding.h). */
#include "mxc.h"
#include <string.h>

/* Row of weight an index picks: truncation toward zero, then clipping; the
 * comparisons come first so no out-of-range float is ever converted to int. */
static int64_t row_of(float v, int64_t input_dim) {
    if (!(v >= 1.0f)) return 0; /* negatives, (-1, 1) and NaN */
    if (v >= (float)input_dim) return input_dim - 1;
    int64_t r = (int64_t)v;
    return r < input_dim ? r : input_dim - 1; /* (float)input_dim may round down */
}

int mxc_embedding_forward(float *out, const float *idx, const float *weight, int64_t n,
                          int64_t input_dim, int64_t output_dim) {
    if (!out || !idx || !weight) return MXC_ERR_NULL_PTR;
    if (n < 1 || input_dim < 1 || output_dim < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++)
        memcpy(out + i * output_dim, weight + row_of(idx[i], input_dim) * output_dim,
               (size_t)output_dim * sizeof(float));
    return MXC_OK;
}

int mxc_embedding_backward(float *dweight, const float *dout, const float *idx, int64_t n,
                           int64_t input_dim, int64_t output_dim) {
    if (!dweight || !dout || !idx) return MXC_ERR_NULL_PTR;
    if (n < 1 || input_dim < 1 || output_dim < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) {
        float *row = dweight + row_of(idx[i], input_dim) * output_dim;
        const float *g = dout + i * output_dim;
        for (int64_t j = 0; j < output_dim; j++) row[j] += g[j];
    }
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_embedding_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_embedding_param *p = &s->param.embedding;
    return mxc_embedding_forward(s->outputs[0], s->inputs[0], s->inputs[1], p->n, p->input_dim,
                                 p->output_dim);
}

int mxc_embedding_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK || !s->in_grads[1] || !s->out_grads[0]) return rc;
    const mxc_embedding_param *p = &s->param.embedding;
    return mxc_embedding_backward(s->in_grads[1], s->out_grads[0], s->inputs[0], p->n,
                                  p->input_dim, p->output_dim);
}
