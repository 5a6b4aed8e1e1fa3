/* ndwalk.h: walking the rows of a row-major n-d box (private to the .c files, like simd.h).
 *
 * The broadcast, reduce, transpose and slice kernels visit the elements of an
 * n-d box in row-major order while following operands whose strides differ
 * from the box's own (0 along a broadcast axis, permuted for a transpose, the
 * parent array's for a slice). They walk rows: the last axis is the kernel's
 * inner loop, and mxc_walk_next_row() steps to the next row, carrying into the
 * earlier axes and keeping every operand's offset up to date. Everything lives
 * on the stack (at most MXC_WALK_NDIM axes), so kernels stay allocation-free.
 * Not a module header: build_ffi.py never reads it. */
#ifndef MXC_NDWALK_H
#define MXC_NDWALK_H

#include <stdint.h>

#define MXC_WALK_NDIM 8 /* most axes of a walk (ops/shape_rules.py MAX_NDIM says the same) */
#define MXC_WALK_MAX_OPS 3

typedef struct {
    int64_t ndim;                                 /* axes of the box, 1..MXC_WALK_NDIM */
    int64_t extent[MXC_WALK_NDIM];                 /* the box */
    int64_t index[MXC_WALK_NDIM];                  /* current row (last entry unused) */
    int nops;                                     /* operands followed */
    int64_t stride[MXC_WALK_MAX_OPS][MXC_WALK_NDIM]; /* element strides of each operand */
    int64_t offset[MXC_WALK_MAX_OPS];             /* each operand's offset of the row start */
} mxc_walk;

/* 1 when 1 <= ndim <= MXC_WALK_NDIM and every extent is >= 1. */
static inline int mxc_valid_shape(int64_t ndim, const int64_t *shape) {
    if (!shape || ndim < 1 || ndim > MXC_WALK_NDIM) return 0;
    for (int64_t d = 0; d < ndim; d++)
        if (shape[d] < 1) return 0;
    return 1;
}

/* Number of elements of a valid shape. */
static inline int64_t mxc_shape_size(int64_t ndim, const int64_t *shape) {
    int64_t n = 1;
    for (int64_t d = 0; d < ndim; d++) n *= shape[d];
    return n;
}

/* Row-major (C order) element strides of a shape. */
static inline void mxc_row_major_strides(int64_t *stride, int64_t ndim, const int64_t *shape) {
    int64_t s = 1;
    for (int64_t d = ndim - 1; d >= 0; d--) {
        stride[d] = s;
        s *= shape[d];
    }
}

/* Starts a walk over `extent` at the first row; the caller then fills stride[j][d]
 * for each of the nops operands (offsets start at 0). */
static inline void mxc_walk_init(mxc_walk *w, int64_t ndim, const int64_t *extent, int nops) {
    w->ndim = ndim;
    w->nops = nops;
    for (int64_t d = 0; d < ndim; d++) {
        w->extent[d] = extent[d];
        w->index[d] = 0;
    }
    for (int j = 0; j < MXC_WALK_MAX_OPS; j++) {
        w->offset[j] = 0;
        for (int64_t d = 0; d < MXC_WALK_NDIM; d++) w->stride[j][d] = 0;
    }
}

/* Steps to the next row; returns 0 (and leaves the walk at its start) after the last. */
static inline int mxc_walk_next_row(mxc_walk *w) {
    for (int64_t d = w->ndim - 2; d >= 0; d--) {
        w->index[d]++;
        for (int j = 0; j < w->nops; j++) w->offset[j] += w->stride[j][d];
        if (w->index[d] < w->extent[d]) return 1;
        for (int j = 0; j < w->nops; j++) w->offset[j] -= w->stride[j][d] * w->extent[d];
        w->index[d] = 0;
    }
    return 0;
}

#endif /* MXC_NDWALK_H */
