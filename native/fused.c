/* fused.c: the fused training path (see fused.h): a compiled graph's forward and
 * backward, optimizer updates, built-in metrics and whole runs of batches.
 *
 * What this is: a driver. Every number it produces comes from the op and
 * optimizer functions of the other modules, called with the arguments the
 * Python kernels would pass, or from the metric code below (accuracy as numpy
 * computes it, the regression metrics as MXNet's float32 NDArray operators
 * do). What it is not: a second
 * implementation of any op, and it allocates nothing. */
#include "mxc.h"
#include "simd.h"
#include <math.h>
#include <string.h>

// --- graph ---------------------------------------------------------------------

/* Dropout draws a mask only in training (or mode "always") and when p > 0;
 * otherwise it copies, and its backward passes the gradient straight through. */
static int dropout_applied(const mxc_step *s, int is_train) {
    return (is_train || s->flag) && s->fparam[0] > 0.0f;
}

static int step_forward(const mxc_step *s, int is_train) {
    switch (s->op) {
    case MXC_STEP_DENSE:
        return mxc_dense_forward(s->y, s->x, s->w, s->b, s->dim[0], s->dim[1], s->dim[2]);
    case MXC_STEP_ACTIVATION:
        return mxc_activation_forward(s->y, s->x, s->dim[0], s->kind);
    case MXC_STEP_REGRESSION:
        return mxc_regression_output_forward(s->y, s->x, s->dim[0], s->dim[1], s->kind);
    case MXC_STEP_SOFTMAX:
    case MXC_STEP_SOFTMAX_PROB:
        return mxc_softmax_output_forward(s->y, s->x, s->dim[0], s->dim[1], s->dim[2]);
    case MXC_STEP_COPY:
        if (!s->y || !s->x) return MXC_ERR_NULL_PTR;
        if (s->dim[0] < 1) return MXC_ERR_SHAPE;
        memcpy(s->y, s->x, (size_t)s->dim[0] * sizeof(float));
        return MXC_OK;
    case MXC_STEP_DROPOUT:
        if (dropout_applied(s, is_train))
            return mxc_dropout_forward(s->y, s->aux, s->x, s->dim[0], s->fparam[0], s->rng);
        if (!s->y || !s->x) return MXC_ERR_NULL_PTR;
        memcpy(s->y, s->x, (size_t)s->dim[0] * sizeof(float));
        return MXC_OK;
    default:
        return MXC_ERR_VALUE;
    }
}

/* As the Python kernels: a loss or activation with no input gradient does nothing;
 * a dense layer always calls its backward (which rejects a NULL dy). */
static int step_backward(const mxc_step *s, int is_train) {
    switch (s->op) {
    case MXC_STEP_DENSE:
        return mxc_dense_backward(s->dx, s->dw, s->db, s->dy, s->x, s->w, s->dim[0], s->dim[1],
                                  s->dim[2]);
    case MXC_STEP_ACTIVATION:
        if (!s->dx) return MXC_OK;
        return mxc_activation_backward(s->dx, s->dy, s->x, s->y, s->dim[0], s->kind);
    case MXC_STEP_REGRESSION:
        if (!s->dx) return MXC_OK;
        return mxc_regression_output_backward(s->dx, s->y, s->label, s->dim[0], s->dim[1],
                                              s->kind, s->fparam[0]);
    case MXC_STEP_SOFTMAX:
        if (!s->dx) return MXC_OK;
        return mxc_softmax_output_backward(s->dx, s->y, s->label, s->dim[0], s->dim[1],
                                           s->dim[2], s->dim[3], s->fparam[0], s->flag,
                                           s->fparam[1], s->kind, s->fparam[2]);
    case MXC_STEP_SOFTMAX_PROB:
        if (!s->dx) return MXC_OK;
        return mxc_softmax_output_backward_prob(s->dx, s->y, s->label, s->dim[3], s->fparam[0]);
    case MXC_STEP_COPY:
        if (!s->dx) return MXC_OK;
        return mxc_axpy(s->dx, s->dy, s->dim[0], 1.0f);
    case MXC_STEP_DROPOUT:
        if (!s->dx) return MXC_OK;
        if (dropout_applied(s, is_train)) return mxc_dropout_backward(s->dx, s->dy, s->aux, s->dim[0]);
        return mxc_axpy(s->dx, s->dy, s->dim[0], 1.0f);
    default:
        return MXC_ERR_VALUE;
    }
}

int mxc_graph_forward(const mxc_graph *g, int is_train, int64_t *failed) {
    if (!g || !failed || (g->n_steps > 0 && !g->steps)) return MXC_ERR_NULL_PTR;
    for (int64_t i = 0; i < g->n_steps; i++) {
        int rc = step_forward(&g->steps[i], is_train);
        if (rc != MXC_OK) {
            *failed = i;
            return rc;
        }
    }
    *failed = -1;
    return MXC_OK;
}

