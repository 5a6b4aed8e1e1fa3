/* fused.h: a bound network, its optimizer updates and a built-in metric run by
 * C, a whole run of batches per call (the fused training path of issue 7).
 *
 * The Python executor compiles its kernels once into an mxc_graph: one
 * mxc_step per node, in topological order, holding the very pointers and
 * extents its Python kernel passes. A step calls the same op function with the
 * same arguments in the same order as the kernel would, so a fused run is
 * bit-identical to the per-kernel path. An mxc_plan adds, per device, where
 * the batch goes and what the metric reads, plus the gradient sum over devices
 * and the optimizer updates; mxc_batches says where batches come from (the
 * iterator's source arrays, read in place: float32 or float64, any strides).
 * Every struct and every buffer they point to belongs to the caller. */

enum {
    MXC_STEP_DENSE = 1,        /* y = x . w^T + b; dx, dw, db += ...       dim {n, d_in, d_out} */
    MXC_STEP_ACTIVATION = 2,   /* y = act(x), kind = act_type              dim {n} */
    MXC_STEP_REGRESSION = 3,   /* kind = MXC_REG_*, fparam[0] = grad_scale dim {n, d} */
    MXC_STEP_SOFTMAX = 4,      /* kind = MXC_NORM_*, flag = use_ignore,
                                  fparam = {grad_scale, ignore_label, smooth_alpha}
                                                                   dim {outer, c, inner, batch} */
    MXC_STEP_SOFTMAX_PROB = 5, /* probability labels, fparam[0] = grad_scale
                                                                  dim {outer, c, inner, size} */
    MXC_STEP_COPY = 6,         /* y = x; dx += dy (Flatten)                dim {n} */
    MXC_STEP_DROPOUT = 7       /* fparam[0] = p, flag = mode "always", aux = mask, rng
                                                                           dim {n} */
};

/* One node's kernel call. Unused fields are ignored; a NULL dx (dw, db) means
 * that gradient is not needed, exactly as for the op function itself. */
typedef struct {
    int op;
    int kind;
    int flag;
    int64_t dim[4];
    float fparam[3];
    float *y;           /* output */
    const float *x;     /* data input */
    const float *w;     /* weight (DENSE) */
    const float *b;     /* bias (DENSE), may be NULL */
    const float *label; /* label (loss layers) */
    float *dx;
    float *dw;
    float *db;
    const float *dy;    /* output gradient (DENSE, ACTIVATION, COPY, DROPOUT) */
    float *aux;         /* DROPOUT: the mask */
    mxc_rng *rng;       /* DROPOUT: the stream it draws from */
} mxc_step;

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

/* One batch already in the devices' buffers: forward on every device; when train,
 * backward too, then the gradient sum over devices and the updates (see mxc_plan
 * below; info as for mxc_plan_run, info[DONE] = 1 on success). */

// --- optimizer updates ---------------------------------------------------------

enum {
    MXC_OPT_SGD = 1, MXC_OPT_SGD_MOM = 2, MXC_OPT_NAG = 3, MXC_OPT_ADAM = 4,
    MXC_OPT_RMSPROP = 5, MXC_OPT_RMSPROPALEX = 6, MXC_OPT_ADAGRAD = 7, MXC_OPT_ADADELTA = 8
};

/* One weight's update: the optimizer.h function of `kind`, called with w, its
 * states s[0..2] (as many as it takes), g, n and hp[0..] = its hyper-parameters
 * in the order that function lists them (e.g. SGD_MOM: lr, momentum, wd,
 * rescale, clip). */
typedef struct {
    int kind;
    int64_t n;
    float *w;
    const float *g;
    float *s[3];
    float hp[8];
} mxc_update;

int mxc_update_apply(const mxc_update *u);

// --- metrics -------------------------------------------------------------------

enum { MXC_METRIC_NONE = 0, MXC_METRIC_ACCURACY = 1, MXC_METRIC_MSE = 2, MXC_METRIC_RMSE = 3,
       MXC_METRIC_MAE = 4 };

/* The per-call value of a built-in metric, rounded to float32 as MXNet's NDArray results.
 * ACCURACY: pred (n, c) and n labels, numpy's first-maximum argmax (NaN wins), as
 * mxnet_r_compat/metric.py computes it. MSE, RMSE, MAE: n*c values each, in float32
 * with MXNet's compensated sum, as MXNet R's mx.metric.* compute them (metric.py calls
 * this function for them). */
