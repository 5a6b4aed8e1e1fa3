/* reshape.h: operators that only move data, keeping the values' row-major
 * order: Flatten, Reshape, expand_dims, Cast (float32 to float32) and the
 * forward of BlockGrad. */

/* out[i] = inp[i] for i < n. */
int mxc_reshape_forward(float *out, const float *inp, int64_t n);

/* Accumulates dinp[i] += dout[i]. */
int mxc_reshape_backward(float *dinp, const float *dout, int64_t n);

/* The fused step (graph.h) and the parameter block of the shape family: n
 * values, plus room for what Reshape, SliceChannel, transpose, expand_dims and
 * the reductions need (shapes and axes of up to MXC_MAX_NDIM axes). Flatten
 * reads n only. */
typedef struct {
    int64_t n;
    int ndim, out_ndim;
    int64_t shape[MXC_MAX_NDIM];     /* input shape */
    int64_t out_shape[MXC_MAX_NDIM]; /* output shape */
    int n_axes;
    int64_t axes[MXC_MAX_NDIM];      /* transpose order, reduced or inserted axes */
    int64_t begin[MXC_MAX_NDIM];     /* slices: first index per axis */
    int64_t end[MXC_MAX_NDIM];       /* slices: one past the last index per axis */
    int64_t num_outputs;             /* SliceChannel */
    int keepdims, squeeze_axis, exclude;
    int kind;                        /* reductions: MXC_REDUCE_* */
    int reduced[MXC_MAX_NDIM];       /* reductions: 1 marks a reduced axis of shape */
} mxc_reshape_param;

int mxc_reshape_step_forward(const mxc_step *s, int is_train);
int mxc_reshape_step_backward(const mxc_step *s, int is_train);
