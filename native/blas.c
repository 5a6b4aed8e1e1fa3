/* blas.c: the core's only door to OpenBLAS (scipy-openblas32, see docs/BLAS.md).
 * Its symbols carry a scipy_ prefix; nothing else in the core names them. */
#define _POSIX_C_SOURCE 200809L
#include "mxc.h"
#include <cblas.h>
#include <pthread.h>

/* Inside mxc_blas_single_enter/leave (below) OpenBLAS runs on 1 thread; the count the user
 * set is kept in saved_threads and restored on leave. */
static pthread_mutex_t single_lock = PTHREAD_MUTEX_INITIALIZER;
static int single_depth = 0, saved_threads = 1;

/* One knob for both: the core's own worker threads (parallel.h) follow OpenBLAS's count. */
int mxc_blas_set_num_threads(int n) {
    if (n < 1) return MXC_ERR_VALUE;
    pthread_mutex_lock(&single_lock);
    if (single_depth > 0)
        saved_threads = n;
    else
        scipy_openblas_set_num_threads(n);
    pthread_mutex_unlock(&single_lock);
    return mxc_threads_set(n < 64 ? n : 64);
}

int mxc_blas_get_num_threads(void) {
    pthread_mutex_lock(&single_lock);
    int n = single_depth > 0 ? saved_threads : scipy_openblas_get_num_threads();
    pthread_mutex_unlock(&single_lock);
    return n;
}

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

void mxc_blas_single_enter(void) {
    pthread_mutex_lock(&single_lock);
    if (single_depth++ == 0) {
        saved_threads = scipy_openblas_get_num_threads();
        if (saved_threads > 1) scipy_openblas_set_num_threads(1);
    }
    pthread_mutex_unlock(&single_lock);
}

void mxc_blas_single_leave(void) {
    pthread_mutex_lock(&single_lock);
    if (single_depth > 0 && --single_depth == 0 && saved_threads > 1)
        scipy_openblas_set_num_threads(saved_threads);
    pthread_mutex_unlock(&single_lock);
}
