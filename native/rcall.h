/* rcall.h: entry points for R's .C() interface, used by the MXNDArray operators
 * of the R package (mxnet_r_compat/R/mxnet/R/ndarray_ops.R).
 *
 * An MXNDArray keeps its values in R as doubles that are exactly float32
 * values. R's .C() passes every argument as a pointer to a private copy, so
 * these functions take pointers only, return nothing and report through
 * *status (an MXC_* code). They narrow the double copies to float32 in place,
 * run the float32 kernel (binary.h, unary.h, reduce.h) and widen the result in
 * place: the result is the kernel's float32 value, exactly. The input copies
 * are scratch; n is R's length (an int). */

/* out (n) = a op b (MXC_BINARY_*); a, b (n). */
void mxc_r_elemwise_binary(int *status, double *out, double *a, double *b, const int *n,
                           const int *op);

/* out (n) = a op scalar, or scalar op a when *reverse is 1. */
void mxc_r_binary_scalar(int *status, double *out, double *a, const int *n,
                         const double *scalar, const int *op, const int *reverse);

/* out (n) = f(x) (MXC_UNARY_*). */
void mxc_r_unary(int *status, double *out, double *x, const int *n, const int *op);

/* out (n) = clip(x, a_min, a_max). */
void mxc_r_clip(int *status, double *out, double *x, const int *n, const double *a_min,
                const double *a_max);

/* out (1) = the reduction (MXC_REDUCE_*) of all n values of x. */
void mxc_r_reduce_all(int *status, double *out, double *x, const int *n, const int *op);

/* x (n) = each value rounded to the nearest float32 (how an array enters an MXNDArray). */
void mxc_r_to_float32(int *status, double *x, const int *n);
