/* softmax_act.c: SoftmaxActivation forward and backward (see softmax_act.h).
 * The forward is output.c's softmax; only the backward, which uses the head
 * gradient instead of a label, is new here. */
#include "mxc.h"

int mxc_softmax_act_forward(float *out, const float *inp, int64_t outer, int64_t c,
                            int64_t inner) {
    return mxc_softmax_output_forward(out, inp, outer, c, inner);
}

int mxc_softmax_act_backward(float *dinp, const float *dout, const float *out, int64_t outer,
                             int64_t c, int64_t inner) {
    if (!dinp || !dout || !out) return MXC_ERR_NULL_PTR;
    if (outer < 1 || c < 1 || inner < 1) return MXC_ERR_SHAPE;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            int64_t at = o * c * inner + i;
            float dot = 0.0f;
            for (int64_t j = 0; j < c; j++) dot += dout[at + j * inner] * out[at + j * inner];
            for (int64_t j = 0; j < c; j++) {
                int64_t k = at + j * inner;
                dinp[k] += out[k] * (dout[k] - dot);
            }
        }
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_softmax_act_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK) return rc;
    const mxc_softmax_act_param *p = &s->param.softmax_act;
    return mxc_softmax_act_forward(s->outputs[0], s->inputs[0], p->outer, p->c, p->inner);
}

int mxc_softmax_act_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 0);
    if (rc != MXC_OK || !s->in_grads[0] || !s->out_grads[0]) return rc;
    const mxc_softmax_act_param *p = &s->param.softmax_act;
    return mxc_softmax_act_backward(s->in_grads[0], s->out_grads[0], s->outputs[0], p->outer,
                                    p->c, p->inner);
}
