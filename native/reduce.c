/* reduce.c: reductions over a set of axes, argmax and argmin (see reduce.h).
 *
 * The axes are split into kept ones (the output's, in order) and reduced
 * ones. For each output element a walk (ndwalk.h) visits the reduced box of x
 * below it, its last reduced axis being the inner loop; the backward walks
 * the same boxes and spreads the gradient back. */
#include "mxc.h"
#include "ndwalk.h"
#include <math.h>

/* Kept and reduced axes of x: extents and x's element strides for each. */
typedef struct {
    int64_t n_kept, n_red;
    int64_t kept[MXC_WALK_NDIM], kept_stride[MXC_WALK_NDIM];
    int64_t red[MXC_WALK_NDIM], red_stride[MXC_WALK_NDIM];
    int64_t count; /* elements per reduced box */
} reduce_plan;

/* Appends an axis to the kept (or reduced) list, merged into the previous one when that
 * was the previous axis of x too (neighbours of one kind are one contiguous axis). */
static void push_axis(int64_t *extents, int64_t *strides, int64_t *n, int64_t extent,
                      int64_t stride, int merge) {
    if (merge) {
        extents[*n - 1] *= extent;
        strides[*n - 1] = stride;
        return;
    }
    extents[*n] = extent;
    strides[*n] = stride;
    (*n)++;
}

static int make_plan(reduce_plan *p, int64_t ndim, const int64_t *shape, const int *reduced) {
    if (!reduced) return MXC_ERR_NULL_PTR;
    if (!mxc_valid_shape(ndim, shape)) return MXC_ERR_SHAPE;
    int64_t stride[MXC_WALK_NDIM];
    mxc_row_major_strides(stride, ndim, shape);
    p->n_kept = p->n_red = 0;
    p->count = 1;
    int prev = -1; /* kind of the previous axis of extent > 1: 1 reduced, 0 kept */
    for (int64_t d = 0; d < ndim; d++) {
        if (shape[d] == 1) continue; /* changes no offset */
        int kind = reduced[d] != 0;
        if (kind) {
            push_axis(p->red, p->red_stride, &p->n_red, shape[d], stride[d], prev == 1);
            p->count *= shape[d];
        } else {
            push_axis(p->kept, p->kept_stride, &p->n_kept, shape[d], stride[d], prev == 0);
        }
        prev = kind;
    }
    /* a walk needs at least one axis: an extent-1 axis stands in for none */
    if (p->n_kept == 0) push_axis(p->kept, p->kept_stride, &p->n_kept, 1, 0, 0);
    if (p->n_red == 0) push_axis(p->red, p->red_stride, &p->n_red, 1, 0, 0);
    return MXC_OK;
}

/* Walk over the kept axes, following x (operand 0). */
static void kept_walk(mxc_walk *w, const reduce_plan *p) {
    mxc_walk_init(w, p->n_kept, p->kept, 1);
    for (int64_t d = 0; d < p->n_kept; d++) w->stride[0][d] = p->kept_stride[d];
}

/* Walk over one reduced box, following x (operand 0). */
static void red_walk(mxc_walk *w, const reduce_plan *p) {
    mxc_walk_init(w, p->n_red, p->red, 1);
    for (int64_t d = 0; d < p->n_red; d++) w->stride[0][d] = p->red_stride[d];
}

/* The reduction of the box starting at x; a NaN in a max / min box is its result. */
static float reduce_box(const float *x, const reduce_plan *p, int op) {
    mxc_walk w;
    red_walk(&w, p);
    int64_t n = p->red[p->n_red - 1], s = p->red_stride[p->n_red - 1];
    double sum = 0.0;
    float best = op == MXC_REDUCE_MAX ? -INFINITY : INFINITY;
    do {
        const float *row = x + w.offset[0];
        for (int64_t i = 0; i < n; i++) {
            float v = row[i * s];
            if (op == MXC_REDUCE_SUM || op == MXC_REDUCE_MEAN)
                sum += (double)v;
            else if (v != v)
                return v;
            else if (op == MXC_REDUCE_MAX ? v > best : v < best)
                best = v;
        }
    } while (mxc_walk_next_row(&w));
    if (op == MXC_REDUCE_SUM) return (float)sum;
    if (op == MXC_REDUCE_MEAN) return (float)(sum / (double)p->count);
    return best;
}

