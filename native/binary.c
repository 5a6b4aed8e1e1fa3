/* binary.c: elementwise binary operators, array-array and array-scalar (see binary.h).
 *
 * Both forms run the strided rows of binary_ops.h: an array has stride 1, the
 * scalar stride 0. Not here: broadcasting between different shapes
 * (broadcast.c) and the shape checks of the callers. */
#include "mxc.h"
#include "binary_ops.h"

int mxc_elemwise_binary_forward(float *out, const float *a, const float *b, int64_t n, int op) {
    if (!out || !a || !b) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!mxc_binary_op_valid(op)) return MXC_ERR_VALUE;
    mxc_binary_row(out, a, 1, b, 1, n, op);
    return MXC_OK;
}

int mxc_elemwise_binary_backward(float *da, float *db, const float *dout, const float *a,
                                 const float *b, int64_t n, int op) {
    if (!dout || !a || !b) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!mxc_binary_op_valid(op)) return MXC_ERR_VALUE;
    mxc_binary_row_grad(da, db, dout, a, 1, b, 1, n, op);
    return MXC_OK;
}

static int check_scalar_args(const float *a, int64_t n, int op, int reverse) {
    if (!a) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!mxc_binary_op_valid(op) || (reverse != 0 && reverse != 1)) return MXC_ERR_VALUE;
    return MXC_OK;
}

int mxc_binary_scalar_forward(float *out, const float *a, int64_t n, float scalar, int op,
                              int reverse) {
    if (!out) return MXC_ERR_NULL_PTR;
    int rc = check_scalar_args(a, n, op, reverse);
    if (rc) return rc;
    if (reverse)
        mxc_binary_row(out, &scalar, 0, a, 1, n, op);
    else
        mxc_binary_row(out, a, 1, &scalar, 0, n, op);
    return MXC_OK;
}

int mxc_binary_scalar_backward(float *da, const float *dout, const float *a, int64_t n,
                               float scalar, int op, int reverse) {
    if (!da || !dout) return MXC_ERR_NULL_PTR;
    int rc = check_scalar_args(a, n, op, reverse);
    if (rc) return rc;
    if (reverse)
        mxc_binary_row_grad(NULL, da, dout, &scalar, 0, a, 1, n, op);
    else
        mxc_binary_row_grad(da, NULL, dout, a, 1, &scalar, 0, n, op);
    return MXC_OK;
}

// --- fused steps (ops.def) ------------------------------------------------------

int mxc_elemwise_binary_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    return mxc_elemwise_binary_forward(s->outputs[0], s->inputs[0], s->inputs[1],
                                       s->param.elemwise.n, s->param.elemwise.kind);
}

int mxc_elemwise_binary_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->out_grads[0] || (!s->in_grads[0] && !s->in_grads[1])) return MXC_OK;
    return mxc_elemwise_binary_backward(s->in_grads[0], s->in_grads[1], s->out_grads[0],
                                        s->inputs[0], s->inputs[1], s->param.elemwise.n,
                                        s->param.elemwise.kind);
}

int mxc_binary_scalar_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_elemwise_param *p = &s->param.elemwise;
    return mxc_binary_scalar_forward(s->outputs[0], s->inputs[0], p->n, p->scalar, p->kind,
                                     p->reverse);
}

int mxc_binary_scalar_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0] || !s->out_grads[0]) return MXC_OK;
    const mxc_elemwise_param *p = &s->param.elemwise;
    return mxc_binary_scalar_backward(s->in_grads[0], s->out_grads[0], s->inputs[0], p->n,
                                      p->scalar, p->kind, p->reverse);
}
