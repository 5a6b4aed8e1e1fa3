/* dot.h: matrix product of two 2-d arrays (MXNet's dot with transpose_a /
 * transpose_b), through the core's BLAS (blas.h).
 *
 * out (m, n) = op(a) . op(b), where op(a) is (m, k): a is (m, k), or (k, m)
 * when trans_a is 1; op(b) is (k, n): b is (k, n), or (n, k) when trans_b. */
int mxc_dot_forward(float *out, const float *a, const float *b, int64_t m, int64_t n,
                    int64_t k, int trans_a, int trans_b);

/* Accumulates da (a's shape) += the gradient for a and db likewise (NULL skips). */
int mxc_dot_backward(float *da, float *db, const float *dout, const float *a, const float *b,
                     int64_t m, int64_t n, int64_t k, int trans_a, int trans_b);
