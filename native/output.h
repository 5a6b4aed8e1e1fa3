/* output.h: loss (output) layers. Their backward ignores any head gradient. */
enum { MXC_REG_LINEAR = 0, MXC_REG_LOGISTIC = 1, MXC_REG_MAE = 2 };
enum { MXC_NORM_NULL = 0, MXC_NORM_BATCH = 1, MXC_NORM_VALID = 2 };

/* Linear and MAE: out = inp. Logistic: out = 1 / (1 + exp(-inp)). inp is (n, d). */
int mxc_regression_output_forward(float *out, const float *inp, int64_t n, int64_t d, int kind);

/* Accumulates dinp (n, d) += g * grad_scale / d, label holds n*d values, with
 * g = out - label (linear, logistic) or g = (out - label > 0 ? 1 : -1) (MAE).
 * Not divided by the batch size n. */
int mxc_regression_output_backward(float *dinp, const float *out, const float *label,
                                   int64_t n, int64_t d, int kind, float grad_scale);

/* Softmax over axis c of data viewed as (outer, c, inner):
 * out[o, j, i] = exp(x[o, j, i] - max_j) / sum_j(...). */
int mxc_softmax_output_forward(float *out, const float *inp, int64_t outer, int64_t c, int64_t inner);

/* Class-index labels: label has outer*inner values (truncated to int).
 * Accumulates dinp[o, j, i] += (p - 1[j == label] (smoothed by smooth_alpha)) * scale, where
 * rows whose label == ignore_label get 0 when use_ignore, and scale is
 *   MXC_NORM_NULL:  grad_scale / spatial
 *   MXC_NORM_BATCH: grad_scale / (batch * spatial)
 *   MXC_NORM_VALID: grad_scale / max(1, number of labels != ignore_label)
 * (spatial = inner for multi_output, else 1; batch = the data's first dim, except
 * with preserve_shape, where MXNet flattens the label and divides by all of its
 * values: pass batch = outer there).
 * Labels are counted for "valid" whether or not use_ignore is set (as MXNet).
 * A label outside [0, c) (and not ignored) is MXC_ERR_VALUE; labels are
 * checked before anything is written. */
int mxc_softmax_output_backward(float *dinp, const float *out, const float *label,
                                int64_t outer, int64_t c, int64_t inner, int64_t batch,
                                float grad_scale, int use_ignore, float ignore_label,
                                int normalization, float smooth_alpha);

/* Probability labels of the output's shape: dinp += (out - label) * grad_scale over n values. */
int mxc_softmax_output_backward_prob(float *dinp, const float *out, const float *label,
                                     int64_t n, float grad_scale);

/* The fused steps (graph.h). Inputs data, label; one output; the backward
 * ignores the output gradient, and does nothing when the data needs none. */
typedef struct {
    int64_t n, d;
    int kind; /* MXC_REG_* */
    float grad_scale;
} mxc_regression_param;

/* prob_label: labels of the output's shape (mxc_softmax_output_backward_prob over
 * size values); otherwise class indices (mxc_softmax_output_backward). */
typedef struct {
    int64_t outer, c, inner, batch, size;
    int prob_label, use_ignore, normalization; /* normalization: MXC_NORM_* */
    float grad_scale, ignore_label, smooth_alpha;
} mxc_softmax_param;

int mxc_regression_step_forward(const mxc_step *s, int is_train);
int mxc_regression_step_backward(const mxc_step *s, int is_train);
int mxc_softmax_step_forward(const mxc_step *s, int is_train);
int mxc_softmax_step_backward(const mxc_step *s, int is_train);

/* MakeLoss: its output is its input (unary.h's copy); its backward ignores the head
 * gradient and accumulates dinp[i] += scale over n values, the gradient of
 * grad_scale * sum(out), with scale = grad_scale (MXC_NORM_NULL), grad_scale / batch
 * (MXC_NORM_BATCH) or grad_scale / max(1, number of inp values > valid_thresh)
 * (MXC_NORM_VALID), divided in double and rounded to float once. */
int mxc_make_loss_backward(float *dinp, const float *inp, int64_t n, int64_t batch,
                           double grad_scale, int normalization, float valid_thresh);

typedef struct {
    int64_t n, batch;
    int normalization; /* MXC_NORM_* */
    double grad_scale;
    float valid_thresh;
} mxc_make_loss_param;

/* The fused step (graph.h) of MakeLoss: input data, one output; param.make_loss. */
int mxc_make_loss_step_forward(const mxc_step *s, int is_train);
int mxc_make_loss_step_backward(const mxc_step *s, int is_train);
