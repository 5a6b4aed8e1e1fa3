/* conv.c: Convolution forward and backward by im2col + SGEMM (see conv.h).
 *
 * For each sample and each group, the group's input channels are unrolled into
 * a column matrix col (kg = c/groups * kh * kw rows, p = oh * ow columns) in
 * the caller's workspace, and the convolution becomes one OpenBLAS product:
 *     out_g (fg, p)  = w_g (fg, kg) . col            (forward)
 *     dw_g (fg, kg) += dout_g (fg, p) . col^T        (weight gradient)
 *     dcol (kg, p)   = w_g^T . dout_g, then col2im   (input gradient)
 * A column matrix of one sample and one group is small enough to stay in cache
 * between its unrolling and its product (LeNet's second layer: 500 x 64
 * floats), which is why the loop runs sample by sample rather than unrolling
 * the whole batch. A 1x1 kernel with stride 1 and no padding needs no
 * unrolling: its column matrix is the data itself (docs/CONVOLUTION.md has the
 * measurements behind both choices). The samples are cut into CONV_PARTS parts
 * run on the core's threads (parallel.h); each part sums its own weight
 * gradient, and the sums are added to dw in part order, so the bits do not
 * depend on the thread count. Deconvolution (deconv.c) reuses the column
 * helpers with the roles of data and output swapped. */
#include "mxc.h"
#include "simd.h"
#include <cblas.h>
#include <limits.h>
#include <string.h>

// --- geometry ------------------------------------------------------------------

/* Output extent of one spatial axis; 0 when the dilated kernel does not fit. */
static int64_t out_extent(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
    int64_t span = in + 2 * p - (d * (k - 1) + 1);
    return span < 0 ? 0 : span / s + 1;
}

/* The checks mxc_im2col needs: one plane's extents and the window. */
static int plane_check(const mxc_conv2d *g) {
    if (g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->dh < 1 || g->dw < 1 ||
        g->ph < 0 || g->pw < 0)
        return MXC_ERR_VALUE;
    if (g->h < 1 || g->w < 1 || g->oh < 1 || g->ow < 1) return MXC_ERR_SHAPE;
    if (g->oh != out_extent(g->h, g->kh, g->sh, g->ph, g->dh) ||
        g->ow != out_extent(g->w, g->kw, g->sw, g->pw, g->dw))
        return MXC_ERR_SHAPE;
    if (g->oh * g->ow > INT_MAX || g->kh * g->kw > INT_MAX) return MXC_ERR_SHAPE;
    return MXC_OK;
}

int mxc_conv2d_check(const mxc_conv2d *g) {
    if (!g) return MXC_ERR_NULL_PTR;
    int rc = plane_check(g);
    if (rc != MXC_OK) return rc;
    if (g->groups < 1) return MXC_ERR_VALUE;
    if (g->n < 1 || g->c < 1 || g->f < 1) return MXC_ERR_SHAPE;
    if (g->c % g->groups != 0 || g->f % g->groups != 0) return MXC_ERR_VALUE;
    if (g->c / g->groups * g->kh * g->kw > INT_MAX || g->f > INT_MAX) return MXC_ERR_SHAPE;
    return MXC_OK;
}

/* A 1x1 kernel read in place: its column matrix is the data plane itself. */
static int pointwise(const mxc_conv2d *g) {
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0;
}

mxc_conv_group mxc_conv2d_group(const mxc_conv2d *g) {
    mxc_conv_group d;
    d.cg = g->c / g->groups;
    d.fg = g->f / g->groups;
    d.kg = d.cg * g->kh * g->kw;
    d.p = g->oh * g->ow;
    d.hw = g->h * g->w;
    d.direct = pointwise(g);
    return d;
}

/* One column matrix (0 for a pointwise kernel) and one weight-gradient sum. */
static int64_t col_floats(const mxc_conv2d *g) {
    return pointwise(g) ? 0 : g->c / g->groups * g->kh * g->kw * g->oh * g->ow;
}

static int64_t wgrad_floats(const mxc_conv2d *g) { return g->f * (g->c / g->groups) * g->kh * g->kw; }

