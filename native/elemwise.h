/* elemwise.h: elementwise kernels: axpy (shared by the executor and the fused
 * steps) and the elementwise math operators. */

/* y[i] += alpha * x[i] */
int mxc_axpy(float *y, const float *x, int64_t n, float alpha);

/* The parameter block of the elementwise family: n values; kind and scalar are
 * room for the arithmetic operators to come (binary, with a scalar, reversed). */
typedef struct {
    int64_t n;
    int kind;
    int reverse;
    float scalar;
} mxc_elemwise_param;
