/* update.c: the optimizer table (optimizers.def) and the dispatch by rule. */
#include "mxc.h"

static const mxc_optimizer_info OPT_TABLE[] = {
    [MXC_OPT_NONE] = {"", NULL, 0, ""},
#define MXC_OPT(id, name, apply, n_states, hparams) [MXC_OPT_##id] = {name, apply, n_states, hparams},
#include "optimizers.def"
#undef MXC_OPT
};

/* Holds while the enum and the table both come from optimizers.def. */
_Static_assert(sizeof(OPT_TABLE) / sizeof(OPT_TABLE[0]) == MXC_OPT_COUNT,
               "OPT_TABLE needs exactly one entry per MXC_OPT_* value");

/* mxc_update has room for MXC_OPT_MAX_STATES state arrays: no row may need more. */
#define MXC_OPT(id, name, apply, n_states, hparams)                                    \
    _Static_assert((n_states) >= 0 && (n_states) <= MXC_OPT_MAX_STATES,                \
                   "optimizer " name " needs more state arrays than mxc_update holds");
#include "optimizers.def"
#undef MXC_OPT

const mxc_optimizer_info *mxc_optimizer_info_of(int kind) {
    if (kind <= MXC_OPT_NONE || kind >= MXC_OPT_COUNT) return NULL;
    return &OPT_TABLE[kind];
}

int mxc_update_apply(const mxc_update *u) {
    if (!u) return MXC_ERR_NULL_PTR;
    const mxc_optimizer_info *rule = mxc_optimizer_info_of(u->kind);
    if (!rule) return MXC_ERR_VALUE;
    return rule->apply(u);
}
