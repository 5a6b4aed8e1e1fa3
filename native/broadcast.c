/* broadcast.c: binary operators with broadcasting (see broadcast.h).
 *
 * The three shapes are first simplified: axes of extent 1 in the output are
 * dropped, and neighbouring axes along which each operand is either wholly
 * repeated or wholly contiguous are merged (a (4, 3) + (1, 3) walk becomes
 * rows of 3 against a fixed row). The walk of ndwalk.h then runs the strided
 * rows of binary_ops.h, a repeated operand having stride 0. */
#include "mxc.h"
#include "binary_ops.h"
#include "ndwalk.h"

/* The simplified walk: extents of the output and element strides of out, a, b. */
typedef struct {
    int64_t ndim;
    int64_t extent[MXC_WALK_NDIM];
    int64_t stride[3][MXC_WALK_NDIM]; /* 0: out, 1: a, 2: b */
} bcast_plan;

static int operand_fits(int64_t ndim, const int64_t *out_shape, const int64_t *shape) {
    if (!mxc_valid_shape(ndim, shape)) return 0;
    for (int64_t d = 0; d < ndim; d++)
        if (shape[d] != out_shape[d] && shape[d] != 1) return 0;
    return 1;
}

/* Strides of an operand of `shape` read along out_shape: 0 where it is repeated. */
static void operand_strides(int64_t *stride, int64_t ndim, const int64_t *shape) {
    mxc_row_major_strides(stride, ndim, shape);
    for (int64_t d = 0; d < ndim; d++)
        if (shape[d] == 1) stride[d] = 0;
}

/* Appends axis (extent e, strides s[3]) to the plan, merging it into the previous axis
 * when every operand continues contiguously (or stays repeated) across the two. */
static void plan_push(bcast_plan *p, int64_t e, const int64_t s[3]) {
    if (p->ndim > 0) {
        int64_t last = p->ndim - 1;
        int merge = 1;
        for (int j = 0; j < 3; j++)
            if (p->stride[j][last] != s[j] * e) merge = 0;
        if (merge) {
            p->extent[last] *= e;
            for (int j = 0; j < 3; j++) p->stride[j][last] = s[j];
            return;
        }
    }
    p->extent[p->ndim] = e;
    for (int j = 0; j < 3; j++) p->stride[j][p->ndim] = s[j];
    p->ndim++;
}

static int make_plan(bcast_plan *p, int64_t ndim, const int64_t *out_shape,
                     const int64_t *a_shape, const int64_t *b_shape) {
    if (!mxc_valid_shape(ndim, out_shape)) return MXC_ERR_SHAPE;
    if (!operand_fits(ndim, out_shape, a_shape) || !operand_fits(ndim, out_shape, b_shape))
        return MXC_ERR_SHAPE;
    int64_t strides[3][MXC_WALK_NDIM];
    mxc_row_major_strides(strides[0], ndim, out_shape);
    operand_strides(strides[1], ndim, a_shape);
    operand_strides(strides[2], ndim, b_shape);
    p->ndim = 0;
    for (int64_t d = 0; d < ndim; d++) {
        if (out_shape[d] == 1) continue;
        int64_t s[3] = {strides[0][d], strides[1][d], strides[2][d]};
        plan_push(p, out_shape[d], s);
    }
    if (p->ndim == 0) { /* a single element */
        int64_t s[3] = {1, 1, 1};
        plan_push(p, 1, s);
    }
    return MXC_OK;
}

static void start_walk(mxc_walk *w, const bcast_plan *p) {
    mxc_walk_init(w, p->ndim, p->extent, 3);
    for (int j = 0; j < 3; j++)
        for (int64_t d = 0; d < p->ndim; d++) w->stride[j][d] = p->stride[j][d];
}

