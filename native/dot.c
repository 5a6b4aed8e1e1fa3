/* dot.c: 2-d matrix product and its gradients (see dot.h), as SGEMM calls.
 *
 * With A = op(a) and B = op(b), out = A B gives dA = dout B^T and dB = A^T dout.
 * When a is stored transposed its gradient is dA^T = B dout^T, and likewise
 * for b; each case is one mxc_sgemm with beta = 1, so the gradients accumulate. */
#include "mxc.h"

static int check(int64_t m, int64_t n, int64_t k, int trans_a, int trans_b) {
    if (m < 1 || n < 1 || k < 1) return MXC_ERR_SHAPE;
    if ((trans_a != 0 && trans_a != 1) || (trans_b != 0 && trans_b != 1)) return MXC_ERR_VALUE;
    return MXC_OK;
}

int mxc_dot_forward(float *out, const float *a, const float *b, int64_t m, int64_t n,
                    int64_t k, int trans_a, int trans_b) {
    if (!out || !a || !b) return MXC_ERR_NULL_PTR;
    int rc = check(m, n, k, trans_a, trans_b);
    if (rc) return rc;
    return mxc_sgemm(out, a, b, m, n, k, trans_a, trans_b, 1.0f, 0.0f);
}

int mxc_dot_backward(float *da, float *db, const float *dout, const float *a, const float *b,
                     int64_t m, int64_t n, int64_t k, int trans_a, int trans_b) {
    if (!dout || !a || !b) return MXC_ERR_NULL_PTR;
    int rc = check(m, n, k, trans_a, trans_b);
    if (rc) return rc;
    if (da) {
        rc = trans_a ? mxc_sgemm(da, b, dout, k, m, n, trans_b, 1, 1.0f, 1.0f)  /* B dout^T */
                     : mxc_sgemm(da, dout, b, m, k, n, 0, !trans_b, 1.0f, 1.0f); /* dout B^T */
        if (rc) return rc;
    }
    if (db) {
        rc = trans_b ? mxc_sgemm(db, dout, a, n, k, m, 1, trans_a, 1.0f, 1.0f)   /* dout^T A */
                     : mxc_sgemm(db, a, dout, k, n, m, !trans_a, 0, 1.0f, 1.0f); /* A^T dout */
    }
    return rc;
}
