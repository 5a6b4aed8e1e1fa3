/* embedding.h: Embedding, a table lookup of rows of weight. */

/* out (n, output_dim) = rows of weight (input_dim, output_dim) picked by the n
 * indices idx, given as floats. An index is truncated toward zero and then
 * clipped to [0, input_dim - 1], as MXNet's Embedding does (NaN counts as 0). */
int mxc_embedding_forward(float *out, const float *idx, const float *weight, int64_t n,
                          int64_t input_dim, int64_t output_dim);

/* Accumulates dweight[row(idx[i])] += dout[i] for every i (rows picked as in
 * the forward). The indices get no gradient. */
int mxc_embedding_backward(float *dweight, const float *dout, const float *idx, int64_t n,
                           int64_t input_dim, int64_t output_dim);

/* The fused step (graph.h): inputs {data (the indices), weight}, one output. The indices
 * get no gradient; the weight's is accumulated when asked for. */
typedef struct {
    int64_t n, input_dim, output_dim;
} mxc_embedding_param;

int mxc_embedding_step_forward(const mxc_step *s, int is_train);
int mxc_embedding_step_backward(const mxc_step *s, int is_train);
