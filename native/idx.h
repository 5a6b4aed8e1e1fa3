/* idx.h: MNIST's IDX files (mx.io.MNISTIter): the sample order MXNet
 * shuffles them into, and bytes to float32 batches. */

/* order[i] = i, then shuffled exactly as MXNet's MNISTIter does it:
 * std::shuffle over a std::mt19937 seeded with `seed`, as libstdc++ before
 * GCC 10 implements it (for i = 1 .. n-1, swap order[i] and order[j] with j
 * uniform in [0, i] by rejection and division). n < 2^32 - 1. */
int mxc_mnist_shuffle(int64_t *order, int64_t n, uint32_t seed);

/* out[i, :] = src[order[i], :] * scale for i < n_rows, rows of row_len bytes
 * (order NULL: row i). */
int mxc_u8_rows_to_f32(float *out, const uint8_t *src, const int64_t *order, int64_t n_rows,
                       int64_t row_len, float scale);
