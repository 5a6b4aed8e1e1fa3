/* elemwise.h: elementwise kernels: axpy (shared by the executor and the fused
 * steps) and the elementwise math operators. */

/* y[i] += alpha * x[i] */
int mxc_axpy(float *y, const float *x, int64_t n, float alpha);

/* The parameter block of the elementwise family: n values; kind is the function
 * (MXC_UNARY_* for unary.h's step, MXC_BINARY_* for binary.h's steps), scalar and
 * reverse the scalar family's operand and order (binary.h). */
typedef struct {
    int64_t n;
    int kind;
    int reverse;
    float scalar;
} mxc_elemwise_param;

/* square: out[i] = inp[i] * inp[i]. */
int mxc_square_forward(float *out, const float *inp, int64_t n);

/* Accumulates dinp[i] += 2 * inp[i] * dout[i]. */
int mxc_square_backward(float *dinp, const float *dout, const float *inp, int64_t n);

/* The fused step (graph.h): input data, one output; param.elemwise.n. */
int mxc_square_step_forward(const mxc_step *s, int is_train);
int mxc_square_step_backward(const mxc_step *s, int is_train);
