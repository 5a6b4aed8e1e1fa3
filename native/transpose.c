/* transpose.c: axis permutation (see transpose.h).
 *
 * The output is written in order while x is read through its strides taken
 * in the permuted order (ndwalk.h); the backward walks the same way and adds
 * into dx. */
#include "mxc.h"
#include "ndwalk.h"

/* Validates the permutation and starts a walk over out's shape following x (operand 0). */
static int start(mxc_walk *w, int64_t ndim, const int64_t *shape, const int64_t *axes) {
    if (!axes) return MXC_ERR_NULL_PTR;
    if (!mxc_valid_shape(ndim, shape)) return MXC_ERR_SHAPE;
    int seen[MXC_WALK_NDIM] = {0};
    for (int64_t k = 0; k < ndim; k++) {
        if (axes[k] < 0 || axes[k] >= ndim || seen[axes[k]]) return MXC_ERR_VALUE;
        seen[axes[k]] = 1;
    }
    int64_t stride[MXC_WALK_NDIM], out_shape[MXC_WALK_NDIM];
    mxc_row_major_strides(stride, ndim, shape);
    for (int64_t k = 0; k < ndim; k++) out_shape[k] = shape[axes[k]];
    mxc_walk_init(w, ndim, out_shape, 1);
    for (int64_t k = 0; k < ndim; k++) w->stride[0][k] = stride[axes[k]];
    return MXC_OK;
}

int mxc_transpose_forward(float *out, const float *x, int64_t ndim, const int64_t *shape,
                          const int64_t *axes) {
    if (!out || !x) return MXC_ERR_NULL_PTR;
    mxc_walk w;
    int rc = start(&w, ndim, shape, axes);
    if (rc) return rc;
    int64_t n = w.extent[ndim - 1], s = w.stride[0][ndim - 1];
    do {
        const float *row = x + w.offset[0];
        for (int64_t i = 0; i < n; i++) *out++ = row[i * s];
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

int mxc_transpose_backward(float *dx, const float *dout, int64_t ndim, const int64_t *shape,
                           const int64_t *axes) {
    if (!dx || !dout) return MXC_ERR_NULL_PTR;
    mxc_walk w;
    int rc = start(&w, ndim, shape, axes);
    if (rc) return rc;
    int64_t n = w.extent[ndim - 1], s = w.stride[0][ndim - 1];
    do {
        float *row = dx + w.offset[0];
        for (int64_t i = 0; i < n; i++) row[i * s] += *dout++;
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_transpose_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_reshape_param *p = &s->param.reshape;
    return mxc_transpose_forward(s->outputs[0], s->inputs[0], p->ndim, p->shape, p->axes);
}

int mxc_transpose_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0] || !s->out_grads[0]) return MXC_OK;
    const mxc_reshape_param *p = &s->param.reshape;
    return mxc_transpose_backward(s->in_grads[0], s->out_grads[0], p->ndim, p->shape, p->axes);
}
