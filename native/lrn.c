/* lrn.c: LRN forward and backward (see lrn.h).
 *
 * With norm_k and out_k = x_k norm_k^-beta, the gradient is
 *     dx_j = dy_j norm_j^-beta
 *          - 2 beta (alpha / nsize) x_j sum over the window of j of dy_i out_i / norm_i
 * (the window relation is symmetric). out_i / norm_i = x_i norm_i^(-beta-1) comes
 * from the forward's output, so powf runs once per value. Windows are walked
 * channel by channel so the innermost loop is contiguous. */
#include "mxc.h"
#include <math.h>

static void window_of(int64_t *lo, int64_t *hi, int64_t k, int64_t c, int64_t nsize) {
    int64_t half = nsize / 2;
    *lo = k - half > 0 ? k - half : 0;
    *hi = k + half + 1 < c ? k + half + 1 : c;
}

static int args_ok(int64_t n, int64_t c, int64_t inner, int64_t nsize) {
    return n >= 1 && c >= 1 && inner >= 1 && nsize >= 1;
}

int mxc_lrn_forward(float *out, float *norm, const float *inp, int64_t n, int64_t c,
                    int64_t inner, int64_t nsize, float alpha, float beta, float knorm) {
    if (!out || !norm || !inp) return MXC_ERR_NULL_PTR;
    if (!args_ok(n, c, inner, nsize)) return MXC_ERR_SHAPE;
    float salpha = alpha / (float)nsize;
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < c; k++) {
            int64_t lo, hi, at = (s * c + k) * inner;
            window_of(&lo, &hi, k, c, nsize);
            float *nk = norm + at;
            for (int64_t i = 0; i < inner; i++) nk[i] = 0.0f;
            for (int64_t j = lo; j < hi; j++) {
                const float *xj = inp + (s * c + j) * inner;
                for (int64_t i = 0; i < inner; i++) nk[i] += xj[i] * xj[i];
            }
            for (int64_t i = 0; i < inner; i++) {
                nk[i] = knorm + salpha * nk[i];
                out[at + i] = inp[at + i] * powf(nk[i], -beta);
            }
        }
    return MXC_OK;
}

int mxc_lrn_backward(float *dinp, const float *dout, const float *inp, const float *out,
                     const float *norm, int64_t n, int64_t c, int64_t inner, int64_t nsize,
                     float alpha, float beta) {
    if (!dinp || !dout || !inp || !out || !norm) return MXC_ERR_NULL_PTR;
    if (!args_ok(n, c, inner, nsize)) return MXC_ERR_SHAPE;
    float coef = -2.0f * beta * alpha / (float)nsize;
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < c; k++) {
            int64_t lo, hi, at = (s * c + k) * inner;
            window_of(&lo, &hi, k, c, nsize);
            for (int64_t i = at; i < at + inner; i++) dinp[i] += dout[i] * powf(norm[i], -beta);
            for (int64_t j = lo; j < hi; j++) {
                const float *dj = dout + (s * c + j) * inner, *oj = out + (dj - dout),
                            *nj = norm + (dj - dout);
                for (int64_t i = 0; i < inner; i++)
                    dinp[at + i] += coef * inp[at + i] * (dj[i] * oj[i] / nj[i]);
            }
        }
    return MXC_OK;
}

// --- fused step (ops.def) -------------------------------------------------------

int mxc_lrn_step_forward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 1);
    if (rc != MXC_OK) return rc;
    const mxc_lrn_param *p = &s->param.lrn;
    return mxc_lrn_forward(s->outputs[0], s->state[0], s->inputs[0], p->n, p->c, p->inner,
                           p->nsize, p->alpha, p->beta, p->knorm);
}

int mxc_lrn_step_backward(const mxc_step *s, int is_train) {
    (void)is_train;
    int rc = mxc_step_check(s, 1, 1, 0, 1);
    if (rc != MXC_OK || !s->in_grads[0] || !s->out_grads[0]) return rc;
    const mxc_lrn_param *p = &s->param.lrn;
    return mxc_lrn_backward(s->in_grads[0], s->out_grads[0], s->inputs[0], s->outputs[0],
                            s->state[0], p->n, p->c, p->inner, p->nsize, p->alpha, p->beta);
}
