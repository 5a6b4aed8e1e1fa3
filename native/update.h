/* update.h: optimizer updates by rule (the optimizer table, optimizers.def). */

typedef int (*mxc_update_fn)(const mxc_update *u);

typedef struct {
    const char *name;     /* e.g. "sgd_mom" */
    mxc_update_fn apply;  /* the rule's adapter (optimizer.c) */
    int n_states;         /* state arrays the rule reads (NAG with momentum 0: none used) */
    const char *hparams;  /* the mxc_hparams fields it reads, space-separated, in call order */
} mxc_optimizer_info;

/* The row of rule `kind`, or NULL when kind is not in 1 .. MXC_OPT_COUNT - 1. */
const mxc_optimizer_info *mxc_optimizer_info_of(int kind);

/* One weight's update through its rule's adapter; an unknown kind is MXC_ERR_VALUE. */
int mxc_update_apply(const mxc_update *u);