/* Samples are split into at most CONV_PARTS parts whatever the thread count (parallel.h), so
 * a result never depends on how many threads computed it: each part sums its own weight
 * gradient. Column matrices are scratch, one per thread slot: at most CONV_SLOTS threads
 * work on one call, fewer when their columns would pass COL_BUDGET floats (64 MB: large
 * images keep one). Many parts keep a worker that wakes late from holding back the end. */
#define CONV_PARTS 16
#define CONV_SLOTS 4
#define COL_BUDGET ((int64_t)1 << 24)

static int64_t parts_of(const mxc_conv2d *g) { return g->n < CONV_PARTS ? g->n : CONV_PARTS; }

static int slots_of(const mxc_conv2d *g) {
    int64_t slots = parts_of(g) < CONV_SLOTS ? parts_of(g) : CONV_SLOTS, col = col_floats(g);
    while (slots > 1 && slots * col > COL_BUDGET) slots--;
    return (int)slots;
}

int64_t mxc_conv2d_workspace(const mxc_conv2d *g) {
    if (mxc_conv2d_check(g) != MXC_OK) return -1;
    return slots_of(g) * col_floats(g) + parts_of(g) * wgrad_floats(g);
}

/* MXC_OK when work holds `need` floats (NULL is fine when need is 0). */
static int work_check(const float *work, int64_t work_n, int64_t need) {
    if (need > 0 && !work) return MXC_ERR_NULL_PTR;
    return work_n < need ? MXC_ERR_SHAPE : MXC_OK;
}

// --- im2col and col2im ------------------------------------------------------------

/* The output columns x in [*lo, *hi) whose input column x*s - x0 lies in [0, w). */
MXC_INLINE void valid_span(int64_t *lo, int64_t *hi, int64_t x0, int64_t s, int64_t w, int64_t ow) {
    int64_t a = x0 > 0 ? (x0 + s - 1) / s : 0;
    int64_t last = w - 1 + x0; /* x*s <= last */
    int64_t b = last < 0 ? 0 : last / s + 1;
    if (a > ow) a = ow;
    if (b > ow) b = ow;
    if (b < a) b = a;
    *lo = a;
    *hi = b;
}

/* rows x ow values between a plane (row stride `stride`) and a compact block (row stride ow),
 * copied (to_block) or added back (to the plane). The widths of common layers are written
 * out so each row is a fixed vector operation: a row of 8 floats otherwise spends more time
 * in loop set-up than in copying (LeNet's second layer: its unrolling 3x faster). */
#define BLOCK_LOOP(W, STMT)                                                                   \
    for (int64_t y = 0; y < rows; y++)                                                        \
        for (int64_t x = 0; x < (W); x++) STMT;

MXC_INLINE void copy_block(float *restrict blk, const float *restrict src, int64_t rows,
                           int64_t ow, int64_t stride) {
    switch (ow) {
    case 8: BLOCK_LOOP(8, blk[y * 8 + x] = src[y * stride + x]) break;
    case 16: BLOCK_LOOP(16, blk[y * 16 + x] = src[y * stride + x]) break;
    case 24: BLOCK_LOOP(24, blk[y * 24 + x] = src[y * stride + x]) break;
    default: BLOCK_LOOP(ow, blk[y * ow + x] = src[y * stride + x]) break;
    }
}

MXC_INLINE void add_block(float *restrict dst, const float *restrict blk, int64_t rows,
                          int64_t ow, int64_t stride) {
    switch (ow) {
    case 8: BLOCK_LOOP(8, dst[y * stride + x] += blk[y * 8 + x]) break;
    case 16: BLOCK_LOOP(16, dst[y * stride + x] += blk[y * 16 + x]) break;
    case 24: BLOCK_LOOP(24, dst[y * stride + x] += blk[y * 24 + x]) break;
    default: BLOCK_LOOP(ow, dst[y * stride + x] += blk[y * ow + x]) break;
    }
}

/* Whether every output position of tap (ki, kj) reads inside the data with stride-1 columns:
 * then its row of col is a block copy starting at *at in the plane. */
