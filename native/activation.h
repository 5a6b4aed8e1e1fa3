/* activation.h: elementwise Activation. */
enum {
    MXC_ACT_RELU = 0,     /* max(0, x) */
    MXC_ACT_SIGMOID = 1,  /* 1 / (1 + exp(-x)) */
    MXC_ACT_TANH = 2,     /* tanh(x) */
    MXC_ACT_SOFTRELU = 3, /* log(1 + exp(x)) */
    MXC_ACT_SOFTSIGN = 4  /* x / (1 + |x|) */
};

/* out[i] = act(inp[i]) for i < n. */
int mxc_activation_forward(float *out, const float *inp, int64_t n, int act_type);

/* Accumulates dinp[i] += dout[i] * act'(x). Both inp and out are given so each
 * activation can use whichever is cheaper and exact. */
int mxc_activation_backward(float *dinp, const float *dout, const float *inp, const float *out,
                            int64_t n, int act_type);

/* The fused step (graph.h): input data, one output. */
typedef struct {
    int64_t n;
    int act_type; /* MXC_ACT_* */
} mxc_activation_param;

int mxc_activation_step_forward(const mxc_step *s, int is_train);
int mxc_activation_step_backward(const mxc_step *s, int is_train);
