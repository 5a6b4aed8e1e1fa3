/* concat.h: Concat of k arrays along one axis. Each input i is viewed as
 * (outer, widths[i]) where widths[i] = its extent on the axis times the
 * product of the later extents; the output is (outer, sum of widths). */
int mxc_concat_forward(float *out, const float *const *inps, const int64_t *widths,
                       int64_t k, int64_t outer);

/* Accumulates dinps[i] += the matching block of dout; NULL entries are skipped. */
int mxc_concat_backward(float *const *dinps, const float *dout, const int64_t *widths,
                        int64_t k, int64_t outer);

/* The fused step (graph.h): k = the step's number of inputs, one output;
 * widths (k values) belongs to the caller. */
typedef struct {
    int64_t outer;
    const int64_t *widths;
} mxc_concat_param;

int mxc_concat_step_forward(const mxc_step *s, int is_train);
int mxc_concat_step_backward(const mxc_step *s, int is_train);
