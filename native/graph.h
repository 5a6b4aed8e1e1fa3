/* graph.h: a bound network as C steps, run forward and backward in one call
 * (the fused path; docs/ARCHITECTURE.md tells the life of a training batch).
 *
 * The Python executor compiles its kernels once into an mxc_graph: one
 * mxc_step per node, in topological order, holding the very buffers its Python
 * kernel reads and writes. A step's adapter (named in ops.def, written in the
 * operator's .c file) calls the same op function with the same arguments in
 * the same order as the Python kernel, so a fused run is bit-identical to the
 * per-kernel path. Every struct and every buffer they point to belongs to the
 * caller. */

/* Sliding windows: Convolution, Deconvolution and Pooling (window.h). Sizes per
 * spatial axis, the first n_spatial entries used; pool_type is MXC_POOL_* (pool.h). */
typedef struct {
    int n_spatial;                       /* 1, 2 or 3 */
    int64_t batch, in_channels, out_channels, groups;
    int64_t in_size[MXC_MAX_SPATIAL], out_size[MXC_MAX_SPATIAL];
    int64_t kernel[MXC_MAX_SPATIAL], stride[MXC_MAX_SPATIAL], pad[MXC_MAX_SPATIAL];
    int64_t dilate[MXC_MAX_SPATIAL], adj[MXC_MAX_SPATIAL];
    int layout;                          /* channel position: 0 channels first (NCHW) */
    int no_bias;
    int pool_type;                       /* Pooling: max, avg or sum */
    int pool_convention;                 /* Pooling: valid or full */
    int global_pool, count_include_pad;
} mxc_window_param;

/* A step's named parameters: the member of its operator's family. */
typedef union {
    mxc_dense_param dense;           /* FullyConnected */
    mxc_activation_param activation; /* Activation */
    mxc_dropout_param dropout;       /* Dropout */
    mxc_batchnorm_param batchnorm;   /* BatchNorm */
    mxc_concat_param concat;         /* Concat */
    mxc_regression_param regression; /* Linear/Logistic/MAERegressionOutput */
    mxc_softmax_param softmax;       /* SoftmaxOutput */
    mxc_reshape_param reshape;       /* Flatten; the shape family */
    mxc_elemwise_param elemwise;     /* elementwise math */
    mxc_window_param window;         /* Convolution, Deconvolution, Pooling */
    mxc_embedding_param embedding;   /* Embedding */
    mxc_leakyrelu_param leakyrelu;   /* LeakyReLU */
    mxc_softmax_act_param softmax_act; /* SoftmaxActivation */
    mxc_upsampling_param upsampling; /* UpSampling */
    mxc_lrn_param lrn;               /* LRN */
    mxc_broadcast_param broadcast;   /* broadcast_add & co., broadcast_to, broadcast_axis */
    mxc_make_loss_param make_loss;   /* MakeLoss */
} mxc_op_param;

/* One node's kernel calls. Buffers are named by role, in the order the Python
 * op lists them (mxnet_r_compat/ops): inputs = its arguments, aux = its
 * auxiliary states, state = its per-node buffers (state_shapes). A NULL entry of
 * in_grads (out_grads) means that gradient is not needed (does not flow back),
 * exactly as for the op function itself. */
struct mxc_step {
    int op;             /* MXC_OP_* (ops.def) */
    int64_t n_inputs, n_outputs, n_aux, n_state;
    float **inputs;
    float **in_grads;   /* n_inputs entries */
    float **outputs;
    float **out_grads;  /* n_outputs entries */
    float **aux;
    float **state;
    mxc_rng *rng;       /* the stream a sampling op draws from */
    mxc_op_param param;
};

/* MXC_OK when s has at least these many inputs, outputs, aux and state buffers
 * (and the arrays holding them), else MXC_ERR_NULL_PTR or MXC_ERR_SHAPE.
 * Every adapter starts with it. */
int mxc_step_check(const mxc_step *s, int64_t inputs, int64_t outputs, int64_t aux,
                   int64_t state);

/* One step's forward (backward) through its operator's adapter. A step whose op
 * has no adapter, or is not an operator, is MXC_ERR_VALUE; the backward of an op
 * with a forward adapter and none for backward (a non-differentiable op such as
 * BlockGrad: no gradient flows through it) does nothing. */
int mxc_step_forward(const mxc_step *s, int is_train);
int mxc_step_backward(const mxc_step *s, int is_train);

typedef struct {
    const mxc_step *steps;
    int64_t n_steps;
    float **zero;         /* gradient buffers zeroed before a backward pass */
    const int64_t *zero_n;
    int64_t n_zero;
    float **ones;         /* head gradients of non-loss outputs, set to 1 */
    const int64_t *ones_n;
    int64_t n_ones;
} mxc_graph;

/* Every step's forward, in order. On error, *failed = the step's index. */
int mxc_graph_forward(const mxc_graph *g, int is_train, int64_t *failed);

/* Zero the gradients, set the head gradients, every step's backward in reverse.
 * is_train: that of the forward this backward follows (Dropout passes the
 * gradient through after an inference forward). */
int mxc_graph_backward(const mxc_graph *g, int is_train, int64_t *failed);
