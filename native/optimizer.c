/* optimizer.c: in-place optimizer updates with the MXNet-R v1.x rules (optimizer.h).
 *
 * What this is: one elementwise loop per optimizer, float32 arithmetic in
 * exactly the order optimizer.h writes it, so a numpy float32 re-statement of
 * the header formula reproduces the result. What it is not: a scheduler or a
 * state allocator; the caller owns w, g and the (zero-initialised) state.
 *
 * Argument checks, in this order, before anything is written:
 *   - a required pointer is NULL                         -> MXC_ERR_NULL_PTR
 *   - n < 1                                              -> MXC_ERR_SHAPE
 *   - a hyper-parameter outside its domain               -> MXC_ERR_VALUE
 * Domains: lr, wd, eps >= 0 and finite; rescale finite; clip not NaN (any
 * negative value means "no clipping", +inf is allowed); momentum, beta1,
 * beta2, gamma1, gamma2, rho in [0, 1]. Gradients are not checked: a NaN in
 * g propagates into w as it does in MXNet.
 */
#include "mxc.h"
#include "simd.h"
#include <math.h>

// ----------------------------------------------------------------------------
// helpers

/* clamp to [-c, c] when c >= 0 (MXNet's clip: NaN passes through). */
static inline float clip_grad(float x, float c) {
    if (!(c >= 0.0f)) return x;
    return x > c ? c : (x < -c ? -c : x);
}

static int ok_nonneg(float x) { return isfinite(x) && x >= 0.0f; }
static int ok_unit(float x) { return x >= 0.0f && x <= 1.0f; } /* false for NaN */
static int ok_common(float wd, float rescale, float clip) {
    return ok_nonneg(wd) && isfinite(rescale) && !isnan(clip);
}

// ----------------------------------------------------------------------------
// sgd, sgd with momentum, nag

/* lr times the rescaled, clipped gradient. MXNet's sgd kernels group the product by
 * whether clipping is on: lr * clip(r*g) with clipping, (lr*r) * g without; float32
 * rounds the two differently (checked against MXNet 1.9.1's sgd_update and
 * sgd_mom_update, tests/test_native_optimizer.py). */
static inline float sgd_step(float lr, float lr_rescale, float rescale, float g, float clip) {
    return clip >= 0.0f ? lr * clip_grad(rescale * g, clip) : lr_rescale * g;
}

MXC_HOT int mxc_sgd_update(float *w, const float *g, int64_t n,
                   float lr, float wd, float rescale, float clip) {
    if (!w || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_common(wd, rescale, clip)) return MXC_ERR_VALUE;
    const float decay = 1.0f - lr * wd, lr_rescale = lr * rescale;
    for (int64_t i = 0; i < n; i++)
        w[i] = decay * w[i] - sgd_step(lr, lr_rescale, rescale, g[i], clip);
    return MXC_OK;
}

MXC_HOT int mxc_sgd_mom_update(float *w, float *mom, const float *g, int64_t n,
                       float lr, float momentum, float wd, float rescale, float clip) {
    if (!w || !mom || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_unit(momentum) || !ok_common(wd, rescale, clip))
        return MXC_ERR_VALUE;
    const float lr_wd = lr * wd, lr_rescale = lr * rescale;
    for (int64_t i = 0; i < n; i++) {
        mom[i] = momentum * mom[i] - lr_wd * w[i] - sgd_step(lr, lr_rescale, rescale, g[i], clip);
        w[i] = w[i] + mom[i];
    }
    return MXC_OK;
}

MXC_HOT int mxc_nag_update(float *w, float *mom, const float *g, int64_t n,
                   float lr, float momentum, float wd, float rescale, float clip) {
    if (!w || !g || (!mom && momentum != 0.0f)) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_unit(momentum) || !ok_common(wd, rescale, clip))
        return MXC_ERR_VALUE;
    if (momentum == 0.0f) { /* mom, if given, is left alone */
        for (int64_t i = 0; i < n; i++) {
            const float G = clip_grad(rescale * g[i], clip);
            w[i] = w[i] - lr * (G + wd * w[i]);
        }
        return MXC_OK;
    }
    for (int64_t i = 0; i < n; i++) {
        const float G = clip_grad(rescale * g[i], clip);
        mom[i] = momentum * mom[i] + G + wd * w[i];
        w[i] = w[i] - lr * (momentum * mom[i] + G);
    }
    return MXC_OK;
}

// ----------------------------------------------------------------------------
// adam (no bias correction)

MXC_HOT int mxc_adam_update(float *w, float *m, float *v, const float *g, int64_t n,
                    float lr, float beta1, float beta2, float eps,
                    float wd, float rescale, float clip) {
    if (!w || !m || !v || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_unit(beta1) || !ok_unit(beta2) || !ok_nonneg(eps) ||
        !ok_common(wd, rescale, clip))
        return MXC_ERR_VALUE;
    const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    for (int64_t i = 0; i < n; i++) {
        const float G = clip_grad(rescale * g[i] + wd * w[i], clip);
        m[i] = beta1 * m[i] + c1 * G;
        v[i] = beta2 * v[i] + c2 * (G * G);
        w[i] = w[i] - lr * m[i] / (sqrtf(v[i]) + eps);
    }
    return MXC_OK;
}

