/* batchnorm.c: BatchNorm over axis c of data viewed as (outer, c, inner) (see batchnorm.h).
 *
 * Each channel's elements form `outer` contiguous runs of `inner` values, one
 * run every c*inner floats; the helpers below walk a channel that way so the
 * innermost loop is contiguous. Channel sums are accumulated in double: a
 * channel can hold N*H*W values, too many for a float running sum. Not here:
 * output_mean_var and axes other than the caller's (outer, c, inner) view. */
#include "mxc.h"
#include <math.h>

/* One channel: its first run starts at x, runs are `stride` apart. */
typedef struct {
    int64_t outer, inner, stride;
} chan_view;

static double chan_sum(const float *x, chan_view v) {
    double s = 0.0;
    for (int64_t o = 0; o < v.outer; o++) {
        const float *run = x + o * v.stride;
        for (int64_t i = 0; i < v.inner; i++) s += run[i];
    }
    return s;
}

/* Sum of (x - mean)^2: the two-pass form, which does not cancel like E[x^2] - mean^2. */
static double chan_sq_dev(const float *x, double mean, chan_view v) {
    double s = 0.0;
    for (int64_t o = 0; o < v.outer; o++) {
        const float *run = x + o * v.stride;
        for (int64_t i = 0; i < v.inner; i++) {
            double dev = run[i] - mean;
            s += dev * dev;
        }
    }
    return s;
}

/* Sum of dy * (x - mean). */
static double chan_dot_dev(const float *dy, const float *x, float mean, chan_view v) {
    double s = 0.0;
    for (int64_t o = 0; o < v.outer; o++) {
        const float *drun = dy + o * v.stride, *run = x + o * v.stride;
        for (int64_t i = 0; i < v.inner; i++) s += (double)drun[i] * (run[i] - mean);
    }
    return s;
}

/* y = (x - mean) * a + b over one channel. Subtracting first keeps the
 * precision when |mean| is large against the spread (x * a - mean * a cancels). */
static void chan_affine(float *y, const float *x, float mean, float a, float b, chan_view v) {
    for (int64_t o = 0; o < v.outer; o++) {
        float *yrun = y + o * v.stride;
        const float *run = x + o * v.stride;
        for (int64_t i = 0; i < v.inner; i++) yrun[i] = (run[i] - mean) * a + b;
    }
}

// --- forward -------------------------------------------------------------------

/* Batch mean and biased variance of one channel (divided by m, not m - 1). */
static void chan_stats(float *mean, float *var, const float *x, chan_view v) {
    double m = (double)v.outer * (double)v.inner;
    double mu = chan_sum(x, v) / m;
    *mean = (float)mu;
    *var = (float)(chan_sq_dev(x, mu, v) / m);
}

int mxc_batchnorm_forward(float *out, float *save_mean, float *save_invstd,
                          float *moving_mean, float *moving_var,
                          const float *inp, const float *gamma, const float *beta,
                          int64_t outer, int64_t c, int64_t inner,
                          float eps, float momentum, int fix_gamma, int use_global_stats,
                          int is_train) {
    if (!out || !save_mean || !save_invstd || !moving_mean || !moving_var || !inp || !gamma || !beta)
        return MXC_ERR_NULL_PTR;
    if (outer < 1 || c < 1 || inner < 1) return MXC_ERR_SHAPE;
    if (!(eps >= 0.0f)) return MXC_ERR_VALUE;
    int batch_stats = is_train && !use_global_stats;
    chan_view v = {outer, inner, c * inner};
    for (int64_t ch = 0; ch < c; ch++) {
        const float *x = inp + ch * inner;
        float mean = moving_mean[ch], var = moving_var[ch];
        if (batch_stats) {
            chan_stats(&mean, &var, x, v);
            moving_mean[ch] = moving_mean[ch] * momentum + mean * (1.0f - momentum);
            moving_var[ch] = moving_var[ch] * momentum + var * (1.0f - momentum);
        }
        float invstd = 1.0f / sqrtf(var + eps);
        save_mean[ch] = mean;
        save_invstd[ch] = invstd;
        float a = (fix_gamma ? 1.0f : gamma[ch]) * invstd;
        chan_affine(out + ch * inner, x, mean, a, beta[ch], v);
    }
    return MXC_OK;
}

