/* blas.h: control of the BLAS library the core links (OpenBLAS, see docs/BLAS.md). */

/* Set the number of BLAS threads (n >= 1). */
int mxc_blas_set_num_threads(int n);
/* Current number of BLAS threads. */
int mxc_blas_get_num_threads(void);

/* Raw row-major SGEMM, C = alpha * op(A) * op(B) + beta * C, for benchmarks and
 * tests of the library itself. trans_a/trans_b are 0 or 1. */
int mxc_sgemm(float *c, const float *a, const float *b, int64_t m, int64_t n, int64_t k,
              int trans_a, int trans_b, float alpha, float beta);
