/* dropout.c: inverted Dropout (see dropout.h).
 *
 * The mask already carries the 1/(1-p) scale, so the forward is one multiply
 * and the backward reuses the mask unchanged. MXNet's `axes` draws a smaller
 * mask and broadcasts it. Not here: inference mode (identity, the caller's
 * choice). */
#include "mxc.h"
#include <string.h>

/* Turns the uniforms in mask into keep/drop values in place, as MXNet's CPU Dropout:
 * (u <= keep) * (1 / keep), in float32. */
static void uniforms_to_mask(float *mask, int64_t n, float keep) {
    float scale = 1.0f / keep;
    for (int64_t i = 0; i < n; i++) mask[i] = mask[i] <= keep ? scale : 0.0f;
}

/* n keep/drop values in mask, from n uniforms of rng (none when p == 0). */
static int draw_mask(float *mask, int64_t n, float p, mxc_rng *rng) {
    if (!(p >= 0.0f && p < 1.0f)) return MXC_ERR_VALUE; /* also rejects NaN */
    if (p == 0.0f) {
        /* Keep everything and leave the stream where it was. */
        for (int64_t i = 0; i < n; i++) mask[i] = 1.0f;
    } else {
        /* The mask buffer doubles as storage for the n uniforms: one draw per element,
         * in memory order, chunked over the engines like any other draw (rng.h). */
        int rc = mxc_rng_uniform(mask, n, 0.0f, 1.0f, rng);
        if (rc != MXC_OK) return rc;
        uniforms_to_mask(mask, n, 1.0f - p);
    }
    return MXC_OK;
}

int mxc_dropout_forward(float *out, float *mask, const float *inp, int64_t n, float p, mxc_rng *rng) {
    if (!out || !mask || !inp || !rng) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    int rc = draw_mask(mask, n, p, rng);
    if (rc != MXC_OK) return rc;
    for (int64_t i = 0; i < n; i++) out[i] = inp[i] * mask[i];
    return MXC_OK;
}

int mxc_dropout_backward(float *dinp, const float *dout, const float *mask, int64_t n) {
    if (!dinp || !dout || !mask) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) dinp[i] += dout[i] * mask[i];
    return MXC_OK;
}

// --- shared masks (`axes`) -----------------------------------------------------

/* Values of a shape; 0 when an extent is < 1 or a mask extent is neither 1 nor the data's. */
static int64_t shared_size(const int64_t *shape, const int64_t *mask_shape, int64_t ndim) {
    int64_t n = 1;
    for (int64_t d = 0; d < ndim; d++) {
        if (shape[d] < 1 || (mask_shape[d] != 1 && mask_shape[d] != shape[d])) return 0;
        n *= mask_shape[d];
    }
    return n;
}

static int64_t prod(const int64_t *v, int64_t k) {
    int64_t n = 1;
    for (int64_t d = 0; d < k; d++) n *= v[d];
    return n;
}

/* y (+)= x * m over the ndim axes, m broadcast where mask_shape is 1; axis by axis. */
static void apply_mask(float *y, const float *x, const float *m, const int64_t *shape,
                       const int64_t *mask_shape, int64_t ndim, int add) {
    if (ndim == 1) {
        int64_t ms = mask_shape[0] == 1 ? 0 : 1;
        if (add)
            for (int64_t i = 0; i < shape[0]; i++) y[i] += x[i] * m[i * ms];
        else
            for (int64_t i = 0; i < shape[0]; i++) y[i] = x[i] * m[i * ms];
        return;
    }
    int64_t inner = prod(shape + 1, ndim - 1);
    int64_t minner = mask_shape[0] == 1 ? 0 : prod(mask_shape + 1, ndim - 1);
    for (int64_t i = 0; i < shape[0]; i++)
        apply_mask(y + i * inner, x + i * inner, m + i * minner, shape + 1, mask_shape + 1,
                   ndim - 1, add);
}

int mxc_dropout_shared_forward(float *out, float *mask, const float *inp, const int64_t *shape,
                               const int64_t *mask_shape, int64_t ndim, float p, mxc_rng *rng) {
    if (!out || !mask || !inp || !shape || !mask_shape || !rng) return MXC_ERR_NULL_PTR;
    int64_t n = ndim >= 1 ? shared_size(shape, mask_shape, ndim) : 0;
    if (n < 1) return MXC_ERR_SHAPE;
    int rc = draw_mask(mask, n, p, rng);
    if (rc != MXC_OK) return rc;
    apply_mask(out, inp, mask, shape, mask_shape, ndim, 0);
    return MXC_OK;
}

int mxc_dropout_shared_backward(float *dinp, const float *dout, const float *mask,
                                const int64_t *shape, const int64_t *mask_shape, int64_t ndim) {
    if (!dinp || !dout || !mask || !shape || !mask_shape) return MXC_ERR_NULL_PTR;
    if (ndim < 1 || shared_size(shape, mask_shape, ndim) < 1) return MXC_ERR_SHAPE;
    apply_mask(dinp, dout, mask, shape, mask_shape, ndim, 1);
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

/* A mask is drawn only in training (or mode "always") and when p > 0. */
static int dropout_applied(const mxc_dropout_param *p, int is_train) {
    return (is_train || p->always) && p->p > 0.0f;
}

int mxc_dropout_step_forward(const mxc_step *s, int is_train) {
    int rc = mxc_step_check(s, 1, 1, 0, 1);
    if (rc != MXC_OK) return rc;
    const mxc_dropout_param *p = &s->param.dropout;
    if (dropout_applied(p, is_train) && p->ndim > 0)
        return mxc_dropout_shared_forward(s->outputs[0], s->state[0], s->inputs[0], p->shape,
                                          p->mask_shape, p->ndim, p->p, s->rng);
    if (dropout_applied(p, is_train))
        return mxc_dropout_forward(s->outputs[0], s->state[0], s->inputs[0], p->n, p->p, s->rng);
    if (!s->outputs[0] || !s->inputs[0]) return MXC_ERR_NULL_PTR;
    if (p->n < 1) return MXC_ERR_SHAPE;
    memcpy(s->outputs[0], s->inputs[0], (size_t)p->n * sizeof(float));
    return MXC_OK;
}

int mxc_dropout_step_backward(const mxc_step *s, int is_train) {
    int rc = mxc_step_check(s, 1, 1, 0, 1);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0]) return MXC_OK;
    const mxc_dropout_param *p = &s->param.dropout;
    if (dropout_applied(p, is_train) && p->ndim > 0)
        return mxc_dropout_shared_backward(s->in_grads[0], s->out_grads[0], s->state[0],
                                           p->shape, p->mask_shape, p->ndim);
    if (dropout_applied(p, is_train))
        return mxc_dropout_backward(s->in_grads[0], s->out_grads[0], s->state[0], p->n);
    return mxc_axpy(s->in_grads[0], s->out_grads[0], p->n, 1.0f);
}
