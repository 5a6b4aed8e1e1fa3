/* blas.c: the core's only door to OpenBLAS (scipy-openblas32, see docs/BLAS.md).
 * Its symbols carry a scipy_ prefix; nothing else in the core names them. */
#include "mxc.h"
#include <cblas.h>

int mxc_blas_set_num_threads(int n) {
    if (n < 1) return MXC_ERR_VALUE;
    scipy_openblas_set_num_threads(n);
    return MXC_OK;
}

int mxc_blas_get_num_threads(void) { return scipy_openblas_get_num_threads(); }

int mxc_sgemm(float *c, const float *a, const float *b, int64_t m, int64_t n, int64_t k,
              int trans_a, int trans_b, float alpha, float beta) {
    if (!c || !a || !b) return MXC_ERR_NULL_PTR;
    if (m < 1 || n < 1 || k < 1) return MXC_ERR_SHAPE;
    if ((trans_a != 0 && trans_a != 1) || (trans_b != 0 && trans_b != 1)) return MXC_ERR_VALUE;
    int lda = trans_a ? (int)m : (int)k;
    int ldb = trans_b ? (int)k : (int)n;
    scipy_cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                      trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha, a, lda,
                      b, ldb, beta, c, (int)n);
    return MXC_OK;
}
