/* transpose.h: permutation of the axes (MXNet's transpose with axes).
 *
 * x has `shape` (ndim 1..8); axes is a permutation of 0..ndim-1 and out has
 * shape (shape[axes[0]], ..., shape[axes[ndim-1]]): out[i0, i1, ...] is x at
 * index i_k on axis axes[k]. */
int mxc_transpose_forward(float *out, const float *x, int64_t ndim, const int64_t *shape,
                          const int64_t *axes);

/* Accumulates dx (shape) += dout transposed back. */
int mxc_transpose_backward(float *dx, const float *dout, int64_t ndim, const int64_t *shape,
                           const int64_t *axes);

/* The fused step (graph.h) of transpose: input data, one output;
 * param.reshape.ndim, .shape (the input's) and .axes (the permutation). */
int mxc_transpose_step_forward(const mxc_step *s, int is_train);
int mxc_transpose_step_backward(const mxc_step *s, int is_train);
