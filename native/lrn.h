/* lrn.h: LRN, local response normalisation across channels.
 *
 * Data (n, c, inner). For channel k the window is channels [k - nsize/2,
 * k + nsize/2] clipped to [0, c) (MXNet's rule; nsize is meant to be odd):
 *     norm = knorm + (alpha / nsize) * sum over the window of x^2
 *     out  = x * norm^(-beta) */

/* Writes out and norm (both (n, c, inner); norm is kept for the backward). */
int mxc_lrn_forward(float *out, float *norm, const float *inp, int64_t n, int64_t c,
                    int64_t inner, int64_t nsize, float alpha, float beta, float knorm);

/* Accumulates dinp from dout, with inp, out and norm of the forward. */
int mxc_lrn_backward(float *dinp, const float *dout, const float *inp, const float *out,
                     const float *norm, int64_t n, int64_t c, int64_t inner, int64_t nsize,
                     float alpha, float beta);

/* The fused step (graph.h): input data, one output, state {norm}. */
typedef struct {
    int64_t n, c, inner, nsize;
    float alpha, beta, knorm;
} mxc_lrn_param;

int mxc_lrn_step_forward(const mxc_step *s, int is_train);
int mxc_lrn_step_backward(const mxc_step *s, int is_train);
