/* dense.h: FullyConnected. */

/* out (n, d_out) = inp (n, d_in) . w^T + b.
 * w is (d_out, d_in); b is (d_out) or NULL (no_bias). */
int mxc_dense_forward(float *out, const float *inp, const float *w, const float *b,
                      int64_t n, int64_t d_in, int64_t d_out);

/* Accumulates: dinp (n, d_in) += dout . w;  dw (d_out, d_in) += dout^T . inp;
 * db (d_out) += column sums of dout. Any of dinp, dw, db may be NULL. */
int mxc_dense_backward(float *dinp, float *dw, float *db, const float *dout,
                       const float *inp, const float *w,
                       int64_t n, int64_t d_in, int64_t d_out);

/* The fused step (graph.h): inputs data, weight[, bias] (no_bias: two inputs),
 * one output. */
typedef struct {
    int64_t n, d_in, d_out;
} mxc_dense_param;

int mxc_dense_step_forward(const mxc_step *s, int is_train);
int mxc_dense_step_backward(const mxc_step *s, int is_train);
