/* activation.c: the elementwise Activation op (relu, sigmoid, tanh, softrelu, softsign).
 *
 * One loop per activation so each stays a simple, vectorisable pass; the
 * switch on act_type sits outside the loops. Sigmoid and softrelu are written
 * so that exp() only ever sees a non-positive argument: nothing overflows for
 * large |x|. Tanh is an own approximation (tanh_approx) because libm's tanhf,
 * a call per value, made tanh the slowest layer of LeNet (docs/CONVOLUTION.md). */
#include "mxc.h"
#include "simd.h"
#include <math.h>

static int act_ok(int act_type) { return act_type >= MXC_ACT_RELU && act_type <= MXC_ACT_SOFTSIGN; }

// --- forward -------------------------------------------------------------------

/* 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0: the same value, with e = e^-|x| <= 1. */
static float sigmoid(float x) {
    float e = expf(-fabsf(x));
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

/* e^y for 0 <= y <= 20: y = n ln2 + r with |r| <= ln2/2 (ln2 in two parts so r is exact
 * enough), e^r = 1 + r + r^2 q(r) with q a degree-4 least-squares fit of (e^r - 1 - r)/r^2
 * on Chebyshev nodes, then 2^n put straight into the exponent bits. Plain arithmetic and
 * selects only, so the loops that call it vectorise (libm's expf/tanhf do not). */
MXC_INLINE float exp_nonneg(float y) {
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693145751953125f, ln2_lo = 1.42860682030941723e-6f;
    float n = (float)(int32_t)(y * log2e + 0.5f); /* round to nearest (y >= 0) */
    float r = (y - n * ln2_hi) - n * ln2_lo;
    float q = 0.0013751407895985345f;
    q = q * r + 0.008368916341373673f;
    q = q * r + 0.04166953310922053f;
    q = q * r + 0.16666518459980365f;
    q = q * r + 0.4999998859511279f;
    union { int32_t i; float f; } scale;
    scale.i = ((int32_t)n + 127) << 23;
    return (1.0f + r + r * r * q) * scale.f;
}

/* c ? a : b by bit masks. GCC leaves a ?: whose arms divide as a branch (the division might
 * trap), which stops the loop from vectorising; masks compute both arms, exactly. */
MXC_INLINE float select_bits(int c, float a, float b) {
    union { float f; uint32_t u; } x, y, r;
    x.f = a;
    y.f = b;
    uint32_t m = -(uint32_t)(c != 0);
    r.u = (x.u & m) | (y.u & ~m);
    return r.f;
}

/* tanh within 1.3 ulp of the exact value (measured over [-12, 12] in steps of 1e-5):
 *   |x| < 0.625:  |x| + |x| x^2 p(x^2), p a degree-5 least-squares fit of (tanh x - x)/x^3;
 *   otherwise:    1 - 2 / (e^(2|x|) + 1), |x| capped at 10 where tanh is 1 in float32;
 * the sign copied from x (so tanh(-0) = -0), NaN passed through. */
MXC_INLINE float tanh_approx(float x) {
    float a = fabsf(x), z = x * x;
    float p = 0.0021428036518093725f;
    p = p * z - 0.008177093614538083f;
    p = p * z + 0.021700500629280084f;
    p = p * z - 0.053946703210683795f;
    p = p * z + 0.13333205223906308f;
    p = p * z - 0.33333330767104097f;
    float small = a + a * z * p;
    float big = 1.0f - 2.0f / (exp_nonneg(2.0f * select_bits(a < 10.0f, a, 10.0f)) + 1.0f);
    float t = copysignf(select_bits(a < 0.625f, small, big), x);
    return select_bits(x == x, t, x);
}

/* log(1+e^x) = max(x, 0) + log1p(e^-|x|); log1p keeps the tiny tail for x << 0. */
static float softrelu(float x) { return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x))); }

MXC_HOT int mxc_activation_forward(float *out, const float *inp, int64_t n, int act_type) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!act_ok(act_type)) return MXC_ERR_VALUE;
    int64_t i;
    switch (act_type) {
    case MXC_ACT_RELU:
        for (i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
        break;
    case MXC_ACT_SIGMOID:
        for (i = 0; i < n; i++) out[i] = sigmoid(inp[i]);
        break;
    case MXC_ACT_TANH:
        for (i = 0; i < n; i++) out[i] = tanh_approx(inp[i]);
        break;
    case MXC_ACT_SOFTRELU:
        for (i = 0; i < n; i++) out[i] = softrelu(inp[i]);
        break;
    default: /* MXC_ACT_SOFTSIGN */
        for (i = 0; i < n; i++) out[i] = inp[i] / (1.0f + fabsf(inp[i]));
        break;
    }
    return MXC_OK;
}

// --- backward ------------------------------------------------------------------

/* Derivatives, each from whichever of x (inp) and y (out) gives it exactly:
 *   relu: 1[x > 0];  sigmoid: y(1-y);  tanh: 1-y^2;
 *   softrelu: sigmoid(x), computed from x like the forward;
 *   softsign: 1/(1+|x|)^2. */
MXC_HOT int mxc_activation_backward(float *dinp, const float *dout, const float *inp, const float *out,
                            int64_t n, int act_type) {
    if (!dinp || !dout || !inp || !out) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!act_ok(act_type)) return MXC_ERR_VALUE;
    int64_t i;
    switch (act_type) {
    case MXC_ACT_RELU:
        /* dout[i] is loaded whatever the sign: a load under the condition kept the loop
         * scalar and branchy (half the branches mispredicted on random signs). */
        for (i = 0; i < n; i++) {
            float d = dout[i];
            dinp[i] += inp[i] > 0.0f ? d : 0.0f;
        }
        break;
    case MXC_ACT_SIGMOID:
        for (i = 0; i < n; i++) dinp[i] += dout[i] * out[i] * (1.0f - out[i]);
        break;
    case MXC_ACT_TANH:
        for (i = 0; i < n; i++) dinp[i] += dout[i] * (1.0f - out[i] * out[i]);
        break;
    case MXC_ACT_SOFTRELU:
        for (i = 0; i < n; i++) dinp[i] += dout[i] * sigmoid(inp[i]);
        break;
    default: /* MXC_ACT_SOFTSIGN */
        for (i = 0; i < n; i++) {
            float s = 1.0f + fabsf(inp[i]);
            dinp[i] += dout[i] / (s * s);
        }
        break;
    }
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_activation_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_activation_param *p = &s->param.activation;
    return mxc_activation_forward(s->outputs[0], s->inputs[0], p->n, p->act_type);
}

int mxc_activation_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0]) return MXC_OK; /* no gradient wanted: nothing to do */
    const mxc_activation_param *p = &s->param.activation;
    return mxc_activation_backward(s->in_grads[0], s->out_grads[0], s->inputs[0], s->outputs[0],
                                   p->n, p->act_type);
}
