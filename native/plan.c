/* plan.c: whole batches and runs of batches of the fused path (see plan.h):
 * batch gather, forward and backward on every device, the gradient sum, the
 * updates, the metric and the non-finite guard, in the order of the per-batch
 * loop. It allocates nothing. */
#include "mxc.h"
#include <string.h>

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
    if (metric < MXC_METRIC_NONE || metric > MXC_METRIC_LAST) return MXC_ERR_VALUE;
    int64_t n_batches = (src->num_data + src->batch_size - 1) / src->batch_size;
    int64_t last = first + count < n_batches ? first + count : n_batches;
    for (int64_t b = first; b < last; b++) {
        int rc;
        for (int64_t d = 0; d < p->n_dev; d++) {
            mxc_batches_load(p->data[d], src, 0, b, p->lo[d], p->hi[d], b == first);
            if (p->label) mxc_batches_load(p->label[d], src, 1, b, p->lo[d], p->hi[d], b == first);
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
