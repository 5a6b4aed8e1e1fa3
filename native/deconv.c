/* deconv.c: Deconvolution forward and backward (see deconv.h).
 *
 * A deconvolution's forward is a convolution's input gradient and its input
 * gradient is a convolution's forward, so everything here is conv.c's column
 * helpers and three OpenBLAS products per sample and group, with
 * x_g (fg, p) the input of group g, col the columns of an output-shaped plane:
 *     out_g  = col2im(w_g^T . x_g) + b               (forward)
 *     dx_g  += w_g (fg, kg) . im2col(dout_g)         (input gradient)
 *     dw_g  += x_g . im2col(dout_g)^T                (weight gradient)
 * For a pointwise kernel (no workspace) the columns are the planes themselves. */
#include "mxc.h"
#include <cblas.h>


/* Checks g and, when the call unrolls columns (uses_work), the workspace: one column
 * matrix (c/groups * kh * kw * oh * ow floats), none for a pointwise kernel; callers simply
 * give mxc_conv2d_workspace(g) floats, which is more. */
static int prepare(const mxc_conv2d *g, const float *work, int64_t work_n, int uses_work) {
    int rc = mxc_conv2d_check(g);
    if (rc != MXC_OK || !uses_work) return rc;
    mxc_conv_group d = mxc_conv2d_group(g);
    int64_t need = d.direct ? 0 : d.kg * d.p;
    if (need > 0 && !work) return MXC_ERR_NULL_PTR;
    return work_n < need ? MXC_ERR_SHAPE : MXC_OK;
}

/* out (n, c, hw) = b per channel, or 0. */
static void fill_channels(float *out, const float *b, int64_t n, int64_t c, int64_t hw) {
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < c; k++) {
            float *row = out + (s * c + k) * hw;
            float v = b ? b[k] : 0.0f;
            for (int64_t j = 0; j < hw; j++) row[j] = v;
        }
}

int mxc_deconv2d_forward(float *out, const float *inp, const float *w, const float *b,
                         const mxc_conv2d *g, float *work, int64_t work_n) {
    if (!out || !inp || !w || !g) return MXC_ERR_NULL_PTR; /* b may be NULL: no_bias */
    int rc = prepare(g, work, work_n, 1);
    if (rc != MXC_OK) return rc;
    mxc_conv_group d = mxc_conv2d_group(g);
    fill_channels(out, b, g->n, g->c, d.hw);
    for (int64_t n = 0; n < g->n; n++)
        for (int64_t gi = 0; gi < g->groups; gi++) {
            float *o = out + (n * g->c + gi * d.cg) * d.hw;
            float *dcol = d.direct ? o : work; /* direct: (cg, hw) += w_g^T . x_g in place */
            scipy_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d.kg, (int)d.p,
                              (int)d.fg, 1.0f, w + gi * d.fg * d.kg, (int)d.kg,
                              inp + (n * g->f + gi * d.fg) * d.p, (int)d.p,
                              d.direct ? 1.0f : 0.0f, dcol, (int)d.p);
            if (!d.direct) mxc_col2im_add(o, dcol, d.cg, g);
        }
    return MXC_OK;
}

/* db (c) += sums of dout (n, c, hw) over samples and positions. */
static void add_channel_sums(float *db, const float *dout, int64_t n, int64_t c, int64_t hw) {
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < c; k++) {
            const float *row = dout + (s * c + k) * hw;
            float acc = 0.0f;
            for (int64_t j = 0; j < hw; j++) acc += row[j];
            db[k] += acc;
        }
}

int mxc_deconv2d_backward(float *dinp, float *dw, float *db, const float *dout,
                          const float *inp, const float *w, const mxc_conv2d *g,
                          float *work, int64_t work_n) {
    if (!dout || !inp || !w || !g) return MXC_ERR_NULL_PTR;
    int rc = prepare(g, work, work_n, dinp || dw);
    if (rc != MXC_OK) return rc;
    mxc_conv_group d = mxc_conv2d_group(g);
    if (db) add_channel_sums(db, dout, g->n, g->c, d.hw);
    if (!dinp && !dw) return MXC_OK;
    for (int64_t n = 0; n < g->n; n++)
        for (int64_t gi = 0; gi < g->groups; gi++) {
            const float *plane = dout + (n * g->c + gi * d.cg) * d.hw;
            const float *col = plane;
            if (!d.direct) {
                mxc_im2col(work, plane, d.cg, g);
                col = work;
            }
            int64_t x_at = (n * g->f + gi * d.fg) * d.p;
            if (dinp)
                scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d.fg, (int)d.p,
                                  (int)d.kg, 1.0f, w + gi * d.fg * d.kg, (int)d.kg, col, (int)d.p,
                                  1.0f, dinp + x_at, (int)d.p);
            if (dw)
                scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d.fg, (int)d.kg,
                                  (int)d.p, 1.0f, inp + x_at, (int)d.p, col, (int)d.p, 1.0f,
                                  dw + gi * d.fg * d.kg, (int)d.kg);
        }
    return MXC_OK;
}