int mxc_reduce_forward(float *out, const float *x, int64_t ndim, const int64_t *shape,
                       const int *reduced, int op) {
    if (!out || !x) return MXC_ERR_NULL_PTR;
    if (op < 0 || op >= MXC_REDUCE_COUNT) return MXC_ERR_VALUE;
    reduce_plan p;
    int rc = make_plan(&p, ndim, shape, reduced);
    if (rc) return rc;
    mxc_walk w;
    kept_walk(&w, &p);
    int64_t n = p.kept[p.n_kept - 1], s = p.kept_stride[p.n_kept - 1], o = 0;
    do {
        for (int64_t i = 0; i < n; i++) out[o++] = reduce_box(x + w.offset[0] + i * s, &p, op);
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

/* Spreads g over the box starting at dx (x and the box's result m for max / min). */
static void spread_box(float *dx, const float *x, float g, float m, const reduce_plan *p,
                       int op) {
    mxc_walk w;
    red_walk(&w, p);
    int64_t n = p->red[p->n_red - 1], s = p->red_stride[p->n_red - 1];
    if (op == MXC_REDUCE_MEAN) g = (float)((double)g / (double)p->count);
    do {
        float *row = dx + w.offset[0];
        const float *xrow = x + w.offset[0];
        for (int64_t i = 0; i < n; i++) {
            if (op == MXC_REDUCE_SUM || op == MXC_REDUCE_MEAN)
                row[i * s] += g;
            else if (xrow[i * s] == m)
                row[i * s] += g;
        }
    } while (mxc_walk_next_row(&w));
}

int mxc_reduce_backward(float *dx, const float *dout, const float *x, const float *out,
                        int64_t ndim, const int64_t *shape, const int *reduced, int op) {
    if (!dx || !dout || !x || !out) return MXC_ERR_NULL_PTR;
    if (op < 0 || op >= MXC_REDUCE_COUNT) return MXC_ERR_VALUE;
    reduce_plan p;
    int rc = make_plan(&p, ndim, shape, reduced);
    if (rc) return rc;
    mxc_walk w;
    kept_walk(&w, &p);
    int64_t n = p.kept[p.n_kept - 1], s = p.kept_stride[p.n_kept - 1], o = 0;
    do {
        for (int64_t i = 0; i < n; i++, o++) {
            int64_t at = w.offset[0] + i * s;
            spread_box(dx + at, x + at, dout[o], out[o], &p, op);
        }
    } while (mxc_walk_next_row(&w));
    return MXC_OK;
}

/* ------------------------------------------------------------------------------------- */

static int arg_extreme(float *out, const float *x, int64_t outer, int64_t len, int64_t inner,
                       int want_max) {
    if (!out || !x) return MXC_ERR_NULL_PTR;
    if (outer < 1 || len < 1 || inner < 1) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t i = 0; i < inner; i++) {
            const float *col = x + o * len * inner + i;
            int64_t best = 0;
            for (int64_t k = 1; k < len; k++) {
                float v = col[k * inner], b = col[best * inner];
                if (want_max ? v > b : v < b) best = k;
            }
            out[o * inner + i] = (float)best;
        }
    }
    return MXC_OK;
}

int mxc_argmax_forward(float *out, const float *x, int64_t outer, int64_t len, int64_t inner) {
    return arg_extreme(out, x, outer, len, inner, 1);
}

int mxc_argmin_forward(float *out, const float *x, int64_t outer, int64_t len, int64_t inner) {
    return arg_extreme(out, x, outer, len, inner, 0);
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_reduce_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_reshape_param *p = &s->param.reshape;
    return mxc_reduce_forward(s->outputs[0], s->inputs[0], p->ndim, p->shape, p->reduced,
                              p->kind);
}

int mxc_reduce_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0] || !s->out_grads[0]) return MXC_OK;
    const mxc_reshape_param *p = &s->param.reshape;
    return mxc_reduce_backward(s->in_grads[0], s->out_grads[0], s->inputs[0], s->outputs[0],
                               p->ndim, p->shape, p->reduced, p->kind);
}
