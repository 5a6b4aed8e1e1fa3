/* optable.c: the operator table (ops.def): names and step adapters by MXC_OP_*. */
#include "mxc.h"

static const mxc_op_info OP_TABLE[] = {
    [MXC_OP_NONE] = {"", NULL, NULL},
#define MXC_OP(id, name, forward, backward) [MXC_OP_##id] = {name, forward, backward},
#include "ops.def"
#undef MXC_OP
};

/* Holds while the enum and the table both come from ops.def; an entry written here by
 * hand, past the generated ones, fails the build. */
_Static_assert(sizeof(OP_TABLE) / sizeof(OP_TABLE[0]) == MXC_OP_COUNT,
               "OP_TABLE needs exactly one entry per MXC_OP_* value");

const mxc_op_info *mxc_op_info_of(int op) {
    if (op <= MXC_OP_NONE || op >= MXC_OP_COUNT) return NULL;
    return &OP_TABLE[op];
}