int mxc_graph_backward(const mxc_graph *g, int is_train, int64_t *failed) {
    if (!g || !failed || (g->n_steps > 0 && !g->steps)) return MXC_ERR_NULL_PTR;
    if ((g->n_zero > 0 && (!g->zero || !g->zero_n)) || (g->n_ones > 0 && (!g->ones || !g->ones_n)))
        return MXC_ERR_NULL_PTR;
    for (int64_t i = 0; i < g->n_zero; i++) memset(g->zero[i], 0, (size_t)g->zero_n[i] * sizeof(float));
    for (int64_t i = 0; i < g->n_ones; i++)
        for (int64_t j = 0; j < g->ones_n[i]; j++) g->ones[i][j] = 1.0f;
    for (int64_t i = g->n_steps - 1; i >= 0; i--) {
        int rc = step_backward(&g->steps[i], is_train);
        if (rc != MXC_OK) {
            *failed = i;
            return rc;
        }
    }
    *failed = -1;
    return MXC_OK;
}

// --- optimizer updates -----------------------------------------------------------

int mxc_update_apply(const mxc_update *u) {
    if (!u) return MXC_ERR_NULL_PTR;
    const float *h = u->hp;
    float *const *s = u->s;
    switch (u->kind) {
    case MXC_OPT_SGD:
        return mxc_sgd_update(u->w, u->g, u->n, h[0], h[1], h[2], h[3]);
    case MXC_OPT_SGD_MOM:
        return mxc_sgd_mom_update(u->w, s[0], u->g, u->n, h[0], h[1], h[2], h[3], h[4]);
    case MXC_OPT_NAG:
        return mxc_nag_update(u->w, s[0], u->g, u->n, h[0], h[1], h[2], h[3], h[4]);
    case MXC_OPT_ADAM:
        return mxc_adam_update(u->w, s[0], s[1], u->g, u->n, h[0], h[1], h[2], h[3], h[4], h[5],
                               h[6]);
    case MXC_OPT_RMSPROP:
        return mxc_rmsprop_update(u->w, s[0], u->g, u->n, h[0], h[1], h[2], h[3], h[4], h[5]);
    case MXC_OPT_RMSPROPALEX:
        return mxc_rmspropalex_update(u->w, s[0], s[1], s[2], u->g, u->n, h[0], h[1], h[2], h[3],
                                      h[4], h[5], h[6]);
    case MXC_OPT_ADAGRAD:
        return mxc_adagrad_update(u->w, s[0], u->g, u->n, h[0], h[1], h[2], h[3], h[4]);
    case MXC_OPT_ADADELTA:
        return mxc_adadelta_update(u->w, s[0], s[1], u->g, u->n, h[0], h[1], h[2], h[3], h[4]);
    default:
        return MXC_ERR_VALUE;
    }
}

// --- metrics ---------------------------------------------------------------------

/* MXNet R's regression metrics as its NDArray operators compute them, in float32:
 * d = label - pred, then mean(d * d) (MSE, RMSE) or mean(|d|) (MAE) with MXNet's sum
 * reducer, which compensates each addition (Kahan) and drops the compensation once the
 * sum is infinite, and divides by the count in float32. */
static float regression_mean(const float *label, const float *pred, int64_t n, int kind) {
    float sum = 0.0f, residual = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        float d = label[i] - pred[i];
        float y = (kind == MXC_METRIC_MAE ? fabsf(d) : d * d) - residual;
        float t = sum + y;
        residual = isinf(t) ? 0.0f : (t - sum) - y;
        sum = t;
    }
    return sum / (float)n;
}

/* np.argmax of one row: the first maximum; a NaN counts as the maximum and the first
 * one wins (numpy's rule: take x when !(x <= best), stop at a NaN). */
static int64_t argmax_row(const float *x, int64_t c) {
    float best = x[0];
    int64_t at = 0;
    if (isnan(best)) return 0;
    for (int64_t j = 1; j < c; j++) {
        if (!(x[j] <= best)) {
            best = x[j];
            at = j;
            if (isnan(best)) break;
        }
    }
    return at;
}

int mxc_metric_value(double *value, const float *pred, const float *label, int64_t n, int64_t c,
                     int kind) {
    if (!value || !pred || !label) return MXC_ERR_NULL_PTR;
    if (n < 1 || c < 1) return MXC_ERR_SHAPE;
    double v;
    switch (kind) {
    case MXC_METRIC_ACCURACY: {
        int64_t hits = 0;
        for (int64_t i = 0; i < n; i++) hits += (double)label[i] == (double)argmax_row(pred + i * c, c);
        v = (double)hits / (double)n;
        break;
    }
    case MXC_METRIC_MSE:
    case MXC_METRIC_RMSE:
    case MXC_METRIC_MAE: {
        float mean = regression_mean(label, pred, n * c, kind);
        v = kind == MXC_METRIC_RMSE ? sqrtf(mean) : mean;
        break;
    }
    default:
        return MXC_ERR_VALUE;
    }
    *value = (double)(float)v;
    return MXC_OK;
}