MXC_INLINE int tap_inside(const mxc_conv2d *g, int64_t ki, int64_t kj, int64_t *at) {
    int64_t x0 = kj * g->dw - g->pw, y0 = ki * g->dh - g->ph;
    *at = y0 * g->w + x0;
    return g->sw == 1 && x0 >= 0 && x0 + g->ow <= g->w && y0 >= 0 &&
           (g->oh - 1) * g->sh + y0 < g->h;
}

/* One row of col: kernel tap (ki, kj) of one channel plane, clipped at the borders. Plain
 * loops with the extents in locals rather than memcpy/memset: rows are short. */
MXC_INLINE void im2col_row(float *restrict dst, const float *restrict plane, const mxc_conv2d *g,
                           int64_t ki, int64_t kj) {
    const int64_t oh = g->oh, ow = g->ow, h = g->h, w = g->w, sh = g->sh, sw = g->sw;
    const int64_t x0 = g->pw - kj * g->dw, y0 = ki * g->dh - g->ph;
    int64_t lo, hi, at;
    if (tap_inside(g, ki, kj, &at)) {
        copy_block(dst, plane + at, oh, ow, sh * w);
        return;
    }
    valid_span(&lo, &hi, x0, sw, w, ow);
    for (int64_t y = 0; y < oh; y++, dst += ow) {
        int64_t iy = y * sh + y0;
        if (iy < 0 || iy >= h) {
            for (int64_t x = 0; x < ow; x++) dst[x] = 0.0f;
            continue;
        }
        const float *restrict line = plane + iy * w - x0; /* line[x * sw]: column x*sw - x0 */
        for (int64_t x = 0; x < lo; x++) dst[x] = 0.0f;
        for (int64_t x = lo; x < hi; x++) dst[x] = line[x * sw];
        for (int64_t x = hi; x < ow; x++) dst[x] = 0.0f;
    }
}

/* The transpose of im2col_row: adds the row back into the plane. */
MXC_INLINE void col2im_row(float *restrict plane, const float *restrict src, const mxc_conv2d *g,
                           int64_t ki, int64_t kj) {
    const int64_t oh = g->oh, ow = g->ow, h = g->h, w = g->w, sh = g->sh, sw = g->sw;
    const int64_t x0 = g->pw - kj * g->dw, y0 = ki * g->dh - g->ph;
    int64_t lo, hi, at;
    if (tap_inside(g, ki, kj, &at)) {
        add_block(plane + at, src, oh, ow, sh * w);
        return;
    }
    valid_span(&lo, &hi, x0, sw, w, ow);
    for (int64_t y = 0; y < oh; y++, src += ow) {
        int64_t iy = y * sh + y0;
        if (iy < 0 || iy >= h) continue;
        float *restrict line = plane + iy * w - x0;
        if (sw == 1)
            for (int64_t x = lo; x < hi; x++) line[x] += src[x];
        else
            for (int64_t x = lo; x < hi; x++) line[x * sw] += src[x];
    }
}

MXC_HOT static void im2col(float *col, const float *img, int64_t channels, const mxc_conv2d *g) {
    int64_t p = g->oh * g->ow;
    for (int64_t ci = 0; ci < channels; ci++)
        for (int64_t ki = 0; ki < g->kh; ki++)
            for (int64_t kj = 0; kj < g->kw; kj++, col += p)
                im2col_row(col, img + ci * g->h * g->w, g, ki, kj);
}

MXC_HOT static void col2im_add(float *img, const float *col, int64_t channels, const mxc_conv2d *g) {
    int64_t p = g->oh * g->ow;
    for (int64_t ci = 0; ci < channels; ci++)
        for (int64_t ki = 0; ki < g->kh; ki++)
            for (int64_t kj = 0; kj < g->kw; kj++, col += p)
                col2im_row(img + ci * g->h * g->w, col, g, ki, kj);
}

