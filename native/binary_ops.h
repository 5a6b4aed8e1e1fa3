/* binary_ops.h: the per-element formulas of binary.h's MXC_BINARY_* operators, as strided
 * row loops (private to binary.c and broadcast.c, like simd.h; build_ffi.py never reads it).
 *
 * A row is n elements: out[i] = f(a[i * sa], b[i * sb]). A stride of 0 repeats one value,
 * which is how the scalar and broadcast kernels reuse the same loops. The backward rows
 * accumulate into da / db with the strides of a / b, so a stride of 0 sums the gradient
 * over the repeated elements (the reduction over a broadcast axis). */
#ifndef MXC_BINARY_OPS_H
#define MXC_BINARY_OPS_H

#include <math.h>
#include <stdint.h>

/* MXNet's mod (mshadow_op::mod): the remainder takes the divisor's sign, x mod 0 = 0.
 * Computed in double, as MXNet does, then rounded once. */
static inline float mxc_mod(float a, float b) {
    if (b == 0.0f) return 0.0f;
    double r = fmod((double)a, (double)b);
    if (r != 0.0 && ((r < 0.0) != (b < 0.0f))) r += (double)b;
    return (float)r;
}

/* X(op, forward of (x, y), gradient for x given g, gradient for y given g) */
#define MXC_BINARY_FORMULAS(X)                                                           \
    X(MXC_BINARY_ADD, x + y, g, g)                                                       \
    X(MXC_BINARY_SUB, x - y, g, -g)                                                      \
    X(MXC_BINARY_MUL, x * y, g * y, g * x)                                               \
    X(MXC_BINARY_DIV, x / y, g / y, -g * x / (y * y))                                    \
    X(MXC_BINARY_POW, powf(x, y), g * y * powf(x, y - 1.0f), g * powf(x, y) * logf(x))   \
    X(MXC_BINARY_MOD, mxc_mod(x, y), g, -g * floorf(x / y))                              \
    X(MXC_BINARY_MAXIMUM, x > y ? x : y, x >= y ? g : 0.0f, x < y ? g : 0.0f)            \
    X(MXC_BINARY_MINIMUM, x < y ? x : y, x <= y ? g : 0.0f, x > y ? g : 0.0f)            \
    X(MXC_BINARY_EQ, x == y ? 1.0f : 0.0f, 0.0f, 0.0f)                                   \
    X(MXC_BINARY_NE, x != y ? 1.0f : 0.0f, 0.0f, 0.0f)                                   \
    X(MXC_BINARY_GT, x > y ? 1.0f : 0.0f, 0.0f, 0.0f)                                    \
    X(MXC_BINARY_GE, x >= y ? 1.0f : 0.0f, 0.0f, 0.0f)                                   \
    X(MXC_BINARY_LT, x < y ? 1.0f : 0.0f, 0.0f, 0.0f)                                    \
    X(MXC_BINARY_LE, x <= y ? 1.0f : 0.0f, 0.0f, 0.0f)

/* 1 for a known operator. */
static inline int mxc_binary_op_valid(int op) { return op >= 0 && op < MXC_BINARY_COUNT; }

/* 1 for the comparisons, whose gradient is zero. */
static inline int mxc_binary_op_is_comparison(int op) { return op >= MXC_BINARY_EQ; }

/* out[i] = a[i * sa] op b[i * sb] for i < n. */
static inline void mxc_binary_row(float *out, const float *a, int64_t sa, const float *b,
                                  int64_t sb, int64_t n, int op) {
#define MXC_FORWARD_CASE(OP, F, GA, GB)                                                  \
    case OP:                                                                             \
        for (int64_t i = 0; i < n; i++) {                                                \
            float x = a[i * sa], y = b[i * sb];                                          \
            out[i] = (F);                                                                \
        }                                                                                \
        break;
    switch (op) { MXC_BINARY_FORMULAS(MXC_FORWARD_CASE) default: break; }
#undef MXC_FORWARD_CASE
}

/* da[i * sa] += gradient for a, db[i * sb] += gradient for b (NULL skips). */
static inline void mxc_binary_row_grad(float *da, float *db, const float *dout, const float *a,
                                       int64_t sa, const float *b, int64_t sb, int64_t n,
                                       int op) {
#define MXC_GRAD_A_CASE(OP, F, GA, GB)                                                   \
    case OP:                                                                             \
        for (int64_t i = 0; i < n; i++) {                                                \
            float x = a[i * sa], y = b[i * sb], g = dout[i];                             \
            (void)x; (void)y; (void)g;                                                   \
            da[i * sa] += (GA);                                                          \
        }                                                                                \
        break;
#define MXC_GRAD_B_CASE(OP, F, GA, GB)                                                   \
    case OP:                                                                             \
        for (int64_t i = 0; i < n; i++) {                                                \
            float x = a[i * sa], y = b[i * sb], g = dout[i];                             \
            (void)x; (void)y; (void)g;                                                   \
            db[i * sb] += (GB);                                                          \
        }                                                                                \
        break;
    if (mxc_binary_op_is_comparison(op)) return;
    if (da) switch (op) { MXC_BINARY_FORMULAS(MXC_GRAD_A_CASE) default: break; }
    if (db) switch (op) { MXC_BINARY_FORMULAS(MXC_GRAD_B_CASE) default: break; }
#undef MXC_GRAD_A_CASE
#undef MXC_GRAD_B_CASE
}

#endif /* MXC_BINARY_OPS_H */
