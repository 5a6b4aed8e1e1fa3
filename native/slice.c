/* slice.c: box reads and writes, and choose_element_0index (see slice.h).
 *
 * A box is walked row by row (ndwalk.h) over its own extents, following the
 * parent array through the parent's strides from the box's first element. */
#include "mxc.h"
#include "ndwalk.h"
#include <string.h>

/* Validates the box and starts a walk over it following the parent (operand 0). */
static int start_box(mxc_walk *w, int64_t ndim, const int64_t *shape, const int64_t *begin,
                     const int64_t *end) {
    if (!begin || !end) return MXC_ERR_NULL_PTR;
    if (!mxc_valid_shape(ndim, shape)) return MXC_ERR_SHAPE;
    int64_t extent[MXC_WALK_NDIM], stride[MXC_WALK_NDIM];
    for (int64_t d = 0; d < ndim; d++) {
        if (begin[d] < 0 || end[d] <= begin[d] || end[d] > shape[d]) return MXC_ERR_SHAPE;
        extent[d] = end[d] - begin[d];
    }
    mxc_row_major_strides(stride, ndim, shape);
    mxc_walk_init(w, ndim, extent, 1);
    for (int64_t d = 0; d < ndim; d++) {
        w->stride[0][d] = stride[d];
        w->offset[0] += begin[d] * stride[d];
    }
    return MXC_OK;
}

