/* dropout.h: inverted dropout. */

/* mask[i] = (u <= 1 - p) / (1 - p) with u ~ U[0,1) from rng (MXNet's CPU Dropout, one
 * uniform per element in memory order); out = inp * mask.
 * 0 <= p < 1 (p == 0 gives mask 1 and draws nothing). */
int mxc_dropout_forward(float *out, float *mask, const float *inp, int64_t n, float p, mxc_rng *rng);

/* Accumulates dinp += dout * mask. */
int mxc_dropout_backward(float *dinp, const float *dout, const float *mask, int64_t n);

/* MXNet's `axes`: one mask value shared along the given axes. Data has ndim
 * extents shape[]; mask has mask_shape[], which is shape[] with 1 on the
 * shared axes, and is drawn exactly as mxc_dropout_forward draws a mask of
 * prod(mask_shape) values; out = inp * mask broadcast. */
int mxc_dropout_shared_forward(float *out, float *mask, const float *inp, const int64_t *shape,
                               const int64_t *mask_shape, int64_t ndim, float p, mxc_rng *rng);

/* Accumulates dinp += dout * mask broadcast. */
int mxc_dropout_shared_backward(float *dinp, const float *dout, const float *mask,
                                const int64_t *shape, const int64_t *mask_shape, int64_t ndim);

/* The fused step (graph.h): input data, one output, state {mask}, the step's rng.
 * The mask is drawn only when training (or always) and p > 0; otherwise the
 * step copies, and its backward passes the gradient straight through. With
 * `axes` (ndim > 0) the mask is shared: the shared functions above, with the
 * data's shape and the mask's. */
typedef struct {
    int64_t n;
    float p;
    int always; /* MXNet's mode = "always" */
    int ndim;   /* 0: one mask value per data value; else the shapes below */
    int64_t shape[MXC_MAX_NDIM], mask_shape[MXC_MAX_NDIM];
} mxc_dropout_param;

int mxc_dropout_step_forward(const mxc_step *s, int is_train);
int mxc_dropout_step_backward(const mxc_step *s, int is_train);
