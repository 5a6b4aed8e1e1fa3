/* dropout.h: inverted dropout. */

/* mask[i] = (u <= 1 - p) / (1 - p) with u ~ U[0,1) from rng (MXNet's CPU Dropout, one
 * uniform per element in memory order); out = inp * mask.
 * 0 <= p < 1 (p == 0 gives mask 1 and draws nothing). */
int mxc_dropout_forward(float *out, float *mask, const float *inp, int64_t n, float p, mxc_rng *rng);

/* Accumulates dinp += dout * mask. */
int mxc_dropout_backward(float *dinp, const float *dout, const float *mask, int64_t n);

/* The fused step (graph.h): input data, one output, state {mask}, the step's rng.
 * The mask is drawn only when training (or always) and p > 0; otherwise the
 * step copies, and its backward passes the gradient straight through. */
typedef struct {
    int64_t n;
    float p;
    int always; /* MXNet's mode = "always" */
} mxc_dropout_param;

int mxc_dropout_step_forward(const mxc_step *s, int is_train);
int mxc_dropout_step_backward(const mxc_step *s, int is_train);
