/* unary.c: elementwise functions of one array and clip (see unary.h).
 *
 * Each operator is one line of UNARY_FORMULAS: its value and its derivative,
 * written in terms of x (the input) and y (the output). The switch is outside
 * the loops, so each loop is a plain function of one element. */
#include "mxc.h"
#include <math.h>

static inline float sign_of(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f); }
static inline float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

/* X(op, y = f(x), dy/dx in terms of x and y) */
#define UNARY_FORMULAS(X)                                                                \
    X(MXC_UNARY_COPY, x, 1.0f)                                                           \
    X(MXC_UNARY_NEGATIVE, -x, -1.0f)                                                     \
    X(MXC_UNARY_ABS, fabsf(x), sign_of(x))                                               \
    X(MXC_UNARY_SIGN, sign_of(x), 0.0f)                                                  \
    X(MXC_UNARY_SQUARE, x * x, 2.0f * x)                                                 \
    X(MXC_UNARY_SQRT, sqrtf(x), 0.5f / y)                                                \
    X(MXC_UNARY_RSQRT, 1.0f / sqrtf(x), -0.5f * y * y * y)                               \
    X(MXC_UNARY_EXP, expf(x), y)                                                         \
    X(MXC_UNARY_LOG, logf(x), 1.0f / x)                                                  \
    X(MXC_UNARY_LOG2, log2f(x), 1.0f / (x * 0.69314718055994531f))                       \
    X(MXC_UNARY_LOG10, log10f(x), 1.0f / (x * 2.30258509299404568f))                     \
    X(MXC_UNARY_EXPM1, expm1f(x), y + 1.0f)                                              \
    X(MXC_UNARY_LOG1P, log1pf(x), 1.0f / (1.0f + x))                                     \
    X(MXC_UNARY_ROUND, roundf(x), 0.0f)                                                  \
    X(MXC_UNARY_FLOOR, floorf(x), 0.0f)                                                  \
    X(MXC_UNARY_CEIL, ceilf(x), 0.0f)                                                    \
    X(MXC_UNARY_TRUNC, truncf(x), 0.0f)                                                  \
    X(MXC_UNARY_SIN, sinf(x), cosf(x))                                                   \
    X(MXC_UNARY_COS, cosf(x), -sinf(x))                                                  \
    X(MXC_UNARY_TAN, tanf(x), 1.0f + y * y)                                              \
    X(MXC_UNARY_ARCSIN, asinf(x), 1.0f / sqrtf(1.0f - x * x))                            \
    X(MXC_UNARY_ARCCOS, acosf(x), -1.0f / sqrtf(1.0f - x * x))                           \
    X(MXC_UNARY_ARCTAN, atanf(x), 1.0f / (1.0f + x * x))                                 \
    X(MXC_UNARY_SINH, sinhf(x), coshf(x))                                                \
    X(MXC_UNARY_COSH, coshf(x), sinhf(x))                                                \
    X(MXC_UNARY_TANH, tanhf(x), 1.0f - y * y)                                            \
    X(MXC_UNARY_RECIPROCAL, 1.0f / x, -y * y)                                            \
    X(MXC_UNARY_SIGMOID, sigmoid(x), y * (1.0f - y))                                     \
    X(MXC_UNARY_RELU, x > 0.0f ? x : 0.0f, x > 0.0f ? 1.0f : 0.0f)

static int zero_gradient(int op) {
    return op == MXC_UNARY_SIGN || op == MXC_UNARY_ROUND || op == MXC_UNARY_FLOOR ||
           op == MXC_UNARY_CEIL || op == MXC_UNARY_TRUNC;
}

int mxc_unary_forward(float *out, const float *x_in, int64_t n, int op) {
    if (!out || !x_in) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
#define FORWARD_CASE(OP, F, D)                                                           \
    case OP:                                                                             \
        for (int64_t i = 0; i < n; i++) {                                                \
            float x = x_in[i];                                                           \
            out[i] = (F);                                                                \
        }                                                                                \
        return MXC_OK;
    switch (op) {
        UNARY_FORMULAS(FORWARD_CASE)
    default: return MXC_ERR_VALUE;
    }
#undef FORWARD_CASE
}

int mxc_unary_backward(float *dx, const float *dout, const float *x_in, const float *out,
                       int64_t n, int op) {
    if (!dx || !dout || !x_in || !out) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (op < 0 || op >= MXC_UNARY_COUNT) return MXC_ERR_VALUE;
    if (zero_gradient(op)) return MXC_OK;
#define BACKWARD_CASE(OP, F, D)                                                          \
    case OP:                                                                             \
        for (int64_t i = 0; i < n; i++) {                                                \
            float x = x_in[i], y = out[i];                                               \
            (void)x; (void)y;                                                            \
            dx[i] += dout[i] * (D);                                                      \
        }                                                                                \
        return MXC_OK;
    switch (op) {
        UNARY_FORMULAS(BACKWARD_CASE)
    default: return MXC_ERR_VALUE;
    }
#undef BACKWARD_CASE
}

int mxc_clip_forward(float *out, const float *x, int64_t n, float a_min, float a_max) {
    if (!out || !x) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!(a_min <= a_max)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) {
        float v = x[i] < a_min ? a_min : x[i];
        out[i] = v > a_max ? a_max : v;
    }
    return MXC_OK;
}

int mxc_clip_backward(float *dx, const float *dout, const float *x, int64_t n, float a_min,
                      float a_max) {
    if (!dx || !dout || !x) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    if (!(a_min <= a_max)) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++)
        if (x[i] > a_min && x[i] < a_max) dx[i] += dout[i];
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_unary_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    return mxc_unary_forward(s->outputs[0], s->inputs[0], s->param.elemwise.n,
                             s->param.elemwise.kind);
}

int mxc_unary_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0] || !s->out_grads[0]) return MXC_OK;
    return mxc_unary_backward(s->in_grads[0], s->out_grads[0], s->inputs[0], s->outputs[0],
                              s->param.elemwise.n, s->param.elemwise.kind);
}
