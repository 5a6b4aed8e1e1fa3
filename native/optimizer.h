/* optimizer.h: in-place optimizer updates, MXNet-R v1.x rules (the formulas
 * below are the reference; tests/test_native_optimizer.py restates each one).
 *
 * Notation: g = raw gradient, r = rescale_grad, clip(x) = clamp to [-clip, clip]
 * applied only when clip >= 0. State arrays are owned by the caller and start
 * at zero. Every array has n elements. Arithmetic is float32, in the order
 * written, so results match MXNet's fused kernels. */

/* w = (1 - lr*wd) * w - lr * clip(r*g); without clipping (clip < 0) the step is
 * (lr*r) * g, in that order, as MXNet's sgd_update kernel multiplies. */
int mxc_sgd_update(float *w, const float *g, int64_t n,
                   float lr, float wd, float rescale, float clip);

/* mom = momentum*mom - lr*wd*w - lr*clip(r*g);  w = w + mom. Without clipping the last
 * term is (lr*r) * g, as in MXNet's sgd_mom_update kernel. */
int mxc_sgd_mom_update(float *w, float *mom, const float *g, int64_t n,
                       float lr, float momentum, float wd, float rescale, float clip);

/* G = clip(r*g).  momentum == 0 (mom may be NULL): w = w - lr*(G + wd*w).
 * else: mom = momentum*mom + G + wd*w;  w = w - lr*(momentum*mom + G). */
int mxc_nag_update(float *w, float *mom, const float *g, int64_t n,
                   float lr, float momentum, float wd, float rescale, float clip);

/* G = clip(r*g + wd*w); m = b1*m + (1-b1)*G; v = b2*v + (1-b2)*G^2;
 * w = w - lr * m / (sqrt(v) + eps). No bias correction (as MXNet R). */
int mxc_adam_update(float *w, float *m, float *v, const float *g, int64_t n,
                    float lr, float beta1, float beta2, float eps,
                    float wd, float rescale, float clip);

/* Not centered. G = clip(r*g + wd*w); s = (1-g1)*G^2 + g1*s; w = w - lr*G/sqrt(s + eps). */
int mxc_rmsprop_update(float *w, float *s, const float *g, int64_t n,
                       float lr, float gamma1, float eps, float wd, float rescale, float clip);

/* Centered (Graves). G = clip(r*g + wd*w); s = (1-g1)*G^2 + g1*s; gbar = (1-g1)*G + g1*gbar;
 * delta = g2*delta - lr*G/sqrt(s - gbar^2 + eps); w = w + delta. */
int mxc_rmspropalex_update(float *w, float *s, float *gbar, float *delta, const float *g, int64_t n,
                           float lr, float gamma1, float gamma2, float eps,
                           float wd, float rescale, float clip);

/* G = clip(r*g); h = h + G^2; w = w - lr*(G/sqrt(h + eps) + wd*w). */
int mxc_adagrad_update(float *w, float *h, const float *g, int64_t n,
                       float lr, float eps, float wd, float rescale, float clip);

/* G = clip(r*g); acc_g = rho*acc_g + (1-rho)*G^2;
 * d = sqrt(acc_d + eps)/sqrt(acc_g + eps) * G; acc_d = rho*acc_d + (1-rho)*d^2;
 * w = w - d - wd*w. */
int mxc_adadelta_update(float *w, float *acc_g, float *acc_d, const float *g, int64_t n,
                        float rho, float eps, float wd, float rescale, float clip);

// --- the optimizer table (optimizers.def) ----------------------------------------

enum {
    MXC_OPT_NONE = 0, /* no rule: mxc_update_apply fails with MXC_ERR_VALUE */
#define MXC_OPT(id, name, apply, n_states, hparams) MXC_OPT_##id,
#include "optimizers.def"
#undef MXC_OPT
    MXC_OPT_COUNT     /* one past the last rule */
};

enum { MXC_OPT_MAX_STATES = 3 };

/* Every hyper-parameter of every rule, named as in optimizers.def and as the
 * Python optimizer's attributes; a rule reads the ones its row lists. */
typedef struct {
    float lr, momentum, beta1, beta2, epsilon, gamma1, gamma2, rho;
    float wd, rescale_grad, clip_gradient;
} mxc_hparams;

/* One weight's update: rule `kind` on w (n values) with gradient g and the
 * rule's state arrays s[0 ..] (the rest NULL). */
typedef struct {
    int kind; /* MXC_OPT_* */
    int64_t n;
    float *w;
    const float *g;
    float *s[MXC_OPT_MAX_STATES];
    mxc_hparams hp;
} mxc_update;

/* The rules' adapters (named in optimizers.def): the update function above
 * called with u's arrays and named hyper-parameters. */
int mxc_sgd_apply(const mxc_update *u);
int mxc_sgd_mom_apply(const mxc_update *u);
int mxc_nag_apply(const mxc_update *u);
int mxc_adam_apply(const mxc_update *u);
int mxc_rmsprop_apply(const mxc_update *u);
int mxc_rmspropalex_apply(const mxc_update *u);
int mxc_adagrad_apply(const mxc_update *u);
int mxc_adadelta_apply(const mxc_update *u);
