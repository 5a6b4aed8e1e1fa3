/* plan.h: the fused training path's batches and runs of batches: per device,
 * where the batch goes and what the metric reads, plus the gradient sum over
 * devices and the optimizer updates (docs/ARCHITECTURE.md tells the life of a
 * training batch). Every struct and buffer belongs to the caller. */

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

/* One batch already in the devices' buffers: forward on every device; when train,
 * backward too, then the gradient sum over devices and the updates (info as for
 * mxc_plan_run, info[DONE] = 1 on success). */
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
