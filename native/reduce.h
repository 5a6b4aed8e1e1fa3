/* reduce.h: sum, mean, max and min over any set of axes, and argmax/argmin
 * along one axis (MXNet's sum, mean, max, min with axis/keepdims, argmax).
 *
 * x has `shape` (ndim 1..8); reduced[d] != 0 marks a reduced axis. out holds
 * the kept axes in their order (keepdims only changes the caller's shape, not
 * the layout). Sums and means accumulate in double and are rounded once. */
enum {
    MXC_REDUCE_SUM = 0,
    MXC_REDUCE_MEAN = 1,
    MXC_REDUCE_MAX = 2,
    MXC_REDUCE_MIN = 3,
    MXC_REDUCE_COUNT = 4
};

int mxc_reduce_forward(float *out, const float *x, int64_t ndim, const int64_t *shape,
                       const int *reduced, int op);

/* Accumulates dx (shape) += the gradient: dout for SUM, dout / count for MEAN,
 * and for MAX / MIN dout at every element equal to its out value (ties share
 * it, as in MXNet). out is the forward's result. */
int mxc_reduce_backward(float *dx, const float *dout, const float *x, const float *out,
                        int64_t ndim, const int64_t *shape, const int *reduced, int op);

/* x viewed as (outer, len, inner): out (outer, inner) = the index along len of
 * the largest (argmin: smallest) value, as a float; the first one on ties.
 * Not differentiable (MXNet gives no gradient). */
int mxc_argmax_forward(float *out, const float *x, int64_t outer, int64_t len, int64_t inner);
int mxc_argmin_forward(float *out, const float *x, int64_t outer, int64_t len, int64_t inner);

/* The fused step (graph.h) of sum, mean, max and min: input data, one output;
 * param.reshape.ndim, .shape (the input's), .reduced (1 per reduced axis) and .kind
 * (MXC_REDUCE_*). keepdims only changes the output's shape, not its layout. */
int mxc_reduce_step_forward(const mxc_step *s, int is_train);
int mxc_reduce_step_backward(const mxc_step *s, int is_train);
