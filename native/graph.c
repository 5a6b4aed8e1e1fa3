/* graph.c: a compiled network's forward and backward (see graph.h).
 *
 * What this is: a driver. It calls each step's adapter from the operator table
 * (optable.c) in order, after zeroing the gradients as the Python executor
 * does. What it is not: a second implementation of any op. */
#include "mxc.h"
#include <string.h>

int mxc_step_check(const mxc_step *s, int64_t inputs, int64_t outputs, int64_t aux,
                   int64_t state) {
    if (!s) return MXC_ERR_NULL_PTR;
    if (s->n_inputs < inputs || s->n_outputs < outputs || s->n_aux < aux || s->n_state < state)
        return MXC_ERR_SHAPE;
    if ((s->n_inputs > 0 && (!s->inputs || !s->in_grads)) ||
        (s->n_outputs > 0 && (!s->outputs || !s->out_grads)) ||
        (s->n_aux > 0 && !s->aux) || (s->n_state > 0 && !s->state))
        return MXC_ERR_NULL_PTR;
    return MXC_OK;
}

int mxc_step_forward(const mxc_step *s, int is_train) {
    if (!s) return MXC_ERR_NULL_PTR;
    const mxc_op_info *op = mxc_op_info_of(s->op);
    if (!op || !op->forward) return MXC_ERR_VALUE;
    return op->forward(s, is_train);
}

int mxc_step_backward(const mxc_step *s, int is_train) {
    if (!s) return MXC_ERR_NULL_PTR;
    const mxc_op_info *op = mxc_op_info_of(s->op);
    if (!op || !op->forward) return MXC_ERR_VALUE;
    if (!op->backward) return MXC_OK; /* not differentiable: nothing flows back */
    return op->backward(s, is_train);
}

int mxc_graph_forward(const mxc_graph *g, int is_train, int64_t *failed) {
    if (!g || !failed || (g->n_steps > 0 && !g->steps)) return MXC_ERR_NULL_PTR;
    for (int64_t i = 0; i < g->n_steps; i++) {
        int rc = mxc_step_forward(&g->steps[i], is_train);
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
        int rc = mxc_step_backward(&g->steps[i], is_train);
        if (rc != MXC_OK) {
            *failed = i;
            return rc;
        }
    }
    *failed = -1;
    return MXC_OK;
}