int mxc_slice_forward(float *out, const float *x, int64_t ndim, const int64_t *shape,
                      const int64_t *begin, const int64_t *end) {
    if (!out || !x) return MXC_ERR_NULL_PTR;
    mxc_walk w;
    int rc = start_box(&w, ndim, shape, begin, end);
    if (rc) return rc;
    int64_t n = w.extent[ndim - 1];
    do {
        memcpy(out, x + w.offset[0], (size_t)n * sizeof(float));
        out += n;
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

int mxc_slice_backward(float *dx, const float *dout, int64_t ndim, const int64_t *shape,
                       const int64_t *begin, const int64_t *end) {
    if (!dx || !dout) return MXC_ERR_NULL_PTR;
    mxc_walk w;
    int rc = start_box(&w, ndim, shape, begin, end);
    if (rc) return rc;
    int64_t n = w.extent[ndim - 1];
    do {
        float *row = dx + w.offset[0];
        for (int64_t i = 0; i < n; i++) row[i] += dout[i];
        dout += n;
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

int mxc_slice_assign_forward(float *out, const float *lhs, const float *rhs, int64_t ndim,
                             const int64_t *shape, const int64_t *begin, const int64_t *end) {
    if (!out || !lhs || !rhs) return MXC_ERR_NULL_PTR;
    mxc_walk w;
    int rc = start_box(&w, ndim, shape, begin, end);
    if (rc) return rc;
    if (out != lhs) memcpy(out, lhs, (size_t)mxc_shape_size(ndim, shape) * sizeof(float));
    int64_t n = w.extent[ndim - 1];
    do {
        memcpy(out + w.offset[0], rhs, (size_t)n * sizeof(float));
        rhs += n;
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

/* dlhs += dout on every element outside the box, row by row over the whole array. */
static void add_outside(float *dlhs, const float *dout, int64_t ndim, const int64_t *shape,
                        const int64_t *begin, const int64_t *end) {
    mxc_walk w;
    int64_t stride[MXC_WALK_NDIM];
    mxc_row_major_strides(stride, ndim, shape);
    mxc_walk_init(&w, ndim, shape, 1);
    for (int64_t d = 0; d < ndim; d++) w.stride[0][d] = stride[d];
    int64_t n = shape[ndim - 1], lo = begin[ndim - 1], hi = end[ndim - 1];
    do {
        int row_in_box = 1;
        for (int64_t d = 0; d + 1 < ndim; d++)
            if (w.index[d] < begin[d] || w.index[d] >= end[d]) row_in_box = 0;
        float *row = dlhs + w.offset[0];
        const float *g = dout + w.offset[0];
        for (int64_t i = 0; i < n; i++)
            if (!row_in_box || i < lo || i >= hi) row[i] += g[i];
    } while (mxc_walk_next_row(&w));
}

int mxc_slice_assign_backward(float *dlhs, float *drhs, const float *dout, int64_t ndim,
                              const int64_t *shape, const int64_t *begin,
                              const int64_t *end) {
    if (!dout) return MXC_ERR_NULL_PTR;
    mxc_walk w;
    int rc = start_box(&w, ndim, shape, begin, end);
    if (rc) return rc;
    if (dlhs) add_outside(dlhs, dout, ndim, shape, begin, end);
    if (drhs) {
        int64_t n = w.extent[ndim - 1];
        do {
            const float *g = dout + w.offset[0];
            for (int64_t i = 0; i < n; i++) *drhs++ += g[i];
        } while (mxc_walk_next_row(&w));
    }
    return MXC_OK;
}

/* ------------------------------------------------------------------------------------- */

/* 1 when every index[i] is a whole number in [0, k). */
static int valid_indices(const float *index, int64_t n, int64_t k) {
    for (int64_t i = 0; i < n; i++) {
        float v = index[i];
        if (!(v >= 0.0f && v < (float)k) || v != (float)(int64_t)v) return 0;
    }
    return 1;
}

int mxc_choose_element_forward(float *out, const float *x, const float *index, int64_t n,
                               int64_t k) {
    if (!out || !x || !index) return MXC_ERR_NULL_PTR;
    if (n < 1 || k < 1) return MXC_ERR_SHAPE;
    if (!valid_indices(index, n, k)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) out[i] = x[i * k + (int64_t)index[i]];
    return MXC_OK;
}

int mxc_choose_element_backward(float *dx, const float *dout, const float *index, int64_t n,
                                int64_t k) {
    if (!dx || !dout || !index) return MXC_ERR_NULL_PTR;
    if (n < 1 || k < 1) return MXC_ERR_SHAPE;
    if (!valid_indices(index, n, k)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) dx[i * k + (int64_t)index[i]] += dout[i];
    return MXC_OK;
}

// --- SliceChannel: equal parts along one axis, each a box ---------------------------

/* The box of part k; MXC_ERR_VALUE for an axis or a count that does not cut shape. */
static int split_box(int64_t *begin, int64_t *end, int64_t ndim, const int64_t *shape,
                     int64_t axis, int64_t n_out, int64_t k) {
    if (!mxc_valid_shape(ndim, shape)) return MXC_ERR_SHAPE;
    if (axis < 0 || axis >= ndim || n_out < 1 || shape[axis] % n_out != 0) return MXC_ERR_VALUE;
    int64_t width = shape[axis] / n_out;
    for (int64_t d = 0; d < ndim; d++) {
        begin[d] = d == axis ? k * width : 0;
        end[d] = d == axis ? (k + 1) * width : shape[d];
    }
    return MXC_OK;
}

int mxc_split_forward(float *const *outs, const float *x, int64_t ndim, const int64_t *shape,
                      int64_t axis, int64_t n_out) {
    if (!outs || !x) return MXC_ERR_NULL_PTR;
    int64_t begin[MXC_WALK_NDIM], end[MXC_WALK_NDIM];
    int rc = split_box(begin, end, ndim, shape, axis, n_out, 0);
    for (int64_t k = 0; rc == MXC_OK && k < n_out; k++) {
        split_box(begin, end, ndim, shape, axis, n_out, k);
        rc = mxc_slice_forward(outs[k], x, ndim, shape, begin, end);
    }
    return rc;
}

int mxc_split_backward(float *dx, const float *const *douts, int64_t ndim,
                       const int64_t *shape, int64_t axis, int64_t n_out) {
    if (!dx || !douts) return MXC_ERR_NULL_PTR;
    int64_t begin[MXC_WALK_NDIM], end[MXC_WALK_NDIM];
    int rc = split_box(begin, end, ndim, shape, axis, n_out, 0);
    for (int64_t k = 0; rc == MXC_OK && k < n_out; k++) {
        if (!douts[k]) continue;
        split_box(begin, end, ndim, shape, axis, n_out, k);
        rc = mxc_slice_backward(dx, douts[k], ndim, shape, begin, end);
    }
    return rc;
}

int mxc_split_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    const mxc_reshape_param *p = s ? &s->param.reshape : NULL;
    int rc = mxc_step_check(s, 1, p ? p->num_outputs : 0, 0, 0);
    if (rc != MXC_OK) return rc;
    return mxc_split_forward(s->outputs, s->inputs[0], p->ndim, p->shape, p->axes[0],
                             p->num_outputs);
}

int mxc_split_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    const mxc_reshape_param *p = s ? &s->param.reshape : NULL;
    int rc = mxc_step_check(s, 1, p ? p->num_outputs : 0, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0]) return MXC_OK;
    return mxc_split_backward(s->in_grads[0], (const float *const *)s->out_grads, p->ndim,
                              p->shape, p->axes[0], p->num_outputs);
}
