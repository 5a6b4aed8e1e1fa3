/* unary.h: elementwise functions of one array (MXNet's copy, negative, sqrt,
 * square, abs, exp, log, sign, round, floor, ceil, ... and clip).
 *
 * op is one of MXC_UNARY_*. ROUND rounds halves away from zero (C's roundf,
 * as MXNet's round); TRUNC is MXNet's fix. SIGN, ROUND, FLOOR, CEIL and TRUNC
 * have a zero gradient (as in MXNet), so their backward adds nothing. */
enum {
    MXC_UNARY_COPY = 0,
    MXC_UNARY_NEGATIVE = 1,
    MXC_UNARY_ABS = 2,
    MXC_UNARY_SIGN = 3,
    MXC_UNARY_SQUARE = 4,
    MXC_UNARY_SQRT = 5,
    MXC_UNARY_RSQRT = 6,
    MXC_UNARY_EXP = 7,
    MXC_UNARY_LOG = 8,
    MXC_UNARY_LOG2 = 9,
    MXC_UNARY_LOG10 = 10,
    MXC_UNARY_EXPM1 = 11,
    MXC_UNARY_LOG1P = 12,
    MXC_UNARY_ROUND = 13,
    MXC_UNARY_FLOOR = 14,
    MXC_UNARY_CEIL = 15,
    MXC_UNARY_TRUNC = 16,
    MXC_UNARY_SIN = 17,
    MXC_UNARY_COS = 18,
    MXC_UNARY_TAN = 19,
    MXC_UNARY_ARCSIN = 20,
    MXC_UNARY_ARCCOS = 21,
    MXC_UNARY_ARCTAN = 22,
    MXC_UNARY_SINH = 23,
    MXC_UNARY_COSH = 24,
    MXC_UNARY_TANH = 25,
    MXC_UNARY_RECIPROCAL = 26,
    MXC_UNARY_SIGMOID = 27,
    MXC_UNARY_RELU = 28,
    MXC_UNARY_COUNT = 29
};

/* out[i] = f(x[i]); out, x (n). out may be x itself. */
int mxc_unary_forward(float *out, const float *x, int64_t n, int op);

/* Accumulates dx[i] += dout[i] * f'(x[i]); out is the forward's result (some
 * derivatives read it: sqrt, exp, ...). */
int mxc_unary_backward(float *dx, const float *dout, const float *x, const float *out,
                       int64_t n, int op);

/* out[i] = min(max(x[i], a_min), a_max); MXC_ERR_VALUE unless a_min <= a_max. */
int mxc_clip_forward(float *out, const float *x, int64_t n, float a_min, float a_max);

/* Accumulates dx[i] += dout[i] where a_min < x[i] < a_max (MXNet's clip gradient). */
int mxc_clip_backward(float *dx, const float *dout, const float *x, int64_t n, float a_min,
                      float a_max);

/* The fused step (graph.h) of sqrt, exp, log and abs: input data, one output;
 * param.elemwise.n values, param.elemwise.kind the MXC_UNARY_* function. */
int mxc_unary_step_forward(const mxc_step *s, int is_train);
int mxc_unary_step_backward(const mxc_step *s, int is_train);
