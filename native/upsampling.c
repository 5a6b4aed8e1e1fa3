/* upsampling.c: nearest-neighbour UpSampling forward and backward (see upsampling.h). */
#include "mxc.h"

static int dims_ok(int64_t n, int64_t c, int64_t h, int64_t w, int64_t scale, int64_t out_c) {
    return n >= 1 && c >= 1 && h >= 1 && w >= 1 && scale >= 1 && out_c >= c;
}

/* One input plane (h, w) into its output plane (h*s, w*s). */
static void upsample_plane(float *o, const float *in, int64_t h, int64_t w, int64_t s, int add) {
    int64_t ow = w * s;
    for (int64_t y = 0; y < h * s; y++) {
        const float *line = in + (y / s) * w;
        float *dst = o + y * ow;
        if (add)
            for (int64_t x = 0; x < ow; x++) dst[x] += line[x / s];
        else
            for (int64_t x = 0; x < ow; x++) dst[x] = line[x / s];
    }
}

int mxc_upsampling_nearest_forward(float *out, const float *inp, int64_t n, int64_t c,
                                   int64_t h, int64_t w, int64_t scale, int64_t out_c, int add) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (!dims_ok(n, c, h, w, scale, out_c)) return MXC_ERR_SHAPE;
    int64_t hw = h * w, ohw = hw * scale * scale;
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < c; k++)
            upsample_plane(out + (s * out_c + k) * ohw, inp + (s * c + k) * hw, h, w, scale, add);
    return MXC_OK;
}

int mxc_upsampling_nearest_backward(float *dinp, const float *dout, int64_t n, int64_t c,
                                    int64_t h, int64_t w, int64_t scale, int64_t out_c) {
    if (!dinp || !dout) return MXC_ERR_NULL_PTR;
    if (!dims_ok(n, c, h, w, scale, out_c)) return MXC_ERR_SHAPE;
    int64_t hw = h * w, ow = w * scale, ohw = hw * scale * scale;
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < c; k++) {
            const float *d = dout + (s * out_c + k) * ohw;
            float *g = dinp + (s * c + k) * hw;
            for (int64_t y = 0; y < h * scale; y++)
                for (int64_t x = 0; x < ow; x++) g[(y / scale) * w + x / scale] += d[y * ow + x];
        }
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

static int upsampling_check(const mxc_step *s) {
    const mxc_upsampling_param *p = &s->param.upsampling;
    if (p->n_args < 1 || p->n_args > MXC_UPSAMPLING_MAX_ARGS) return MXC_ERR_VALUE;
    return mxc_step_check(s, p->n_args, 1, 0, 0);
}

int mxc_upsampling_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = upsampling_check(s);
    const mxc_upsampling_param *p = &s->param.upsampling;
    for (int64_t i = 0; rc == MXC_OK && i < p->n_args; i++)
        rc = mxc_upsampling_nearest_forward(s->outputs[0] + p->first[i] * p->out_hw,
                                            s->inputs[i], p->n, p->c[i], p->h[i], p->w[i],
                                            p->scale[i], p->out_c, p->sum && i > 0);
    return rc;
}

int mxc_upsampling_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = upsampling_check(s);
    if (rc != MXC_OK || !s->out_grads[0]) return rc;
    const mxc_upsampling_param *p = &s->param.upsampling;
    for (int64_t i = 0; rc == MXC_OK && i < p->n_args; i++)
        if (s->in_grads[i])
            rc = mxc_upsampling_nearest_backward(s->in_grads[i],
                                                 s->out_grads[0] + p->first[i] * p->out_hw,
                                                 p->n, p->c[i], p->h[i], p->w[i], p->scale[i],
                                                 p->out_c);
    return rc;
}