MXC_HOT int mxc_all_finite(const float *x, int64_t n) {
    if (!x) return n <= 0;
    /* A float is Inf or NaN when its exponent bits are all ones. An OR over the whole
     * array, with no early exit, vectorises. */
    uint32_t bad = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        bad |= (bits & 0x7f800000u) == 0x7f800000u;
    }
    return bad == 0;
}

MXC_HOT int mxc_all_finite_as_f32(const double *x, int64_t n) {
    if (!x) return n <= 0;
    /* Round to nearest rounds |x| >= 2^128 - 2^103 (FLT_MAX plus half its ulp) to Inf;
     * the comparison is false for NaN too. */
    const double limit = 0x1.ffffffp+127;
    int bad = 0;
    for (int64_t i = 0; i < n; i++) bad |= !(fabs(x[i]) < limit);
    return bad == 0;
}

// --- batches -----------------------------------------------------------------------

static void copy_row(float *dst, const mxc_source *s, int64_t row) {
    if (s->is_double) {
        const double *src = (const double *)s->data + row * s->row_stride;
        if (s->col_stride == 1)
            for (int64_t j = 0; j < s->width; j++) dst[j] = (float)src[j];
        else
            for (int64_t j = 0; j < s->width; j++) dst[j] = (float)src[j * s->col_stride];
    } else {
        const float *src = (const float *)s->data + row * s->row_stride;
        if (s->col_stride == 1)
            memcpy(dst, src, (size_t)s->width * sizeof(float));
        else
            for (int64_t j = 0; j < s->width; j++) dst[j] = src[j * s->col_stride];
    }
}

/* Rows lo..hi of batch b into dst. Rows past the batch's samples keep what dst
 * holds (the previous batch of this run), or, for the run's first batch, take
 * the iterator's buffer rows, as the slow path's per-batch copies would. */
static void load_rows(float *dst, const mxc_source *s, const float *pad, const mxc_batches *src,
                      int64_t b, int64_t lo, int64_t hi, int first_of_run) {
    int64_t start = b * src->batch_size;
    int64_t len = src->num_data - start < src->batch_size ? src->num_data - start : src->batch_size;
    for (int64_t r = lo; r < hi; r++) {
        float *row = dst + (r - lo) * s->width;
        if (r < len)
            copy_row(row, s, src->order[start + r]);
        else if (first_of_run)
            memcpy(row, pad + r * s->width, (size_t)s->width * sizeof(float));
    }
}

int mxc_batches_gather(const mxc_batches *src, int64_t b, float *data_out, float *label_out) {
    if (!src || !data_out || !label_out || !src->data.data || !src->label.data || !src->order)
        return MXC_ERR_NULL_PTR;
    if (src->batch_size < 1 || src->num_data < 1 || b < 0 ||
        b * src->batch_size >= src->num_data)
        return MXC_ERR_SHAPE;
    load_rows(data_out, &src->data, NULL, src, b, 0, src->batch_size, 0);
    load_rows(label_out, &src->label, NULL, src, b, 0, src->batch_size, 0);
    return MXC_OK;
}

/* The slow path's allreduce: total = g0; total += g1; ...; every device gets total. */
static void sum_gradients(const mxc_plan *p) {
    int64_t nd = p->n_dev;
    for (int64_t k = 0; k < p->n_params; k++) {
        float **g = p->grads + k * nd;
        for (int64_t i = 0; i < p->param_n[k]; i++) {
            float t = g[0][i];
            for (int64_t d = 1; d < nd; d++) t += g[d][i];
            for (int64_t d = 0; d < nd; d++) g[d][i] = t;
        }
    }
}

static int plan_ok(const mxc_plan *p, const mxc_batches *src, int metric) {
    if (!p->graphs || !p->data || !p->lo || !p->hi) return 0;
    if (!src->data.data || !src->order || !src->pad_data) return 0;
    if (p->label && (!src->label.data || !src->pad_label)) return 0;
    if (metric != MXC_METRIC_NONE && (!p->pred || !p->label)) return 0;
    if (p->n_dev > 1 && p->n_params > 0 && (!p->grads || !p->param_n)) return 0;
    if (p->n_updates > 0 && !p->updates) return 0;
    if (p->n_finite > 0 && (!p->finite || !p->finite_n)) return 0;
    return 1;
}

static int batch_finite(const mxc_plan *p) {
    for (int64_t i = 0; i < p->n_finite; i++)
        if (!mxc_all_finite(p->finite[i], p->finite_n[i])) return 0;
    return 1;
}

