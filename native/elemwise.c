/* elemwise.c: elementwise kernels (see elemwise.h). */
#include "mxc.h"
#include "simd.h"

MXC_HOT int mxc_axpy(float *y, const float *x, int64_t n, float alpha) {
    if (!y || !x) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
    return MXC_OK;
}

// --- square ---------------------------------------------------------------------

MXC_HOT int mxc_square_forward(float *out, const float *inp, int64_t n) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) out[i] = inp[i] * inp[i];
    return MXC_OK;
}

MXC_HOT int mxc_square_backward(float *dinp, const float *dout, const float *inp, int64_t n) {
    if (!dinp || !dout || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) dinp[i] += 2.0f * inp[i] * dout[i];
    return MXC_OK;
}

int mxc_square_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    return mxc_square_forward(s->outputs[0], s->inputs[0], s->param.elemwise.n);
}

int mxc_square_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0]) return MXC_OK; /* no gradient wanted: nothing to do */
    return mxc_square_backward(s->in_grads[0], s->out_grads[0], s->inputs[0],
                               s->param.elemwise.n);
}