int mxc_im2col(float *col, const float *img, int64_t channels, const mxc_conv2d *g) {
    if (!col || !img || !g) return MXC_ERR_NULL_PTR;
    int rc = plane_check(g);
    if (rc != MXC_OK) return rc;
    if (channels < 1) return MXC_ERR_SHAPE;
    im2col(col, img, channels, g);
    return MXC_OK;
}

int mxc_col2im_add(float *img, const float *col, int64_t channels, const mxc_conv2d *g) {
    if (!col || !img || !g) return MXC_ERR_NULL_PTR;
    int rc = plane_check(g);
    if (rc != MXC_OK) return rc;
    if (channels < 1) return MXC_ERR_SHAPE;
    col2im_add(img, col, channels, g);
    return MXC_OK;
}

// --- forward -------------------------------------------------------------------

/* One call's buffers, shared by its parts: work holds one column matrix per thread slot, then
 * (backward) one weight-gradient sum per part. */
typedef struct {
    const mxc_conv2d *g;
    mxc_conv_group d;
    int64_t parts;
    int slots;
    float *out, *dinp, *dwsum;
    const float *inp, *w, *b, *dout;
    float *work;
} conv_call;

/* The samples [*lo, *hi) of part k. */
static void part_samples(int64_t *lo, int64_t *hi, int64_t n, int64_t parts, int64_t k) {
    *lo = k * n / parts;
    *hi = (k + 1) * n / parts;
}

/* The column matrix of one group's channels img (cg, h, w). */
static const float *columns(const float *img, const mxc_conv2d *g, const mxc_conv_group *d,
                            float *col) {
    if (pointwise(g)) return img;
    im2col(col, img, d->cg, g);
    return col;
}

static void fill_bias(float *out, const float *b, int64_t rows, int64_t p) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < p; j++) out[r * p + j] = b[r];
}

static void forward_part(void *ctx, int64_t k, int slot) {
    const conv_call *c = ctx;
    const mxc_conv2d *g = c->g;
    const mxc_conv_group *d = &c->d;
    float *col = c->work + slot * col_floats(g);
    int64_t lo, hi;
    part_samples(&lo, &hi, g->n, c->parts, k);
    for (int64_t n = lo; n < hi; n++)
        for (int64_t gi = 0; gi < g->groups; gi++) {
            const float *cols = columns(c->inp + (n * g->c + gi * d->cg) * d->hw, g, d, col);
            float *o = c->out + (n * g->f + gi * d->fg) * d->p;
            if (c->b) fill_bias(o, c->b + gi * d->fg, d->fg, d->p);
            scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d->fg, (int)d->p,
                              (int)d->kg, 1.0f, c->w + gi * d->fg * d->kg, (int)d->kg, cols,
                              (int)d->p, c->b ? 1.0f : 0.0f, o, (int)d->p);
        }
}

int mxc_conv2d_forward(float *out, const float *inp, const float *w, const float *b,
                       const mxc_conv2d *g, float *work, int64_t work_n) {
    if (!out || !inp || !w || !g) return MXC_ERR_NULL_PTR; /* b may be NULL: no_bias */
    int rc = mxc_conv2d_check(g);
    if (rc == MXC_OK) rc = work_check(work, work_n, slots_of(g) * col_floats(g));
    if (rc != MXC_OK) return rc;
    conv_call c = {g, mxc_conv2d_group(g), parts_of(g), slots_of(g), out, NULL, NULL, inp, w, b, NULL,
                   work};
    mxc_blas_single_enter();
    mxc_parallel_parts(forward_part, &c, c.parts, c.slots);
    mxc_blas_single_leave();
    return MXC_OK;
}

// --- backward ------------------------------------------------------------------

/* Sum of row[0..p): eight running sums (value j goes to sum j mod 8), added at the end in a
 * fixed order. One running sum would make each addition wait for the previous one (and the
 * compiler may not reorder float additions); eight independent ones vectorise. */
