/* broadcast.h: binary operators between arrays whose shapes differ by axes of
 * extent 1 (MXNet's broadcast_add, broadcast_greater, ...; op is MXC_BINARY_*).
 *
 * The caller passes the three shapes with one ndim (1..8; leading 1s added as
 * numpy does): on every axis a_shape[d] and b_shape[d] are out_shape[d] or 1.
 * out (out_shape), a (a_shape), b (b_shape); out must not overlap a or b. */
int mxc_broadcast_binary_forward(float *out, const float *a, const float *b, int64_t ndim,
                                 const int64_t *out_shape, const int64_t *a_shape,
                                 const int64_t *b_shape, int op);

/* Accumulates da (a_shape) += the gradient for a summed over the axes a was
 * broadcast along, and db likewise; a NULL da or db is skipped. */
int mxc_broadcast_binary_backward(float *da, float *db, const float *dout, const float *a,
                                  const float *b, int64_t ndim, const int64_t *out_shape,
                                  const int64_t *a_shape, const int64_t *b_shape, int op);
