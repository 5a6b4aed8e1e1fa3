/* batchnorm.h: BatchNorm over axis c of data viewed as (outer, c, inner). */

/* Training (is_train and not use_global_stats): normalise with the batch mean
 * and biased variance, store them in save_mean / save_invstd (1/sqrt(var+eps)),
 * and update moving_mean/moving_var = moving * momentum + batch * (1 - momentum).
 * Otherwise normalise with the moving statistics (save_* still written, from them).
 * fix_gamma uses gamma = 1. */
int mxc_batchnorm_forward(float *out, float *save_mean, float *save_invstd,
                          float *moving_mean, float *moving_var,
                          const float *inp, const float *gamma, const float *beta,
                          int64_t outer, int64_t c, int64_t inner,
                          float eps, float momentum, int fix_gamma, int use_global_stats,
                          int is_train);

/* Accumulates dinp, dgamma (left untouched when fix_gamma), dbeta. Uses the
 * statistics saved by the forward pass; when those were the moving statistics
 * (use_global_stats) the mean and variance are constants. */
int mxc_batchnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout,
                           const float *inp, const float *gamma,
                           const float *save_mean, const float *save_invstd,
                           int64_t outer, int64_t c, int64_t inner,
                           int fix_gamma, int use_global_stats);

/* The fused step (graph.h): inputs data, gamma, beta; one output; aux
 * {moving_mean, moving_var}; state {save_mean, save_invstd}. */
typedef struct {
    int64_t outer, c, inner;
    float eps, momentum;
    int fix_gamma, use_global_stats;
} mxc_batchnorm_param;

int mxc_batchnorm_step_forward(const mxc_step *s, int is_train);
int mxc_batchnorm_step_backward(const mxc_step *s, int is_train);