MXC_INLINE float row_sum(const float *row, int64_t p) {
    float part[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    int64_t j = 0;
    for (; j + 8 <= p; j += 8)
        for (int q = 0; q < 8; q++) part[q] += row[j + q];
    for (; j < p; j++) part[j - (p & ~(int64_t)7)] += row[j];
    return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

/* db (f) += sums of dout (n, f, p) over samples and positions. */
MXC_HOT static void add_channel_sums(float *db, const float *dout, int64_t n, int64_t f,
                                     int64_t p) {
    for (int64_t s = 0; s < n; s++)
        for (int64_t k = 0; k < f; k++) db[k] += row_sum(dout + (s * f + k) * p, p);
}

/* dimg (cg, h, w) += col2im(w_g^T . dout_g); in place for a pointwise kernel. */
static void add_input_grad(float *dimg, const float *dout_g, const float *w_g,
                           const mxc_conv2d *g, const mxc_conv_group *d, float *col) {
    int direct = pointwise(g);
    float *dcol = direct ? dimg : col;
    scipy_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d->kg, (int)d->p, (int)d->fg,
                      1.0f, w_g, (int)d->kg, dout_g, (int)d->p, direct ? 1.0f : 0.0f, dcol,
                      (int)d->p);
    if (!direct) col2im_add(dimg, dcol, d->cg, g);
}

/* Part k: its samples' input gradients, and their weight gradient summed into its own sum
 * (added to dw in part order once every part is done). */
static void backward_part(void *ctx, int64_t k, int slot) {
    const conv_call *c = ctx;
    const mxc_conv2d *g = c->g;
    const mxc_conv_group *d = &c->d;
    float *col = c->work + slot * col_floats(g);
    float *dwk = c->dwsum ? c->dwsum + k * wgrad_floats(g) : NULL;
    int64_t lo, hi;
    part_samples(&lo, &hi, g->n, c->parts, k);
    if (dwk) memset(dwk, 0, (size_t)wgrad_floats(g) * sizeof(float));
    for (int64_t n = lo; n < hi; n++)
        for (int64_t gi = 0; gi < g->groups; gi++) {
            const float *dout_g = c->dout + (n * g->f + gi * d->fg) * d->p;
            const float *w_g = c->w + gi * d->fg * d->kg;
            int64_t img_at = (n * g->c + gi * d->cg) * d->hw;
            if (dwk) { /* first: the weight gradient reads the columns before dcol reuses them */
                const float *cols = columns(c->inp + img_at, g, d, col);
                scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d->fg,
                                  (int)d->kg, (int)d->p, 1.0f, dout_g, (int)d->p, cols,
                                  (int)d->p, 1.0f, dwk + gi * d->fg * d->kg, (int)d->kg);
            }
            if (c->dinp) add_input_grad(c->dinp + img_at, dout_g, w_g, g, d, col);
        }
}

int mxc_conv2d_backward(float *dinp, float *dw, float *db, const float *dout,
                        const float *inp, const float *w, const mxc_conv2d *g,
                        float *work, int64_t work_n) {
    if (!dout || !inp || !w || !g) return MXC_ERR_NULL_PTR;
    int rc = mxc_conv2d_check(g);
    if (rc != MXC_OK) return rc;
    int64_t parts = parts_of(g), cols = slots_of(g) * col_floats(g);
    int64_t need = cols + (dw ? parts * wgrad_floats(g) : 0);
    if (dinp || dw) rc = work_check(work, work_n, need);
    if (rc != MXC_OK) return rc;
    if (db) add_channel_sums(db, dout, g->n, g->f, g->oh * g->ow);
    if (!dinp && !dw) return MXC_OK;
    float *dwsum = dw ? work + cols : NULL;
    conv_call c = {g, mxc_conv2d_group(g), parts, slots_of(g), NULL, dinp, dwsum, inp, w, NULL, dout,
                   work};
    mxc_blas_single_enter();
    mxc_parallel_parts(backward_part, &c, parts, c.slots);
    mxc_blas_single_leave();
    if (dw)
        for (int64_t k = 0; k < parts; k++) { /* in part order: the same bits on any thread count */
            const float *sum = dwsum + k * wgrad_floats(g);
            for (int64_t i = 0; i < wgrad_floats(g); i++) dw[i] += sum[i];
        }
    return MXC_OK;
}
