/* window.h: the fused steps (graph.h) of Convolution, Deconvolution and Pooling, the
 * operators whose parameters are the step's `window` block (mxc_window_param).
 *
 * Buffers: Convolution and Deconvolution read inputs {data, weight[, bias]} (no_bias: two)
 * and one output, state {work}; Pooling reads {data}, one output. The window holds the
 * extents of the operator's own data and output (a Deconvolution's out_size is its output;
 * pad and adj as it uses them, after target_shape); each step turns it into the kernels'
 * mxc_conv2d or mxc_pool2d and makes the Python kernel's call. */

int mxc_conv_step_forward(const mxc_step *s, int is_train);
int mxc_conv_step_backward(const mxc_step *s, int is_train);
int mxc_deconv_step_forward(const mxc_step *s, int is_train);
int mxc_deconv_step_backward(const mxc_step *s, int is_train);
int mxc_pool_step_forward(const mxc_step *s, int is_train);
int mxc_pool_step_backward(const mxc_step *s, int is_train);