int mxc_metric_value(double *value, const float *pred, const float *label, int64_t n, int64_t c,
                     int kind);

/* 1 when all n values are finite, else 0 (n may be 0). */
int mxc_all_finite(const float *x, int64_t n);

/* The same for doubles as they will be used: rounded to float32 (so a double beyond
 * float32's range, which rounds to Inf, counts as not finite). */
int mxc_all_finite_as_f32(const double *x, int64_t n);

// --- batches and the fused run --------------------------------------------------

/* A 2-D view of an iterator's source array: sample i, value j is at
 * data[i * row_stride + j * col_stride] (strides in elements). */
typedef struct {
    const void *data;
    int is_double;      /* 0: float32, 1: float64 (converted as numpy casts) */
    int64_t row_stride;
    int64_t col_stride;
    int64_t width;      /* values per sample */
} mxc_source;

/* An array iterator: batch b holds samples order[b*batch_size ...]; a short last
 * batch keeps, past its samples, the rows the iterator's buffers held (pad_*). */
typedef struct {
    mxc_source data;
    mxc_source label;
    const int64_t *order;
    int64_t num_data;
    int64_t batch_size;
    const float *pad_data;   /* (batch_size, data.width) */
    const float *pad_label;  /* (batch_size, label.width) */
} mxc_batches;

/* The array iterator's own step: batch b's samples into data_out (batch_size, data.width)
 * and label_out (batch_size, label.width); rows past a short batch's samples keep what
 * they hold. */
int mxc_batches_gather(const mxc_batches *src, int64_t b, float *data_out, float *label_out);

typedef struct {
    int64_t n_dev;
    const mxc_graph *graphs;  /* per device */
    float **data;             /* per device: its data argument, rows lo..hi of a batch */
    float **label;            /* per device: its label argument */
    const int64_t *lo;
    const int64_t *hi;
    const float **pred;       /* per device: the output the metric reads */
    int64_t pred_width;       /* pred values per sample */
    int64_t n_params;
    float **grads;            /* parameter p of device d at [p * n_dev + d] */
    const int64_t *param_n;
    const mxc_update *updates;
    int64_t n_updates;
    float **finite;           /* what the non-finite guard checks after each batch */
    const int64_t *finite_n;
    int64_t n_finite;
} mxc_plan;

int mxc_plan_step(const mxc_plan *p, int train, int64_t *info);

/* 1 when every buffer the non-finite guard checks (p->finite) is finite, else 0. */
int mxc_plan_all_finite(const mxc_plan *p);

/* Adds (1, value) to state[0], state[1] per device, for what the devices hold now
 * (after mxc_plan_step); the metric reads p->pred and p->label. */
int mxc_plan_metric(const mxc_plan *p, int metric, double *state);

/* info[] of mxc_plan_run (caller-owned, MXC_RUN_INFO entries). */
enum { MXC_RUN_DONE = 0, MXC_RUN_NONFINITE = 1, MXC_RUN_FAILED_PHASE = 2, MXC_RUN_FAILED_AT = 3,
       MXC_RUN_INFO = 4 };
enum { MXC_PHASE_FORWARD = 1, MXC_PHASE_BACKWARD = 2, MXC_PHASE_UPDATE = 3, MXC_PHASE_METRIC = 4 };

/* Batches first, first+1, ... (at most count, and not past the data) of src:
 * copy each device's rows in, forward; when train, also backward, sum the
 * gradients over devices and apply the updates in order; when metric != NONE,
 * add (1, value) to state[0], state[1] per device (pred and label as the
 * device holds them); when check_finite, stop after a batch that left a
 * non-finite value in p->finite. info[DONE] = batches completed (the one the
 * guard stopped at included), info[NONFINITE] = 1 if it stopped there; on
 * error, info[FAILED_PHASE] and info[FAILED_AT] (step, update or device index)
 * say where, and the batch that failed is not counted. */
int mxc_plan_run(const mxc_plan *p, const mxc_batches *src, int64_t first, int64_t count,
                 int train, int metric, double *state, int check_finite, int64_t *info);
