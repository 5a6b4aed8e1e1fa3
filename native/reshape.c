/* reshape.c: operators that only move data (see reshape.h): a copy forward and
 * an accumulating copy backward. */
#include "mxc.h"
#include <string.h>

int mxc_reshape_forward(float *out, const float *inp, int64_t n) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    memcpy(out, inp, (size_t)n * sizeof(float));
    return MXC_OK;
}

int mxc_reshape_backward(float *dinp, const float *dout, int64_t n) {
    if (!dinp || !dout) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    return mxc_axpy(dinp, dout, n, 1.0f);
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_reshape_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    return mxc_reshape_forward(s->outputs[0], s->inputs[0], s->param.reshape.n);
}

int mxc_reshape_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0]) return MXC_OK;
    return mxc_reshape_backward(s->in_grads[0], s->out_grads[0], s->param.reshape.n);
}
