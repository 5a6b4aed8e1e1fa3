/* elemwise.c: small elementwise kernels shared by the executor and arithmetic ops. */
#include "mxc.h"
#include "simd.h"
#include <math.h>

MXC_HOT int mxc_axpy(float *y, const float *x, int64_t n, float alpha) {
    if (!y || !x) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
    return MXC_OK;
}

static float apply(float a, float b, int op) {
    switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    default: return powf(a, b);
    }
}

int mxc_binary_forward(float *out, const float *a, const float *b, int64_t n, int op) {
    if (!out || !a || !b) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    if (op < 0 || op > 3) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) out[i] = apply(a[i], b[i], op);
    return MXC_OK;
}

int mxc_scalar_forward(float *out, const float *a, float s, int64_t n, int op, int reverse) {
    if (!out || !a) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    if (op < 0 || op > 4) return MXC_ERR_VALUE;
    for (int64_t i = 0; i < n; i++) out[i] = reverse ? apply(s, a[i], op) : apply(a[i], s, op);
    return MXC_OK;
}
