/* conv.h: Convolution over NCHW data, and its column (im2col) helpers.
 *
 * A 1-D convolution is the case h = kh = sh = dh = 1, ph = 0. A mxc_conv2d
 * holds the extents and hyper-parameters of one convolution; the caller
 * computes oh, ow with MXNet's rule
 *     oh = (h + 2 ph - (dh (kh - 1) + 1)) / sh + 1   (floor; same for ow)
 * and every function checks it (MXC_ERR_SHAPE when it disagrees). Weights are
 * (f, c / groups, kh, kw), bias (f).
 *
 * The samples are cut into at most 16 parts (parallel.h), run on at most 4 of
 * the core's threads; `work`, owned by the caller, holds a column matrix per
 * thread and a weight-gradient sum per part: work_n >= the value
 * mxc_conv2d_workspace() returns. The forward needs only the column matrices
 * (none for a 1x1 kernel with stride 1 and no padding, which reads the data in
 * place: work may then be NULL). */
typedef struct {
    int64_t n, c, h, w; /* input: batch, channels, height, width */
    int64_t f, oh, ow;  /* output: channels (num_filter), height, width */
    int64_t kh, kw;     /* kernel */
    int64_t sh, sw;     /* stride, >= 1 */
    int64_t ph, pw;     /* zero padding, >= 0 */
    int64_t dh, dw;     /* dilation, >= 1 */
    int64_t groups;     /* num_group, divides c and f */
} mxc_conv2d;

/* The extents of one group of one sample: input and output channels (cg, fg),
 * column rows cg kh kw (kg), output and input plane sizes (p, hw); direct for a
 * pointwise kernel (1x1, stride 1, no padding), whose column matrix is the input
 * plane itself. Shared by conv.c and deconv.c (its transpose). */
typedef struct {
    int64_t cg, fg, kg, p, hw;
    int direct;
} mxc_conv_group;

mxc_conv_group mxc_conv2d_group(const mxc_conv2d *g);

/* MXC_OK when g describes a valid convolution; MXC_ERR_VALUE for a bad
 * hyper-parameter (stride, dilation, padding, groups), MXC_ERR_SHAPE for bad
 * or inconsistent extents (also for sizes past OpenBLAS's int range). */
int mxc_conv2d_check(const mxc_conv2d *g);

/* Floats of workspace a forward or backward call may need: slots * col + parts * wsum,
 * parts = min(n, 16), slots = min(parts, 4) (fewer if their columns would pass 2^24
 * floats), col = (c / groups) kh kw oh ow (0 for a pointwise kernel),
 * wsum = f (c / groups) kh kw; -1 when g is invalid. */
int64_t mxc_conv2d_workspace(const mxc_conv2d *g);

/* col (channels * kh * kw, oh * ow) from img (channels, h, w): row (ci, ki, kj),
 * column (y, x) holds img[ci, y sh - ph + ki dh, x sw - pw + kj dw], or 0 in the
 * padding. g->c, g->n, g->f and g->groups are not read. */
int mxc_im2col(float *col, const float *img, int64_t channels, const mxc_conv2d *g);

/* The transpose of mxc_im2col: accumulates every column entry into the image
 * position it was read from (entries in the padding are dropped). */
int mxc_col2im_add(float *img, const float *col, int64_t channels, const mxc_conv2d *g);

/* out (n, f, oh, ow) = conv(inp (n, c, h, w), w) + b; b may be NULL (no_bias). */
int mxc_conv2d_forward(float *out, const float *inp, const float *w, const float *b,
                       const mxc_conv2d *g, float *work, int64_t work_n);

/* Accumulates dinp (n, c, h, w), dw (f, c / groups, kh, kw) and db (f); any of
 * them may be NULL. */
int mxc_conv2d_backward(float *dinp, float *dw, float *db, const float *dout,
                        const float *inp, const float *w, const mxc_conv2d *g,
                        float *work, int64_t work_n);
