/* slice.h: boxes of an array (MXNet's slice / crop / slice_axis, _slice_assign
 * alias _crop_assign) and choose_element_0index.
 *
 * x has `shape` (ndim 1..8); the box is [begin[d], end[d]) on every axis,
 * with 0 <= begin[d] < end[d] <= shape[d]. out has the box's extents
 * end[d] - begin[d] (a slice_axis is a box that is whole on the other axes). */
int mxc_slice_forward(float *out, const float *x, int64_t ndim, const int64_t *shape,
                      const int64_t *begin, const int64_t *end);

/* Accumulates dx (shape) += dout inside the box. */
int mxc_slice_backward(float *dx, const float *dout, int64_t ndim, const int64_t *shape,
                       const int64_t *begin, const int64_t *end);

/* out (shape) = lhs (shape) with the box replaced by rhs (the box's extents).
 * out may be lhs itself (an in-place assignment). */
int mxc_slice_assign_forward(float *out, const float *lhs, const float *rhs, int64_t ndim,
                             const int64_t *shape, const int64_t *begin, const int64_t *end);

/* Accumulates dlhs += dout outside the box and drhs += dout inside it (NULL skips). */
int mxc_slice_assign_backward(float *dlhs, float *drhs, const float *dout, int64_t ndim,
                              const int64_t *shape, const int64_t *begin,
                              const int64_t *end);

/* out (n) = x (n, k) at column index[i] of row i; index (n) holds whole numbers
 * 0..k-1 as floats (MXC_ERR_VALUE otherwise, before anything is written). */
int mxc_choose_element_forward(float *out, const float *x, const float *index, int64_t n,
                               int64_t k);

/* Accumulates dx[i, index[i]] += dout[i]. */
int mxc_choose_element_backward(float *dx, const float *dout, const float *index, int64_t n,
                                int64_t k);

/* x (shape) cut along `axis` into n_out equal parts (MXNet's SliceChannel):
 * outs[k] (n_out pointers) = the box [k * w, (k + 1) * w) on that axis, w =
 * shape[axis] / n_out. MXC_ERR_VALUE unless 0 <= axis < ndim, n_out >= 1 and
 * n_out divides shape[axis]. */
int mxc_split_forward(float *const *outs, const float *x, int64_t ndim, const int64_t *shape,
                      int64_t axis, int64_t n_out);
/* Accumulates dx (shape) += douts[k] inside part k; a NULL douts[k] is skipped. */
int mxc_split_backward(float *dx, const float *const *douts, int64_t ndim,
                       const int64_t *shape, int64_t axis, int64_t n_out);

/* The fused step (graph.h) of SliceChannel: input data, num_outputs outputs;
 * param.reshape.ndim, .shape (the input's), .axes[0] (the axis), .num_outputs. */
int mxc_split_step_forward(const mxc_step *s, int is_train);
int mxc_split_step_backward(const mxc_step *s, int is_train);