int mxc_broadcast_binary_forward(float *out, const float *a, const float *b, int64_t ndim,
                                 const int64_t *out_shape, const int64_t *a_shape,
                                 const int64_t *b_shape, int op) {
    if (!out || !a || !b) return MXC_ERR_NULL_PTR;
    if (!mxc_binary_op_valid(op)) return MXC_ERR_VALUE;
    bcast_plan p;
    int rc = make_plan(&p, ndim, out_shape, a_shape, b_shape);
    if (rc) return rc;
    mxc_walk w;
    start_walk(&w, &p);
    int64_t last = p.ndim - 1, n = p.extent[last];
    do {
        mxc_binary_row(out + w.offset[0], a + w.offset[1], p.stride[1][last],
                       b + w.offset[2], p.stride[2][last], n, op);
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

int mxc_broadcast_binary_backward(float *da, float *db, const float *dout, const float *a,
                                  const float *b, int64_t ndim, const int64_t *out_shape,
                                  const int64_t *a_shape, const int64_t *b_shape, int op) {
    if (!dout || !a || !b) return MXC_ERR_NULL_PTR;
    if (!mxc_binary_op_valid(op)) return MXC_ERR_VALUE;
    bcast_plan p;
    int rc = make_plan(&p, ndim, out_shape, a_shape, b_shape);
    if (rc) return rc;
    if ((!da && !db) || mxc_binary_op_is_comparison(op)) return MXC_OK;
    mxc_walk w;
    start_walk(&w, &p);
    int64_t last = p.ndim - 1, n = p.extent[last];
    do {
        mxc_binary_row_grad(da ? da + w.offset[1] : NULL, db ? db + w.offset[2] : NULL,
                            dout + w.offset[0], a + w.offset[1], p.stride[1][last],
                            b + w.offset[2], p.stride[2][last], n, op);
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

// --- broadcast_to: a broadcast product with a one of shape (1, ..., 1) ------------------

/* ones_shape[d] = 1 for d < ndim; MXC_ERR_SHAPE for an ndim no kernel walks. */
static int unit_shape(int64_t *ones_shape, int64_t ndim) {
    if (ndim < 1 || ndim > MXC_WALK_NDIM) return MXC_ERR_SHAPE;
    for (int64_t d = 0; d < ndim; d++) ones_shape[d] = 1;
    return MXC_OK;
}

static const float ONE = 1.0f;

int mxc_broadcast_to_forward(float *out, const float *x, int64_t ndim, const int64_t *out_shape,
                             const int64_t *x_shape) {
    int64_t ones_shape[MXC_WALK_NDIM];
    int rc = unit_shape(ones_shape, ndim);
    if (rc) return rc;
    return mxc_broadcast_binary_forward(out, x, &ONE, ndim, out_shape, x_shape, ones_shape,
                                        MXC_BINARY_MUL);
}

int mxc_broadcast_to_backward(float *dx, const float *dout, int64_t ndim,
                              const int64_t *out_shape, const int64_t *x_shape) {
    if (!dx) return MXC_ERR_NULL_PTR;
    int64_t ones_shape[MXC_WALK_NDIM];
    int rc = unit_shape(ones_shape, ndim);
    if (rc) return rc;
    /* d(x * 1)/dx = 1: the values of x are never read, so dx stands in for them */
    return mxc_broadcast_binary_backward(dx, NULL, dout, dx, &ONE, ndim, out_shape, x_shape,
                                         ones_shape, MXC_BINARY_MUL);
}

// --- fused steps (ops.def) ------------------------------------------------------

int mxc_broadcast_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_broadcast_param *p = &s->param.broadcast;
    return mxc_broadcast_binary_forward(s->outputs[0], s->inputs[0], s->inputs[1], p->ndim,
                                        p->out_shape, p->a_shape, p->b_shape, p->kind);
}

int mxc_broadcast_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->out_grads[0] || (!s->in_grads[0] && !s->in_grads[1])) return MXC_OK;
    const mxc_broadcast_param *p = &s->param.broadcast;
    return mxc_broadcast_binary_backward(s->in_grads[0], s->in_grads[1], s->out_grads[0],
                                         s->inputs[0], s->inputs[1], p->ndim, p->out_shape,
                                         p->a_shape, p->b_shape, p->kind);
}

int mxc_broadcast_to_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_broadcast_param *p = &s->param.broadcast;
    return mxc_broadcast_to_forward(s->outputs[0], s->inputs[0], p->ndim, p->out_shape,
                                    p->a_shape);
}

int mxc_broadcast_to_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0] || !s->out_grads[0]) return MXC_OK;
    const mxc_broadcast_param *p = &s->param.broadcast;
    return mxc_broadcast_to_backward(s->in_grads[0], s->out_grads[0], p->ndim, p->out_shape,
                                     p->a_shape);
}

