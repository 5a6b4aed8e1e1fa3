/* activation.c: the elementwise Activation op (relu, sigmoid, tanh, softrelu, softsign).
 *
 * One loop per activation so each stays a simple, vectorisable pass; the
 * switch on act_type sits outside the loops. Sigmoid and softrelu are written
 * so that exp() only ever sees a non-positive argument: nothing overflows for
 * large |x|. */
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
        for (i = 0; i < n; i++) out[i] = tanhf(inp[i]);
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
