/* softmax_act.h: SoftmaxActivation, a softmax that is not a loss layer.
 *
 * Data viewed as (outer, c, inner), the softmax taken over c: MXNet's mode
 * "instance" is (n, prod(rest), 1), mode "channel" is (n, channels, prod(spatial)). */

/* out = softmax over c (max subtracted), as mxc_softmax_output_forward. */
int mxc_softmax_act_forward(float *out, const float *inp, int64_t outer, int64_t c,
                            int64_t inner);

/* Accumulates dinp += out * (dout - sum_c(dout * out)) along c. */
int mxc_softmax_act_backward(float *dinp, const float *dout, const float *out, int64_t outer,
                             int64_t c, int64_t inner);

/* The fused step (graph.h): input data, one output. */
typedef struct {
    int64_t outer, c, inner;
} mxc_softmax_act_param;

int mxc_softmax_act_step_forward(const mxc_step *s, int is_train);
int mxc_softmax_act_step_backward(const mxc_step *s, int is_train);
