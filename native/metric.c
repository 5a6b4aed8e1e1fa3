/* metric.c: the built-in metrics and finiteness scans (see metric.h).
 *
 * Accuracy restates numpy's arithmetic as mxnet_r_compat/learn/metric.py computes it;
 * the regression metrics restate MXNet's float32 NDArray operators, and
 * learn/metric.py calls this code for them. */
#include "mxc.h"
#include "simd.h"
#include <math.h>
#include <string.h>

/* MXNet R's regression metrics as its NDArray operators compute them, in float32:
 * d = label - pred, then mean(d * d) (MSE, RMSE) or mean(|d|) (MAE) with MXNet's sum
 * reducer, which compensates each addition (Kahan) and drops the compensation once the
 * sum is infinite, and divides by the count in float32. */
static float regression_mean(const float *label, const float *pred, int64_t n, int kind) {
    float sum = 0.0f, residual = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        float d = label[i] - pred[i];
        float y = (kind == MXC_METRIC_MAE ? fabsf(d) : d * d) - residual;
        float t = sum + y;
        residual = isinf(t) ? 0.0f : (t - sum) - y;
        sum = t;
    }
    return sum / (float)n;
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
        float mean = regression_mean(label, pred, n * c, kind);
        v = kind == MXC_METRIC_RMSE ? sqrtf(mean) : mean;
        break;
    }
    case MXC_METRIC_CROSS_ENTROPY: {
        double sum = 0.0;
        for (int64_t i = 0; i < n; i++) {
            float k = label[i];
            if (!(k >= 0.0f && k < (float)c)) return MXC_ERR_VALUE;
            double p = (double)pred[i * c + (int64_t)k];
            sum -= log(p > 1e-12 ? p : 1e-12);
        }
        v = sum / (double)n;
        break;
    }
    case MXC_METRIC_LOGLOSS: {
        double sum = 0.0;
        for (int64_t i = 0; i < n * c; i++) {
            double p = (double)pred[i], y = (double)label[i];
            p = p < 1e-15 ? 1e-15 : (p > 1.0 - 1e-15 ? 1.0 - 1e-15 : p);
            sum -= y * log(p) + (1.0 - y) * log(1.0 - p);
        }
        v = sum / (double)(n * c);
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
