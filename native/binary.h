/* binary.h: elementwise binary operators on two arrays of one shape, or on an
 * array and a scalar (MXNet's elemwise_* / _*_scalar / _r*_scalar operators).
 *
 * op is one of MXC_BINARY_*. Comparisons give 1 or 0; their gradient is zero
 * (as in MXNet), so their backward adds nothing. MOD is MXNet's modulo: the
 * result takes the divisor's sign (Python's %), and x mod 0 is 0. MAXIMUM
 * passes the gradient to a where a >= b, else to b; MINIMUM where a <= b. */
enum {
    MXC_BINARY_ADD = 0,
    MXC_BINARY_SUB = 1,
    MXC_BINARY_MUL = 2,
    MXC_BINARY_DIV = 3,
    MXC_BINARY_POW = 4,
    MXC_BINARY_MOD = 5,
    MXC_BINARY_MAXIMUM = 6,
    MXC_BINARY_MINIMUM = 7,
    MXC_BINARY_EQ = 8,
    MXC_BINARY_NE = 9,
    MXC_BINARY_GT = 10,
    MXC_BINARY_GE = 11,
    MXC_BINARY_LT = 12,
    MXC_BINARY_LE = 13,
    MXC_BINARY_COUNT = 14
};

/* out[i] = a[i] op b[i]; out, a, b (n). out may be a or b itself. */
int mxc_elemwise_binary_forward(float *out, const float *a, const float *b, int64_t n, int op);

/* Accumulates da[i] += dout[i] * d(a op b)/da and db likewise; a NULL da or db is skipped. */
int mxc_elemwise_binary_backward(float *da, float *db, const float *dout, const float *a,
                                 const float *b, int64_t n, int op);

/* out[i] = a[i] op scalar, or scalar op a[i] when reverse is 1 (_rminus_scalar,
 * _rdiv_scalar, _rpower_scalar, ...). out may be a itself. */
int mxc_binary_scalar_forward(float *out, const float *a, int64_t n, float scalar, int op,
                              int reverse);

/* Accumulates da[i] += dout[i] * d(out[i])/da[i]. */
int mxc_binary_scalar_backward(float *da, const float *dout, const float *a, int64_t n,
                               float scalar, int op, int reverse);

/* The fused steps (graph.h) of elemwise_add/sub/mul/div (inputs lhs, rhs) and of the
 * scalar family (input data): param.elemwise.n values, .kind the MXC_BINARY_*
 * operator; the scalar family also reads .scalar and .reverse. */
int mxc_elemwise_binary_step_forward(const mxc_step *s, int is_train);
int mxc_elemwise_binary_step_backward(const mxc_step *s, int is_train);
int mxc_binary_scalar_step_forward(const mxc_step *s, int is_train);
int mxc_binary_scalar_step_backward(const mxc_step *s, int is_train);
