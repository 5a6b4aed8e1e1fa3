/* window.c: the fused steps of Convolution, Deconvolution and Pooling (see window.h).
 *
 * A 1-D window (n_spatial = 1) is the 2-D case with height 1, as the Python kernels
 * (mxnet_r_compat/ops/window.py) build it. */
#include "mxc.h"

/* (height, width) of a per-axis array: 1-D has the given height value and its one entry. */
static void as_2d(int64_t *h, int64_t *w, const int64_t *v, int n_spatial, int64_t fill) {
    *h = n_spatial == 2 ? v[0] : fill;
    *w = v[n_spatial == 2 ? 1 : 0];
}

/* The convolution of a window: its own (transpose = 0) or the one a Deconvolution
 * transposes (data and output extents swapped, native/deconv.h). */
static int conv_of(mxc_conv2d *g, const mxc_window_param *p, int transpose) {
    if (p->n_spatial != 1 && p->n_spatial != 2) return MXC_ERR_VALUE;
    int n = p->n_spatial;
    g->n = p->batch;
    g->groups = p->groups;
    g->c = transpose ? p->out_channels : p->in_channels;
    g->f = transpose ? p->in_channels : p->out_channels;
    as_2d(&g->h, &g->w, transpose ? p->out_size : p->in_size, n, 1);
    as_2d(&g->oh, &g->ow, transpose ? p->in_size : p->out_size, n, 1);
    as_2d(&g->kh, &g->kw, p->kernel, n, 1);
    as_2d(&g->sh, &g->sw, p->stride, n, 1);
    as_2d(&g->ph, &g->pw, p->pad, n, 0);
    as_2d(&g->dh, &g->dw, p->dilate, n, 1);
    return MXC_OK;
}

/* The step's convolution and its workspace (state[0], mxc_conv2d_workspace floats, which
 * the Python op allocates). */
static int conv_step(mxc_conv2d *g, int64_t *work_n, const mxc_step *s, int transpose) {
    int rc = mxc_step_check(s, 2, 1, 0, 1);
    if (rc == MXC_OK) rc = conv_of(g, &s->param.window, transpose);
    if (rc != MXC_OK) return rc;
    *work_n = mxc_conv2d_workspace(g);
    return *work_n < 0 ? MXC_ERR_SHAPE : MXC_OK;
}

static const float *bias_of(const mxc_step *s) {
    return s->param.window.no_bias || s->n_inputs < 3 ? NULL : s->inputs[2];
}

static float *bias_grad_of(const mxc_step *s) {
    return s->param.window.no_bias || s->n_inputs < 3 ? NULL : s->in_grads[2];
}

int mxc_conv_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    mxc_conv2d g;
    int64_t work_n;
    int rc = conv_step(&g, &work_n, s, 0);
    if (rc != MXC_OK) return rc;
    return mxc_conv2d_forward(s->outputs[0], s->inputs[0], s->inputs[1], bias_of(s), &g,
                              s->state[0], work_n);
}

/* As the Python kernel: nothing to do without an output gradient or a gradient to make. */
static int no_grad(const mxc_step *s) {
    return !s->out_grads[0] || (!s->in_grads[0] && !s->in_grads[1] && !bias_grad_of(s));
}

int mxc_conv_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    mxc_conv2d g;
    int64_t work_n;
    int rc = conv_step(&g, &work_n, s, 0);
    if (rc != MXC_OK || no_grad(s)) return rc;
    return mxc_conv2d_backward(s->in_grads[0], s->in_grads[1], bias_grad_of(s), s->out_grads[0],
                               s->inputs[0], s->inputs[1], &g, s->state[0], work_n);
}

int mxc_deconv_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    mxc_conv2d g;
    int64_t work_n;
    int rc = conv_step(&g, &work_n, s, 1);
    if (rc != MXC_OK) return rc;
    return mxc_deconv2d_forward(s->outputs[0], s->inputs[0], s->inputs[1], bias_of(s), &g,
                                s->state[0], work_n);
}

int mxc_deconv_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    mxc_conv2d g;
    int64_t work_n;
    int rc = conv_step(&g, &work_n, s, 1);
    if (rc != MXC_OK || no_grad(s)) return rc;
    return mxc_deconv2d_backward(s->in_grads[0], s->in_grads[1], bias_grad_of(s),
                                 s->out_grads[0], s->inputs[0], s->inputs[1], &g, s->state[0],
                                 work_n);
}

// --- Pooling -------------------------------------------------------------------

static int pool_step(mxc_pool2d *g, const mxc_step *s) {
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_window_param *p = &s->param.window;
    if (p->n_spatial != 1 && p->n_spatial != 2) return MXC_ERR_VALUE;
    g->n = p->batch;
    g->c = p->in_channels;
    as_2d(&g->h, &g->w, p->in_size, p->n_spatial, 1);
    as_2d(&g->oh, &g->ow, p->out_size, p->n_spatial, 1);
    as_2d(&g->kh, &g->kw, p->kernel, p->n_spatial, 1);
    as_2d(&g->sh, &g->sw, p->stride, p->n_spatial, 1);
    as_2d(&g->ph, &g->pw, p->pad, p->n_spatial, 0);
    return MXC_OK;
}

int mxc_pool_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    mxc_pool2d g;
    int rc = pool_step(&g, s);
    if (rc != MXC_OK) return rc;
    const mxc_window_param *p = &s->param.window;
    return mxc_pool2d_forward(s->outputs[0], s->inputs[0], &g, p->pool_type,
                              p->count_include_pad);
}

int mxc_pool_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    mxc_pool2d g;
    int rc = pool_step(&g, s);
    if (rc != MXC_OK || !s->in_grads[0] || !s->out_grads[0]) return rc;
    const mxc_window_param *p = &s->param.window;
    return mxc_pool2d_backward(s->in_grads[0], s->out_grads[0], s->inputs[0], s->outputs[0], &g,
                               p->pool_type, p->count_include_pad);
}