// --- backward ------------------------------------------------------------------

/* dx += scale * (dy - mean_dy - xhat * mean_dy_xhat) with xhat = (x - mean) * invstd:
 * the gradient through the batch mean and variance (mean_* are averages over the channel). */
static void chan_add_batch_grad(float *dx, const float *dy, const float *x, float mean, float invstd,
                                float scale, float mean_dy, float mean_dy_xhat, chan_view v) {
    for (int64_t o = 0; o < v.outer; o++) {
        float *dxrun = dx + o * v.stride;
        const float *dyrun = dy + o * v.stride, *run = x + o * v.stride;
        for (int64_t i = 0; i < v.inner; i++) {
            float xhat = (run[i] - mean) * invstd;
            dxrun[i] += scale * (dyrun[i] - mean_dy - xhat * mean_dy_xhat);
        }
    }
}

/* dx += scale * dy: with global statistics the mean and variance are constants. */
static void chan_add_scaled(float *dx, const float *dy, float scale, chan_view v) {
    for (int64_t o = 0; o < v.outer; o++) {
        float *dxrun = dx + o * v.stride;
        const float *dyrun = dy + o * v.stride;
        for (int64_t i = 0; i < v.inner; i++) dxrun[i] += scale * dyrun[i];
    }
}

int mxc_batchnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout,
                           const float *inp, const float *gamma,
                           const float *save_mean, const float *save_invstd,
                           int64_t outer, int64_t c, int64_t inner,
                           int fix_gamma, int use_global_stats) {
    if (!dout || !inp || !gamma || !save_mean || !save_invstd) return MXC_ERR_NULL_PTR;
    if (outer < 1 || c < 1 || inner < 1) return MXC_ERR_SHAPE;
    chan_view v = {outer, inner, c * inner};
    double m = (double)outer * (double)inner;
    for (int64_t ch = 0; ch < c; ch++) {
        const float *x = inp + ch * inner, *dy = dout + ch * inner;
        float mean = save_mean[ch], invstd = save_invstd[ch];
        double sum_dy = chan_sum(dy, v);
        double sum_dy_xhat = chan_dot_dev(dy, x, mean, v) * invstd;
        if (dbeta) dbeta[ch] += (float)sum_dy;
        if (dgamma && !fix_gamma) dgamma[ch] += (float)sum_dy_xhat;
        if (!dinp) continue;
        float scale = (fix_gamma ? 1.0f : gamma[ch]) * invstd;
        if (use_global_stats)
            chan_add_scaled(dinp + ch * inner, dy, scale, v);
        else
            chan_add_batch_grad(dinp + ch * inner, dy, x, mean, invstd, scale,
                                (float)(sum_dy / m), (float)(sum_dy_xhat / m), v);
    }
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

enum { SAVE_MEAN = 0, SAVE_INVSTD = 1 };  /* state, in ops/normalization.py's order */
enum { MOVING_MEAN = 0, MOVING_VAR = 1 }; /* aux */

int mxc_batchnorm_step_forward(const mxc_step *s, int is_train) {
    int rc = mxc_step_check(s, 3, 1, 2, 2);
    if (rc != MXC_OK) return rc;
    const mxc_batchnorm_param *p = &s->param.batchnorm;
    return mxc_batchnorm_forward(s->outputs[0], s->state[SAVE_MEAN], s->state[SAVE_INVSTD],
                                 s->aux[MOVING_MEAN], s->aux[MOVING_VAR], s->inputs[0],
                                 s->inputs[1], s->inputs[2], p->outer, p->c, p->inner, p->eps,
                                 p->momentum, p->fix_gamma, p->use_global_stats, is_train);
}

/* As the Python kernel: always called. */
int mxc_batchnorm_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 3, 1, 2, 2);
    if (rc != MXC_OK) return rc;
    const mxc_batchnorm_param *p = &s->param.batchnorm;
    return mxc_batchnorm_backward(s->in_grads[0], s->in_grads[1], s->in_grads[2],
                                  s->out_grads[0], s->inputs[0], s->inputs[1],
                                  s->state[SAVE_MEAN], s->state[SAVE_INVSTD], p->outer, p->c,
                                  p->inner, p->fix_gamma, p->use_global_stats);
}
