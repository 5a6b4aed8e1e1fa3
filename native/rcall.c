/* rcall.c: R .C() entry points of the MXNDArray operators (see rcall.h).
 *
 * narrow() turns the n doubles of an R copy into n floats packed at the start of
 * the same memory, widen() does the reverse, each through memcpy so that the
 * two views of one buffer never alias as typed pointers. Narrowing walks
 * forward (float i lands on bytes already read), widening walks backward
 * (double i lands on floats already read). */
#include "mxc.h"
#include <string.h>

static float *narrow(double *x, int64_t n) {
    char *p = (char *)x;
    for (int64_t i = 0; i < n; i++) {
        double d;
        memcpy(&d, p + i * (int64_t)sizeof(double), sizeof d);
        float f = (float)d;
        memcpy(p + i * (int64_t)sizeof(float), &f, sizeof f);
    }
    return (float *)(void *)x;
}

static void widen(double *x, int64_t n) {
    char *p = (char *)x;
    for (int64_t i = n - 1; i >= 0; i--) {
        float f;
        memcpy(&f, p + i * (int64_t)sizeof(float), sizeof f);
        double d = (double)f;
        memcpy(p + i * (int64_t)sizeof(double), &d, sizeof d);
    }
}

/* Sets *status; 1 when every pointer was given (all_set) and n >= 1. */
static int ready(int *status, const int *n, int all_set) {
    if (!status) return 0;
    *status = !all_set ? MXC_ERR_NULL_PTR : (*n < 1 ? MXC_ERR_SHAPE : MXC_OK);
    return *status == MXC_OK;
}

void mxc_r_elemwise_binary(int *status, double *out, double *a, double *b, const int *n,
                           const int *op) {
    if (!ready(status, n, out && a && b && n && op)) return;
    int64_t len = *n;
    *status = mxc_elemwise_binary_forward(narrow(out, 0), narrow(a, len), narrow(b, len), len,
                                          *op);
    widen(out, *status ? 0 : len);
}

void mxc_r_binary_scalar(int *status, double *out, double *a, const int *n,
                         const double *scalar, const int *op, const int *reverse) {
    if (!ready(status, n, out && a && n && scalar && op && reverse)) return;
    int64_t len = *n;
    *status = mxc_binary_scalar_forward(narrow(out, 0), narrow(a, len), len, (float)*scalar,
                                        *op, *reverse);
    widen(out, *status ? 0 : len);
}

void mxc_r_unary(int *status, double *out, double *x, const int *n, const int *op) {
    if (!ready(status, n, out && x && n && op)) return;
    int64_t len = *n;
    *status = mxc_unary_forward(narrow(out, 0), narrow(x, len), len, *op);
    widen(out, *status ? 0 : len);
}

void mxc_r_clip(int *status, double *out, double *x, const int *n, const double *a_min,
                const double *a_max) {
    if (!ready(status, n, out && x && n && a_min && a_max)) return;
    int64_t len = *n;
    *status = mxc_clip_forward(narrow(out, 0), narrow(x, len), len, (float)*a_min,
                               (float)*a_max);
    widen(out, *status ? 0 : len);
}

void mxc_r_reduce_all(int *status, double *out, double *x, const int *n, const int *op) {
    if (!ready(status, n, out && x && n && op)) return;
    int64_t len = *n;
    int reduced = 1;
    float result = 0.0f;
    *status = mxc_reduce_forward(&result, narrow(x, len), 1, &len, &reduced, *op);
    if (*status == MXC_OK) *out = (double)result;
}

void mxc_r_to_float32(int *status, double *x, const int *n) {
    if (!ready(status, n, x && n)) return;
    narrow(x, *n);
    widen(x, *n);
}
