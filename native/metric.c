/* metric.c: the built-in metrics and finiteness scans (see metric.h).
 *
 * The metric code restates numpy's float64 arithmetic and pairwise summation,
 * so a value computed here equals the numpy definition in
 * mxnet_r_compat/learn/metric.py bit for bit. */
#include "mxc.h"
#include "simd.h"
#include <math.h>
#include <string.h>

/* numpy's pairwise summation of doubles (the add.reduce of a contiguous array):
 * plain loop below 8 values, 8 partial sums up to 128, halves (a multiple of 8)
 * above. np.mean adds the result to the identity 0.0, then divides by n. */
static double pairwise_sum(const double *a, int64_t n) {
    if (n < 8) {
        double res = 0.0;
        for (int64_t i = 0; i < n; i++) res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        int64_t i;
        for (int j = 0; j < 8; j++) r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

/* The same sum over f(label[i], pred[i]) without storing the terms: blocks of 128
 * in the recursion's own split, each summed like pairwise_sum above. */
#define TERM_BLOCK 128
static double pairwise_terms(const float *label, const float *pred, int64_t n, int kind) {
    if (n > TERM_BLOCK) {
        int64_t n2 = n / 2;
        n2 -= n2 % 8;
        return pairwise_terms(label, pred, n2, kind) +
               pairwise_terms(label + n2, pred + n2, n - n2, kind);
    }
    double t[TERM_BLOCK];
    for (int64_t i = 0; i < n; i++) {
        double d = (double)label[i] - (double)pred[i];
        t[i] = kind == MXC_METRIC_MAE ? fabs(d) : d * d;
    }
    return pairwise_sum(t, n);
}

/* np.argmax of one row: the first maximum; a NaN counts as the maximum and the first
 * one wins (numpy's rule: take x when !(x <= best), stop at a NaN). */
static int64_t argmax_row(const float *x, int64_t c) {
    float best = x[0];
    int64_t at = 0;
    if (isnan(best)) return 0;
    for (int64_t j = 1; j < c; j++) {
        if (!(x[j] <= best)) {
            best = x[j];
            at = j;
            if (isnan(best)) break;
        }
    }
    return at;
}

int mxc_metric_value(double *value, const float *pred, const float *label, int64_t n, int64_t c,
                     int kind) {
    if (!value || !pred || !label) return MXC_ERR_NULL_PTR;
    if (n < 1 || c < 1) return MXC_ERR_SHAPE;
    double v;
    switch (kind) {
    case MXC_METRIC_ACCURACY: {
        int64_t hits = 0;
        for (int64_t i = 0; i < n; i++) hits += (double)label[i] == (double)argmax_row(pred + i * c, c);
        v = (double)hits / (double)n;
        break;
    }
    case MXC_METRIC_MSE:
    case MXC_METRIC_RMSE:
    case MXC_METRIC_MAE: {
        int64_t size = n * c;
        v = (0.0 + pairwise_terms(label, pred, size, kind)) / (double)size;
        if (kind == MXC_METRIC_RMSE) v = sqrt(v);
        break;
    }
    default:
        return MXC_ERR_VALUE;
    }
    *value = (double)(float)v;
    return MXC_OK;
}

MXC_HOT int mxc_all_finite(const float *x, int64_t n) {
    if (!x) return n <= 0;
    /* A float is Inf or NaN when its exponent bits are all ones. An OR over the whole
     * array, with no early exit, vectorises. */
    uint32_t bad = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        bad |= (bits & 0x7f800000u) == 0x7f800000u;
    }
    return bad == 0;
}

MXC_HOT int mxc_all_finite_as_f32(const double *x, int64_t n) {
    if (!x) return n <= 0;
    /* Round to nearest rounds |x| >= 2^128 - 2^103 (FLT_MAX plus half its ulp) to Inf;
     * the comparison is false for NaN too. */
    const double limit = 0x1.ffffffp+127;
    int bad = 0;
    for (int64_t i = 0; i < n; i++) bad |= !(fabs(x[i]) < limit);
    return bad == 0;
}
