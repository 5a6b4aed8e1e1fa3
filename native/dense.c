/* dense.c: FullyConnected forward and backward (see dense.h).
 *
 * Every matrix product goes through OpenBLAS (the scipy_-prefixed CBLAS of
 * scipy-openblas32); only the bias broadcast and the bias gradient's column
 * sums are plain loops. Not here: flattening of higher-rank data, which is a
 * view the caller takes (inp is already (n, d_in)). */
#include "mxc.h"
#include <cblas.h>
#include <limits.h>

/* OpenBLAS's interface (the "32" in scipy-openblas32) takes int extents. */
static int extents_ok(int64_t n, int64_t d_in, int64_t d_out) {
    return n >= 1 && d_in >= 1 && d_out >= 1 && n <= INT_MAX && d_in <= INT_MAX && d_out <= INT_MAX;
}

// --- forward -------------------------------------------------------------------

/* out (n, d_out) = b broadcast over rows; the GEMM then adds inp . w^T with beta = 1. */
static void fill_rows(float *out, const float *b, int64_t n, int64_t d_out) {
    for (int64_t i = 0; i < n; i++) {
        float *row = out + i * d_out;
        for (int64_t j = 0; j < d_out; j++) row[j] = b[j];
    }
}

int mxc_dense_forward(float *out, const float *inp, const float *w, const float *b,
                      int64_t n, int64_t d_in, int64_t d_out) {
    if (!out || !inp || !w) return MXC_ERR_NULL_PTR; /* b may be NULL: no_bias */
    if (!extents_ok(n, d_in, d_out)) return MXC_ERR_SHAPE;
    float beta = 0.0f; /* beta = 0 makes BLAS ignore whatever out held */
    if (b) {
        fill_rows(out, b, n, d_out);
        beta = 1.0f;
    }
    if (n == 1) /* one sample (e.g. predicting a row): a matrix-vector product, out = w . x */
        scipy_cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)d_out, (int)d_in, 1.0f, w, (int)d_in,
                          inp, 1, beta, out, 1);
    else
        scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)d_out, (int)d_in,
                          1.0f, inp, (int)d_in, w, (int)d_in, beta, out, (int)d_out);
    return MXC_OK;
}

// --- backward ------------------------------------------------------------------

/* db (d_out) += column sums of dout (n, d_out); row by row so the inner loop is contiguous. */
static void add_column_sums(float *db, const float *dout, int64_t n, int64_t d_out) {
    for (int64_t i = 0; i < n; i++) {
        const float *row = dout + i * d_out;
        for (int64_t j = 0; j < d_out; j++) db[j] += row[j];
    }
}

/* dinp (n, d_in) += dout (n, d_out) . w (d_out, d_in); beta = 1 accumulates. */
static void add_input_grad(float *dinp, const float *dout, const float *w,
                           int64_t n, int64_t d_in, int64_t d_out) {
    if (n == 1) /* dinp^T += w^T . dout^T */
        scipy_cblas_sgemv(CblasRowMajor, CblasTrans, (int)d_out, (int)d_in, 1.0f, w, (int)d_in,
                          dout, 1, 1.0f, dinp, 1);
    else
        scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)d_in, (int)d_out,
                          1.0f, dout, (int)d_out, w, (int)d_in, 1.0f, dinp, (int)d_in);
}

int mxc_dense_backward(float *dinp, float *dw, float *db, const float *dout,
                       const float *inp, const float *w,
                       int64_t n, int64_t d_in, int64_t d_out) {
    if (!dout || !inp || !w) return MXC_ERR_NULL_PTR;
    if (!extents_ok(n, d_in, d_out)) return MXC_ERR_SHAPE;
    if (dinp) add_input_grad(dinp, dout, w, n, d_in, d_out);
    if (dw) /* dw (d_out, d_in) += dout^T . inp */
        scipy_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d_out, (int)d_in, (int)n,
                          1.0f, dout, (int)d_out, inp, (int)d_in, 1.0f, dw, (int)d_in);
    if (db) add_column_sums(db, dout, n, d_out);
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_dense_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_dense_param *p = &s->param.dense;
    const float *b = s->n_inputs > 2 ? s->inputs[2] : NULL;
    return mxc_dense_forward(s->outputs[0], s->inputs[0], s->inputs[1], b, p->n, p->d_in,
                             p->d_out);
}

/* As the Python kernel: always called (a missing output gradient is an error). */
int mxc_dense_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_dense_param *p = &s->param.dense;
    float *db = s->n_inputs > 2 ? s->in_grads[2] : NULL;
    return mxc_dense_backward(s->in_grads[0], s->in_grads[1], db, s->out_grads[0], s->inputs[0],
                              s->inputs[1], p->n, p->d_in, p->d_out);
}
