/* blas.h: control of the BLAS library the core links (OpenBLAS, see docs/BLAS.md). */

/* Set the number of BLAS threads (n >= 1), and as many core threads for the ops that cut
 * their work into parts (parallel.h; at most 64). */
int mxc_blas_set_num_threads(int n);
/* Current number of BLAS threads. */
int mxc_blas_get_num_threads(void);

/* Raw row-major SGEMM, C = alpha * op(A) * op(B) + beta * C, for benchmarks and
 * tests of the library itself. trans_a/trans_b are 0 or 1. */
int mxc_sgemm(float *c, const float *a, const float *b, int64_t m, int64_t n, int64_t k,
              int trans_a, int trans_b, float alpha, float beta);

/* Between enter and leave, OpenBLAS runs every product on the calling thread (its thread
 * count is 1, then restored; nested and concurrent callers are counted). The ops that cut
 * their work into parts use it: their parts are the threads, and OpenBLAS's own threads on
 * one part's small products cost more than they give (docs/CONVOLUTION.md). */
void mxc_blas_single_enter(void);
void mxc_blas_single_leave(void);
