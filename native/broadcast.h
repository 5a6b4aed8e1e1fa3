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

/* out (out_shape) = x (x_shape) repeated along the axes where x has extent 1
 * (MXNet's broadcast_to, broadcast_axis): broadcast_binary_forward times one. */
int mxc_broadcast_to_forward(float *out, const float *x, int64_t ndim, const int64_t *out_shape,
                             const int64_t *x_shape);
/* Accumulates dx (x_shape) += dout summed over the repeated axes. */
int mxc_broadcast_to_backward(float *dx, const float *dout, int64_t ndim,
                              const int64_t *out_shape, const int64_t *x_shape);

/* The parameter block of the broadcast family: the three shapes with one ndim (as
 * the kernels above take them; b_shape unused by broadcast_to) and the
 * MXC_BINARY_* operator. */
typedef struct {
    int64_t ndim;
    int64_t out_shape[MXC_MAX_NDIM];
    int64_t a_shape[MXC_MAX_NDIM];
    int64_t b_shape[MXC_MAX_NDIM];
    int kind;
} mxc_broadcast_param;

/* The fused steps (graph.h): broadcast_add & co. (inputs lhs, rhs; param.broadcast
 * with kind) and broadcast_to / broadcast_axis (input data; out_shape, a_shape). */
int mxc_broadcast_step_forward(const mxc_step *s, int is_train);
int mxc_broadcast_step_backward(const mxc_step *s, int is_train);
int mxc_broadcast_to_step_forward(const mxc_step *s, int is_train);
int mxc_broadcast_to_step_backward(const mxc_step *s, int is_train);
