/* output.c: the loss (output) layers, LinearRegressionOutput,
 * LogisticRegressionOutput, MAERegressionOutput and SoftmaxOutput (see output.h).
 *
 * Their backward is the gradient of the loss the layer stands for, so it
 * reads the label and the forward output and ignores any head gradient
 * (MXNet's out_grad = false). The exact scaling rules are written out in
 * output.h. Not here: label shape inference, which is the caller's. */
#include "mxc.h"
#include <math.h>

// --- regression outputs --------------------------------------------------------

/* 1/(1+e^-x) written so that exp() never overflows (e = e^-|x| <= 1). */
static float sigmoid(float x) {
    float e = expf(-fabsf(x));
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

int mxc_regression_output_forward(float *out, const float *inp, int64_t n, int64_t d, int kind) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1 || d < 1) return MXC_ERR_SHAPE;
    if (kind < MXC_REG_LINEAR || kind > MXC_REG_MAE) return MXC_ERR_VALUE;
    int64_t size = n * d;
    if (kind == MXC_REG_LOGISTIC)
        for (int64_t i = 0; i < size; i++) out[i] = sigmoid(inp[i]);
    else
        for (int64_t i = 0; i < size; i++) out[i] = inp[i];
    return MXC_OK;
}

/* The gradient is divided by d, the outputs per sample, and never by n: the
 * trainer's rescale_grad = 1/batch does the averaging. MAE maps a zero
 * residual to -1, as MXNet does. */
int mxc_regression_output_backward(float *dinp, const float *out, const float *label,
                                   int64_t n, int64_t d, int kind, float grad_scale) {
    if (!dinp || !out || !label) return MXC_ERR_NULL_PTR;
    if (n < 1 || d < 1) return MXC_ERR_SHAPE;
    if (kind < MXC_REG_LINEAR || kind > MXC_REG_MAE) return MXC_ERR_VALUE;
    int64_t size = n * d;
    float scale = grad_scale / (float)d;
    if (kind == MXC_REG_MAE)
        for (int64_t i = 0; i < size; i++) dinp[i] += (out[i] - label[i] > 0.0f ? scale : -scale);
    else
        for (int64_t i = 0; i < size; i++) dinp[i] += (out[i] - label[i]) * scale;
    return MXC_OK;
}

// --- softmax output: forward ----------------------------------------------------

/* Softmax of the c values x[0], x[stride], ..., x[(c-1)*stride]. Subtracting
 * the max keeps exp() in (0, 1]. Works in place (out == x). */
static void softmax_strided(float *out, const float *x, int64_t c, int64_t stride) {
    float mx = x[0];
    for (int64_t j = 1; j < c; j++) mx = fmaxf(mx, x[j * stride]);
    float sum = 0.0f;
    for (int64_t j = 0; j < c; j++) {
        out[j * stride] = expf(x[j * stride] - mx);
        sum += out[j * stride];
    }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j < c; j++) out[j * stride] *= inv;
}

int mxc_softmax_output_forward(float *out, const float *inp, int64_t outer, int64_t c, int64_t inner) {
    if (!out || !inp) return MXC_ERR_NULL_PTR;
    if (outer < 1 || c < 1 || inner < 1) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            int64_t at = o * c * inner + i;
            softmax_strided(out + at, inp + at, c, inner);
        }
    return MXC_OK;
}

// --- softmax output: backward, class-index labels --------------------------------

/* MXNet truncates labels to int and compares them to the truncated ignore_label.
 * Comparing truncated floats gives the same answer without an undefined
 * float-to-int conversion for huge or NaN labels. */
static int is_ignored(float label, float ignore_label) { return truncf(label) == truncf(ignore_label); }

/* A label is usable when it truncates into [0, c) (this also rejects NaN). */
static int label_in_range(float label, int64_t c) { return label > -1.0f && label < (float)c; }

/* Checks every label before anything is written, so an error leaves dinp
 * untouched, and counts the labels != ignore_label (for "valid"; MXNet counts
 * them whether or not use_ignore is set). Returns MXC_OK or MXC_ERR_VALUE. */
static int check_labels(int64_t *n_valid, const float *label, int64_t count, int64_t c,
                        int use_ignore, float ignore_label) {
    int64_t valid = 0;
    for (int64_t k = 0; k < count; k++) {
        int ignored = is_ignored(label[k], ignore_label);
        if (!(use_ignore && ignored) && !label_in_range(label[k], c)) return MXC_ERR_VALUE;
        valid += !ignored;
    }
    *n_valid = valid;
    return MXC_OK;
}

static float softmax_grad_scale(int normalization, float grad_scale, int64_t inner,
                                int64_t batch, int64_t n_valid) {
    switch (normalization) {
    case MXC_NORM_BATCH: return grad_scale / ((float)batch * (float)inner);
    case MXC_NORM_VALID: return grad_scale / (float)(n_valid > 1 ? n_valid : 1);
    default: return grad_scale / (float)inner; /* MXC_NORM_NULL */
    }
}

