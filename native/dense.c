/* dense.c: FullyConnected forward and backward (see dense.h).
 *
 * Every matrix product goes through OpenBLAS (the scipy_-prefixed CBLAS of
 * scipy-openblas32); only the bias broadcast and the bias gradient's column
 * sums are plain loops, and so is a layer with one output unit, whose loops
 * follow MXNet's order of operations (below). Not here: flattening of
 * higher-rank data, which is a view the caller takes (inp is already (n, d_in)). */
#include "mxc.h"
#include <cblas.h>
#include <limits.h>
#include <math.h>

/* OpenBLAS's interface (the "32" in scipy-openblas32) takes int extents. */
static int extents_ok(int64_t n, int64_t d_in, int64_t d_out) {
    return n >= 1 && d_in >= 1 && d_out >= 1 && n <= INT_MAX && d_in <= INT_MAX && d_out <= INT_MAX;
}

// --- one output unit ---------------------------------------------------------

/* One output unit (d_out == 1), in MXNet's order of operations.
 *
 * MXNet 1.9.1 runs FullyConnected through oneDNN 2.4, which treats num_hidden = 1
 * as matrix-vector products with its AVX2 kernels (the MXNet R tutorial replayed on
 * the pip wheel prints MXNet R's published digits, tests/golden/make_rng_golden.py).
 * Their sums are grouped differently from OpenBLAS's, and float32 sums depend on
 * the grouping: a regression net trained through BLAS drifts from MXNet's
 * printed digits within an epoch (docs/COMPATIBILITY.md). For one output unit the
 * grouping is simple enough to follow exactly, and these loops do:
 *   - forward: each row's dot product is cut into blocks of 16 (accumulated lane-wise
 *     in 8 lanes with FMA), then one block each of 8, 4, 2 and 1 left over (fresh
 *     lanes each); after each part the 8 lanes are summed as
 *     ((l0+l1)+(l4+l5)) + ((l2+l3)+(l6+l7)) and added to the row's total; the bias is
 *     added last;
 *   - weight gradient: for each input column, one FMA per sample in sample order;
 *   - input gradient: one product per element (added to dinp);
 *   - bias gradient: a plain sum in sample order (add_column_sums below).
 * Checked against the wheel for d_in from 1 to 257 and batches of 1 to 33
 * (tests/test_mxnet_arithmetic.py, references in tests/golden/). */
#define LANES 8

/* The FMAs below are exact by definition, so an FMA instruction and libm's fmaf give the
 * same bits; a clone for CPUs with FMA (x86-64-v3) keeps them inline and vectorised. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(MXC_NO_CLONES)
#define WITH_FMA __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define WITH_FMA
#endif

static float lane_sum(const float l[LANES]) {
    return ((l[0] + l[1]) + (l[4] + l[5])) + ((l[2] + l[3]) + (l[6] + l[7]));
}

#define ROWS 4 /* rows summed side by side: independent chains keep more FMAs in flight */

/* The dot products of `rows` (1..ROWS) consecutive rows with w, each grouped as oneDNN's
 * AVX2 gemv kernel groups it. */
static inline void rows_dot(float *dots, const float *x, const float *w, int64_t d_in,
                            int rows) {
    float lane[ROWS][LANES];
    int64_t main_end = d_in - d_in % (2 * LANES);
    for (int r = 0; r < rows; r++) {
        dots[r] = 0.0f;
        for (int l = 0; l < LANES; l++) lane[r][l] = 0.0f;
    }
    for (int64_t k = 0; k < main_end; k += 2 * LANES)
        for (int r = 0; r < rows; r++)
            for (int half = 0; half < 2 * LANES; half += LANES)
                for (int l = 0; l < LANES; l++)
                    lane[r][l] = fmaf(x[r * d_in + k + half + l], w[k + half + l], lane[r][l]);
    for (int r = 0; r < rows; r++) {
        const float *xr = x + r * d_in;
        if (main_end > 0) dots[r] = dots[r] + lane_sum(lane[r]);
        int64_t k = main_end;
        for (int64_t part = LANES; part >= 1; part /= 2) {
            if (!((d_in - k) & part)) continue;
            for (int l = 0; l < LANES; l++) lane[r][l] = l < part ? xr[k + l] * w[k + l] : 0.0f;
            dots[r] = dots[r] + lane_sum(lane[r]);
            k += part;
        }
    }
}

WITH_FMA static void one_output_forward(float *out, const float *inp, const float *w,
                                        const float *b, int64_t n, int64_t d_in) {
    for (int64_t i = 0; i < n; i += ROWS) {
        int rows = n - i < ROWS ? (int)(n - i) : ROWS;
        rows_dot(out + i, inp + i * d_in, w, d_in, rows);
        if (b)
            for (int r = 0; r < rows; r++) out[i + r] = out[i + r] + b[0];
    }
}

WITH_FMA static void one_output_weight_grad(float *dw, const float *dout, const float *inp,
                                   int64_t n, int64_t d_in) {
    for (int64_t i = 0; i < n; i++) {
        const float *row = inp + i * d_in;
        for (int64_t k = 0; k < d_in; k++) dw[k] = fmaf(dout[i], row[k], dw[k]);
    }
}

static void one_output_input_grad(float *dinp, const float *dout, const float *w,
                                  int64_t n, int64_t d_in) {
    for (int64_t i = 0; i < n; i++) {
        float *row = dinp + i * d_in;
        for (int64_t k = 0; k < d_in; k++) row[k] += dout[i] * w[k];
    }
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
    if (d_out == 1) {
        one_output_forward(out, inp, w, b, n, d_in);
        return MXC_OK;
    }
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
    if (d_out == 1) {
        if (dinp) one_output_input_grad(dinp, dout, w, n, d_in);
        if (dw) one_output_weight_grad(dw, dout, inp, n, d_in);
        if (db) add_column_sums(db, dout, n, d_out);
        return MXC_OK;
    }
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
