/* window_steps.c: the fused-path steps of the convolutional operators (see window_steps.h).
 *
 * A driver only, as fused.c: every number comes from the operators' own functions, called
 * with the arguments and under the conditions of the Python kernels. */
#include "mxc.h"
#include <string.h>

static int copy_through(const mxc_step *s, int64_t n) {
    if (!s->y || !s->x) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    memcpy(s->y, s->x, (size_t)n * sizeof(float));
    return MXC_OK;
}

/* rrelu draws slopes only while training; dropout masks only in training or mode "always". */
static int rrelu_draws(const mxc_step *s, int is_train) { return s->flag && is_train; }

static int dropout_draws(const mxc_step *s, int is_train) {
    return (is_train || s->flag) && s->fparam[0] > 0.0f;
}

int mxc_window_step_forward(const mxc_step *s, int is_train) {
    const int64_t *d = s->dim;
    switch (s->op) {
    case MXC_STEP_CONV:
        return mxc_conv2d_forward(s->y, s->x, s->w, s->b, s->geom, s->work, s->work_n);
    case MXC_STEP_DECONV:
        return mxc_deconv2d_forward(s->y, s->x, s->w, s->b, s->geom, s->work, s->work_n);
    case MXC_STEP_POOL:
        return mxc_pool2d_forward(s->y, s->x, s->geom, s->kind, s->flag);
    case MXC_STEP_EMBEDDING:
        return mxc_embedding_forward(s->y, s->x, s->w, d[0], d[1], d[2]);
    case MXC_STEP_LEAKY_RELU:
        if (rrelu_draws(s, is_train))
            return mxc_rrelu_forward(s->y, s->aux, s->x, d[0], s->fparam[1], s->fparam[2],
                                     s->rng);
        return mxc_leakyrelu_forward(s->y, s->x, d[0], s->kind, s->fparam[0]);
    case MXC_STEP_PRELU:
        return mxc_prelu_forward(s->y, s->x, s->w, d[0], d[1], d[2], d[3]);
    case MXC_STEP_SOFTMAX_ACT:
        return mxc_softmax_act_forward(s->y, s->x, d[0], d[1], d[2]);
    case MXC_STEP_UPSAMPLING:
        return mxc_upsampling_nearest_forward(s->y, s->x, d[0], d[1], d[2], d[3], s->kind, d[1],
                                              0);
    case MXC_STEP_LRN:
        return mxc_lrn_forward(s->y, s->aux, s->x, d[0], d[1], d[2], d[3], s->fparam[0],
                               s->fparam[1], s->fparam[2]);
    case MXC_STEP_DROPOUT_SHARED: {
        const int64_t *shape = s->geom;
        if (!shape) return MXC_ERR_NULL_PTR;
        if (dropout_draws(s, is_train))
            return mxc_dropout_shared_forward(s->y, s->aux, s->x, shape, shape + d[0], d[0],
                                              s->fparam[0], s->rng);
        int64_t n = 1;
        for (int64_t i = 0; i < d[0]; i++) n *= shape[i];
        return copy_through(s, n);
    }
    default:
        return MXC_ERR_VALUE;
    }
}

/* The backward of the steps that only scale or route dy to dx: nothing to do without them. */
static int no_flow(const mxc_step *s) { return !s->dx || !s->dy; }

int mxc_window_step_backward(const mxc_step *s, int is_train) {
    const int64_t *d = s->dim;
    switch (s->op) {
    case MXC_STEP_CONV:
    case MXC_STEP_DECONV:
        if (!s->dy || (!s->dx && !s->dw && !s->db)) return MXC_OK;
        if (s->op == MXC_STEP_CONV)
            return mxc_conv2d_backward(s->dx, s->dw, s->db, s->dy, s->x, s->w, s->geom, s->work,
                                       s->work_n);
        return mxc_deconv2d_backward(s->dx, s->dw, s->db, s->dy, s->x, s->w, s->geom, s->work,
                                     s->work_n);
    case MXC_STEP_POOL:
        if (no_flow(s)) return MXC_OK;
        return mxc_pool2d_backward(s->dx, s->dy, s->x, s->y, s->geom, s->kind, s->flag);
    case MXC_STEP_EMBEDDING:
        if (!s->dw || !s->dy) return MXC_OK;
        return mxc_embedding_backward(s->dw, s->dy, s->x, d[0], d[1], d[2]);
    case MXC_STEP_LEAKY_RELU:
        if (no_flow(s)) return MXC_OK;
        if (rrelu_draws(s, is_train)) return mxc_rrelu_backward(s->dx, s->dy, s->x, s->aux, d[0]);
        return mxc_leakyrelu_backward(s->dx, s->dy, s->x, s->y, d[0], s->kind, s->fparam[0]);
    case MXC_STEP_PRELU:
        if (!s->dy || (!s->dx && !s->dw)) return MXC_OK;
        return mxc_prelu_backward(s->dx, s->dw, s->dy, s->x, s->w, d[0], d[1], d[2], d[3]);
    case MXC_STEP_SOFTMAX_ACT:
        if (no_flow(s)) return MXC_OK;
        return mxc_softmax_act_backward(s->dx, s->dy, s->y, d[0], d[1], d[2]);
    case MXC_STEP_UPSAMPLING:
        if (no_flow(s)) return MXC_OK;
        return mxc_upsampling_nearest_backward(s->dx, s->dy, d[0], d[1], d[2], d[3], s->kind,
                                               d[1]);
    case MXC_STEP_LRN:
        if (no_flow(s)) return MXC_OK;
        return mxc_lrn_backward(s->dx, s->dy, s->x, s->y, s->aux, d[0], d[1], d[2], d[3],
                                s->fparam[0], s->fparam[1]);
    case MXC_STEP_DROPOUT_SHARED: {
        const int64_t *shape = s->geom;
        if (!s->dx) return MXC_OK;
        if (!shape) return MXC_ERR_NULL_PTR;
        if (dropout_draws(s, is_train))
            return mxc_dropout_shared_backward(s->dx, s->dy, s->aux, shape, shape + d[0], d[0]);
        int64_t n = 1;
        for (int64_t i = 0; i < d[0]; i++) n *= shape[i];
        return mxc_axpy(s->dx, s->dy, n, 1.0f);
    }
    default:
        return MXC_ERR_VALUE;
    }
}