/* d[j*stride] += (p[j*stride] - target_j) * scale over the c classes, where the
 * target is `on` for class k and `off` for the others (label smoothing). */
static void add_row_grad(float *d, const float *p, int64_t c, int64_t stride, int64_t k,
                         float on, float off, float scale) {
    for (int64_t j = 0; j < c; j++) d[j * stride] += (p[j * stride] - (j == k ? on : off)) * scale;
}

int mxc_softmax_output_backward(float *dinp, const float *out, const float *label,
                                int64_t outer, int64_t c, int64_t inner, int64_t batch,
                                float grad_scale, int use_ignore, float ignore_label,
                                int normalization, float smooth_alpha) {
    if (!dinp || !out || !label) return MXC_ERR_NULL_PTR;
    if (outer < 1 || c < 1 || inner < 1 || batch < 1) return MXC_ERR_SHAPE;
    if (normalization < MXC_NORM_NULL || normalization > MXC_NORM_VALID) return MXC_ERR_VALUE;
    int64_t n_valid;
    int rc = check_labels(&n_valid, label, outer * inner, c, use_ignore, ignore_label);
    if (rc != MXC_OK) return rc;
    float scale = softmax_grad_scale(normalization, grad_scale, inner, batch, n_valid);
    /* Smoothing: the true class aims at 1 - a, the c - 1 others share a. */
    float on = 1.0f - smooth_alpha;
    float off = c > 1 ? smooth_alpha / (float)(c - 1) : 0.0f;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            float l = label[o * inner + i];
            if (use_ignore && is_ignored(l, ignore_label)) continue; /* gradient 0 */
            int64_t at = o * c * inner + i;
            add_row_grad(dinp + at, out + at, c, inner, (int64_t)l, on, off, scale);
        }
    return MXC_OK;
}

// --- softmax output: backward, probability labels --------------------------------

int mxc_softmax_output_backward_prob(float *dinp, const float *out, const float *label,
                                     int64_t n, float grad_scale) {
    if (!dinp || !out || !label) return MXC_ERR_NULL_PTR;
    if (n < 1) return MXC_ERR_SHAPE;
    for (int64_t i = 0; i < n; i++) dinp[i] += (out[i] - label[i]) * grad_scale;
    return MXC_OK;
}

// --- fused steps (ops.def) ------------------------------------------------------

enum { DATA = 0, LABEL = 1 }; /* inputs */

int mxc_regression_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_regression_param *p = &s->param.regression;
    return mxc_regression_output_forward(s->outputs[0], s->inputs[DATA], p->n, p->d, p->kind);
}

int mxc_regression_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[DATA]) return MXC_OK;
    const mxc_regression_param *p = &s->param.regression;
    return mxc_regression_output_backward(s->in_grads[DATA], s->outputs[0], s->inputs[LABEL],
                                          p->n, p->d, p->kind, p->grad_scale);
}

int mxc_softmax_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_softmax_param *p = &s->param.softmax;
    return mxc_softmax_output_forward(s->outputs[0], s->inputs[DATA], p->outer, p->c, p->inner);
}

int mxc_softmax_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 2, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[DATA]) return MXC_OK;
    const mxc_softmax_param *p = &s->param.softmax;
    if (p->prob_label)
        return mxc_softmax_output_backward_prob(s->in_grads[DATA], s->outputs[0],
                                                s->inputs[LABEL], p->size, p->grad_scale);
    return mxc_softmax_output_backward(s->in_grads[DATA], s->outputs[0], s->inputs[LABEL],
                                       p->outer, p->c, p->inner, p->batch, p->grad_scale,
                                       p->use_ignore, p->ignore_label, p->normalization,
                                       p->smooth_alpha);
}

// --- MakeLoss -------------------------------------------------------------------

int mxc_make_loss_backward(float *dinp, const float *inp, int64_t n, int64_t batch,
                           double grad_scale, int normalization, float valid_thresh) {
    if (!dinp || !inp) return MXC_ERR_NULL_PTR;
    if (n < 1 || batch < 1) return MXC_ERR_SHAPE;
    double scale = grad_scale;
    if (normalization == MXC_NORM_BATCH) {
        scale /= (double)batch;
    } else if (normalization == MXC_NORM_VALID) {
        int64_t valid = 0;
        for (int64_t i = 0; i < n; i++) valid += inp[i] > valid_thresh;
        scale /= (double)(valid > 1 ? valid : 1);
    } else if (normalization != MXC_NORM_NULL) {
        return MXC_ERR_VALUE;
    }
    return mxc_binary_scalar_forward(dinp, dinp, n, (float)scale, MXC_BINARY_ADD, 0);
}

int mxc_make_loss_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    return mxc_unary_forward(s->outputs[0], s->inputs[0], s->param.make_loss.n, MXC_UNARY_COPY);
}

int mxc_make_loss_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    if (!s->in_grads[0]) return MXC_OK;
    const mxc_make_loss_param *p = &s->param.make_loss;
    return mxc_make_loss_backward(s->in_grads[0], s->inputs[0], p->n, p->batch, p->grad_scale,
                                  p->normalization, p->valid_thresh);
}