int mxc_plan_all_finite(const mxc_plan *p) {
    if (!p || (p->n_finite > 0 && (!p->finite || !p->finite_n))) return 0;
    return batch_finite(p);
}

static int add_metric(const mxc_plan *p, int metric, double *state, int64_t *info) {
    for (int64_t d = 0; d < p->n_dev; d++) {
        double v;
        int rc = mxc_metric_value(&v, p->pred[d], p->label[d], p->hi[d] - p->lo[d],
                                  p->pred_width, metric);
        if (rc != MXC_OK) {
            if (info) {
                info[MXC_RUN_FAILED_PHASE] = MXC_PHASE_METRIC;
                info[MXC_RUN_FAILED_AT] = d;
            }
            return rc;
        }
        state[0] += 1.0;
        state[1] += v;
    }
    return MXC_OK;
}

int mxc_plan_metric(const mxc_plan *p, int metric, double *state) {
    if (!p || !state || !p->pred || !p->label || !p->lo || !p->hi) return MXC_ERR_NULL_PTR;
    return add_metric(p, metric, state, NULL);
}

static int fail(int64_t *info, int rc, int64_t phase, int64_t at) {
    info[MXC_RUN_FAILED_PHASE] = phase;
    info[MXC_RUN_FAILED_AT] = at;
    return rc;
}

/* Forward (and backward) per device in device order, as the slow path draws its
 * random numbers; then the gradient sum and the updates. */
static int run_step(const mxc_plan *p, int train, int64_t *info) {
    int64_t at;
    int rc;
    for (int64_t d = 0; d < p->n_dev; d++) {
        if ((rc = mxc_graph_forward(&p->graphs[d], train, &at)) != MXC_OK)
            return fail(info, rc, MXC_PHASE_FORWARD, at);
        if (train && (rc = mxc_graph_backward(&p->graphs[d], 1, &at)) != MXC_OK)
            return fail(info, rc, MXC_PHASE_BACKWARD, at);
    }
    if (train) {
        if (p->n_dev > 1) sum_gradients(p);
        for (int64_t u = 0; u < p->n_updates; u++)
            if ((rc = mxc_update_apply(&p->updates[u])) != MXC_OK)
                return fail(info, rc, MXC_PHASE_UPDATE, u);
    }
    return MXC_OK;
}

int mxc_plan_step(const mxc_plan *p, int train, int64_t *info) {
    if (!p || !info) return MXC_ERR_NULL_PTR;
    for (int i = 0; i < MXC_RUN_INFO; i++) info[i] = 0;
    if (!p->graphs || (p->n_dev > 1 && p->n_params > 0 && (!p->grads || !p->param_n)) ||
        (p->n_updates > 0 && !p->updates))
        return MXC_ERR_NULL_PTR;
    if (p->n_dev < 1) return MXC_ERR_SHAPE;
    int rc = run_step(p, train, info);
    if (rc == MXC_OK) info[MXC_RUN_DONE] = 1;
    return rc;
}

int mxc_plan_run(const mxc_plan *p, const mxc_batches *src, int64_t first, int64_t count,
                 int train, int metric, double *state, int check_finite, int64_t *info) {
    if (!p || !src || !info || (metric != MXC_METRIC_NONE && !state)) return MXC_ERR_NULL_PTR;
    for (int i = 0; i < MXC_RUN_INFO; i++) info[i] = 0;
    if (!plan_ok(p, src, metric)) return MXC_ERR_NULL_PTR;
    if (p->n_dev < 1 || src->batch_size < 1 || src->num_data < 1 || first < 0 || count < 0)
        return MXC_ERR_SHAPE;
    if (metric < MXC_METRIC_NONE || metric > MXC_METRIC_MAE) return MXC_ERR_VALUE;
    int64_t n_batches = (src->num_data + src->batch_size - 1) / src->batch_size;
    int64_t last = first + count < n_batches ? first + count : n_batches;
    for (int64_t b = first; b < last; b++) {
        int rc;
        for (int64_t d = 0; d < p->n_dev; d++) {
            load_rows(p->data[d], &src->data, src->pad_data, src, b, p->lo[d], p->hi[d], b == first);
            if (p->label)
                load_rows(p->label[d], &src->label, src->pad_label, src, b, p->lo[d], p->hi[d],
                          b == first);
        }
        if ((rc = run_step(p, train, info)) != MXC_OK) return rc;
        if (metric != MXC_METRIC_NONE && (rc = add_metric(p, metric, state, info)) != MXC_OK)
            return rc;
        info[MXC_RUN_DONE]++;
        if (check_finite && !batch_finite(p)) {
            info[MXC_RUN_NONFINITE] = 1;
            break;
        }
    }
    return MXC_OK;
}