// ----------------------------------------------------------------------------
// rmsprop (not centered) and rmspropalex (centered, Graves)

MXC_HOT int mxc_rmsprop_update(float *w, float *s, const float *g, int64_t n,
                       float lr, float gamma1, float eps, float wd, float rescale, float clip) {
    if (!w || !s || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_unit(gamma1) || !ok_nonneg(eps) || !ok_common(wd, rescale, clip))
        return MXC_ERR_VALUE;
    const float c1 = 1.0f - gamma1;
    for (int64_t i = 0; i < n; i++) {
        const float G = clip_grad(rescale * g[i] + wd * w[i], clip);
        s[i] = c1 * (G * G) + gamma1 * s[i];
        w[i] = w[i] - lr * G / sqrtf(s[i] + eps);
    }
    return MXC_OK;
}

MXC_HOT int mxc_rmspropalex_update(float *w, float *s, float *gbar, float *delta, const float *g, int64_t n,
                           float lr, float gamma1, float gamma2, float eps,
                           float wd, float rescale, float clip) {
    if (!w || !s || !gbar || !delta || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_unit(gamma1) || !ok_unit(gamma2) || !ok_nonneg(eps) ||
        !ok_common(wd, rescale, clip))
        return MXC_ERR_VALUE;
    const float c1 = 1.0f - gamma1;
    for (int64_t i = 0; i < n; i++) {
        const float G = clip_grad(rescale * g[i] + wd * w[i], clip);
        s[i] = c1 * (G * G) + gamma1 * s[i];
        gbar[i] = c1 * G + gamma1 * gbar[i];
        delta[i] = gamma2 * delta[i] - lr * G / sqrtf(s[i] - gbar[i] * gbar[i] + eps);
        w[i] = w[i] + delta[i];
    }
    return MXC_OK;
}

// ----------------------------------------------------------------------------
// adagrad, adadelta

MXC_HOT int mxc_adagrad_update(float *w, float *h, const float *g, int64_t n,
                       float lr, float eps, float wd, float rescale, float clip) {
    if (!w || !h || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_nonneg(lr) || !ok_nonneg(eps) || !ok_common(wd, rescale, clip)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) {
        const float G = clip_grad(rescale * g[i], clip);
        h[i] = h[i] + G * G;
        w[i] = w[i] - lr * (G / sqrtf(h[i] + eps) + wd * w[i]);
    }
    return MXC_OK;
}

MXC_HOT int mxc_adadelta_update(float *w, float *acc_g, float *acc_d, const float *g, int64_t n,
                        float rho, float eps, float wd, float rescale, float clip) {
    if (!w || !acc_g || !acc_d || !g) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!ok_unit(rho) || !ok_nonneg(eps) || !ok_common(wd, rescale, clip)) return MXC_ERR_VALUE;
    const float c = 1.0f - rho;
    for (int64_t i = 0; i < n; i++) {
        const float G = clip_grad(rescale * g[i], clip);
        acc_g[i] = rho * acc_g[i] + c * (G * G);
        const float d = sqrtf(acc_d[i] + eps) / sqrtf(acc_g[i] + eps) * G;
        acc_d[i] = rho * acc_d[i] + c * (d * d);
        w[i] = w[i] - d - wd * w[i];
    }
    return MXC_OK;
}

// ----------------------------------------------------------------------------
// the rules' adapters (optimizers.def): named hyper-parameters in, the call above out

int mxc_sgd_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_sgd_update(u->w, u->g, u->n, h->lr, h->wd, h->rescale_grad, h->clip_gradient);
}

int mxc_sgd_mom_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_sgd_mom_update(u->w, u->s[0], u->g, u->n, h->lr, h->momentum, h->wd,
                              h->rescale_grad, h->clip_gradient);
}

int mxc_nag_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_nag_update(u->w, u->s[0], u->g, u->n, h->lr, h->momentum, h->wd,
                          h->rescale_grad, h->clip_gradient);
}

int mxc_adam_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_adam_update(u->w, u->s[0], u->s[1], u->g, u->n, h->lr, h->beta1, h->beta2,
                           h->epsilon, h->wd, h->rescale_grad, h->clip_gradient);
}

int mxc_rmsprop_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_rmsprop_update(u->w, u->s[0], u->g, u->n, h->lr, h->gamma1, h->epsilon, h->wd,
                              h->rescale_grad, h->clip_gradient);
}

int mxc_rmspropalex_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_rmspropalex_update(u->w, u->s[0], u->s[1], u->s[2], u->g, u->n, h->lr, h->gamma1,
                                  h->gamma2, h->epsilon, h->wd, h->rescale_grad,
                                  h->clip_gradient);
}

int mxc_adagrad_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_adagrad_update(u->w, u->s[0], u->g, u->n, h->lr, h->epsilon, h->wd,
                              h->rescale_grad, h->clip_gradient);
}

int mxc_adadelta_apply(const mxc_update *u) {
    const mxc_hparams *h = &u->hp;
    return mxc_adadelta_update(u->w, u->s[0], u->s[1], u->g, u->n, h->rho, h->epsilon, h->wd,
                               h->rescale_grad, h->clip_gradient);
}
