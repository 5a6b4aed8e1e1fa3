/* elemwise.h: small elementwise kernels the executor and arithmetic ops share. */

/* y[i] += alpha * x[i] */
int mxc_axpy(float *y, const float *x, int64_t n, float alpha);

/* out[i] = a[i] OP b[i], op: 0 add, 1 sub, 2 mul, 3 div. */
int mxc_binary_forward(float *out, const float *a, const float *b, int64_t n, int op);

/* out[i] = a[i] OP s, or s OP a[i] when reverse. op as above, plus 4 pow. */
int mxc_scalar_forward(float *out, const float *a, float s, int64_t n, int op, int reverse);
