/* leakyrelu.c: LeakyReLU forward and backward (see leakyrelu.h).
 *
 * The slope side is chosen by the sign of the input everywhere, so every
 * gradient is the derivative of its forward (MXNet tests the output's sign,
 * which is the same for every slope >= 0). */
#include "mxc.h"
#include <math.h>

/* SELU's constants (Klambauer et al.), as MXNet's mshadow_op uses them. */
#define SELU_ALPHA 1.6732632423543772848170429916717f
#define SELU_LAMBDA 1.0507009873554804934193349852946f
#define INV_SQRT2 0.70710678118654752440f     /* 1 / sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794f  /* 1 / sqrt(2 pi), the normal density at 0 */

static float act(float x, int kind, float slope) {
    switch (kind) {
    case MXC_LRELU_LEAKY: return x > 0.0f ? x : slope * x;
    case MXC_LRELU_ELU: return x > 0.0f ? x : slope * expm1f(x);
    case MXC_LRELU_SELU: return SELU_LAMBDA * (x > 0.0f ? x : SELU_ALPHA * expm1f(x));
    default: return 0.5f * x * (1.0f + erff(x * INV_SQRT2)); /* GELU */
    }
}

/* d act / dx, with y = act(x) where that is cheaper. */
static float act_grad(float x, float y, int kind, float slope) {
    switch (kind) {
    case MXC_LRELU_LEAKY: return x > 0.0f ? 1.0f : slope;
    case MXC_LRELU_ELU: return x > 0.0f ? 1.0f : y + slope;
    case MXC_LRELU_SELU: return x > 0.0f ? SELU_LAMBDA : y + SELU_LAMBDA * SELU_ALPHA;
    default: { /* GELU: Phi(x) + x phi(x) */
        float pdf = expf(-0.5f * x * x) * INV_SQRT_2PI;
        return 0.5f * (1.0f + erff(x * INV_SQRT2)) + x * pdf;
    }
    }
}

static int kind_ok(int kind) { return kind >= MXC_LRELU_LEAKY && kind <= MXC_LRELU_GELU; }

int mxc_leakyrelu_forward(float *out, const float *inp, int64_t n, int kind, float slope) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!kind_ok(kind)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) out[i] = act(inp[i], kind, slope);
    return MXC_OK;
}

int mxc_leakyrelu_backward(float *dinp, const float *dout, const float *inp, const float *out,
                           int64_t n, int kind, float slope) {
    if (!dinp || !dout || !inp || !out) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!kind_ok(kind)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) dinp[i] += dout[i] * act_grad(inp[i], out[i], kind, slope);
    return MXC_OK;
}

// --- PReLU ---------------------------------------------------------------------

static int prelu_dims_ok(int64_t outer, int64_t c, int64_t inner, int64_t gamma_n) {
    return outer >= 1 && c >= 1 && inner >= 1 && (gamma_n == c || gamma_n == 1);
}

int mxc_prelu_forward(float *out, const float *inp, const float *gamma, int64_t outer,
                      int64_t c, int64_t inner, int64_t gamma_n) {
    if (!out || !inp || !gamma) return MXC_ERR_NULL_PTR;
    if (!prelu_dims_ok(outer, c, inner, gamma_n)) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t k = 0; k < c; k++) {
            float a = gamma[gamma_n == 1 ? 0 : k];
            int64_t at = (o * c + k) * inner;
            for (int64_t i = at; i < at + inner; i++) out[i] = inp[i] > 0.0f ? inp[i] : a * inp[i];
        }
    return MXC_OK;
}

int mxc_prelu_backward(float *dinp, float *dgamma, const float *dout, const float *inp,
                       const float *gamma, int64_t outer, int64_t c, int64_t inner,
                       int64_t gamma_n) {
    if (!dout || !inp || !gamma) return MXC_ERR_NULL_PTR;
    if (!prelu_dims_ok(outer, c, inner, gamma_n)) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t k = 0; k < c; k++) {
            int64_t gk = gamma_n == 1 ? 0 : k, at = (o * c + k) * inner;
            float a = gamma[gk], acc = 0.0f;
            for (int64_t i = at; i < at + inner; i++) {
                int pos = inp[i] > 0.0f;
                if (dinp) dinp[i] += pos ? dout[i] : a * dout[i];
                if (!pos) acc += inp[i] * dout[i];
            }
            if (dgamma) dgamma[gk] += acc;
        }
    return MXC_OK;
}

// --- RReLU ---------------------------------------------------------------------

int mxc_rrelu_forward(float *out, float *mask, const float *inp, int64_t n, float lower,
                      float upper, mxc_rng *rng) {
    if (!out || !mask || !inp || !rng) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!(lower <= upper)) return MXC_ERR_VALUE; /* also rejects NaN */
    int rc = mxc_rng_uniform(mask, n, lower, upper, rng);
    if (rc != MXC_OK) return rc;
    for (int64_t i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : mask[i] * inp[i];
    return MXC_OK;
}

int mxc_rrelu_backward(float *dinp, const float *dout, const float *inp, const float *mask,
                       int64_t n) {
    if (!dinp || !dout || !inp || !mask) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) dinp[i] += inp[i] > 0.0f ? dout[i] : mask[i] * dout[i];
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

/* rrelu draws its slopes only while training. */
static int draws(const mxc_leakyrelu_param *p, int is_train) {
    return p->mode == MXC_LRELU_MODE_RRELU && is_train;
}

int mxc_leakyrelu_step_forward(const mxc_step *s, int is_train) {
    const mxc_leakyrelu_param *p = &s->param.leakyrelu;
    int prelu = p->mode == MXC_LRELU_MODE_PRELU;
    int rc = mxc_step_check(s, prelu ? 2 : 1, 1, 0, draws(p, is_train) ? 1 : 0);
    if (rc != MXC_OK) return rc;
    float *y = s->outputs[0];
    const float *x = s->inputs[0];
    if (prelu) return mxc_prelu_forward(y, x, s->inputs[1], p->outer, p->c, p->inner, p->gamma_n);
    if (draws(p, is_train)) return mxc_rrelu_forward(y, s->state[0], x, p->n, p->lower, p->upper,
                                                     s->rng);
    return mxc_leakyrelu_forward(y, x, p->n, p->kind, p->slope);
}

int mxc_leakyrelu_step_backward(const mxc_step *s, int is_train) {
    const mxc_leakyrelu_param *p = &s->param.leakyrelu;
    int prelu = p->mode == MXC_LRELU_MODE_PRELU;
    int rc = mxc_step_check(s, prelu ? 2 : 1, 1, 0, draws(p, is_train) ? 1 : 0);
    if (rc != MXC_OK) return rc;
    float *dx = s->in_grads[0];
    const float *dy = s->out_grads[0], *x = s->inputs[0];
    if (prelu) {
        if (!dy || (!dx && !s->in_grads[1])) return MXC_OK;
        return mxc_prelu_backward(dx, s->in_grads[1], dy, x, s->inputs[1], p->outer, p->c,
                                  p->inner, p->gamma_n);
    }
    if (!dx || !dy) return MXC_OK;
    if (draws(p, is_train)) return mxc_rrelu_backward(dx, dy, x, s->state[0], p->n);
    return mxc_leakyrelu_backward(dx, dy, x, s->outputs[0], p->n, p->kind, p->slope);
}
