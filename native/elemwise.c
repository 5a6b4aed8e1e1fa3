/* elemwise.c: elementwise kernels (see elemwise.h). */
#include "mxc.h"
#include "simd.h"

MXC_HOT int mxc_axpy(float *y, const float *x, int64_t n, float alpha) {
    if (!y || !x) return MXC_ERR_NULL_PTR;
    if (n < 0) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
    return MXC_OK;
}
