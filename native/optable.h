/* optable.h: the operator table (ops.def) as an enum, and what a row holds.
 *
 * The enum below is generated from ops.def by the preprocessor; cffi's cdef()
 * has no preprocessor, so build_ffi.py reads the same ops.def and declares
 * each MXC_OP_* to cffi as a constant (its value comes from this enum). */

enum {
    MXC_OP_NONE = 0, /* no operator: a zeroed mxc_step fails with MXC_ERR_VALUE */
#define MXC_OP(id, name, forward, backward) MXC_OP_##id,
#include "ops.def"
#undef MXC_OP
    MXC_OP_COUNT     /* one past the last operator */
};

/* Room in the parameter blocks (graph.h) for the operators still to come. */
enum {
    MXC_MAX_NDIM = 8,    /* shapes and axes (Reshape, transpose, reductions, SliceChannel) */
    MXC_MAX_SPATIAL = 3  /* spatial axes of Convolution, Deconvolution, Pooling */
};

/* One node of a compiled network (defined in graph.h). */
typedef struct mxc_step mxc_step;

/* A step adapter: the node's kernel call(s) for one pass. is_train: that of the
 * forward (for a backward: of the forward it follows). */
typedef int (*mxc_step_fn)(const mxc_step *s, int is_train);

typedef struct {
    const char *name;     /* MXNet's operator name, e.g. "FullyConnected" */
    mxc_step_fn forward;  /* NULL: no fused step */
    mxc_step_fn backward; /* NULL: no fused step */
} mxc_op_info;

/* The row of operator `op`, or NULL when op is not in 1 .. MXC_OP_COUNT - 1. */
const mxc_op_info *mxc_op_info_of(int op);
