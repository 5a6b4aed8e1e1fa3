/* pool.h: Pooling over NCHW data: max, average or sum of each window.
 *
 * 1-D pooling is the case h = kh = sh = 1, ph = 0; global pooling is kernel =
 * (h, w), stride 1, no padding. The caller computes oh, ow by MXNet's
 * pooling_convention, "valid": 1 + floor((h + 2 ph - kh) / sh), or "full":
 * 1 + ceil((h + 2 ph - kh) / sh) (same for the width); both pass the check.
 * Windows are clipped to the data: max never sees the padding. An average
 * divides by the window clipped to the padded extent h + 2 ph when
 * count_include_pad (MXNet's default), else by the number of data values it
 * covers. A window that covers no data (possible with "full" and a stride
 * longer than the kernel) gives 0 for avg and sum and -FLT_MAX for max, as
 * MXNet does, and passes no gradient. Large calls run their planes in parts on the core's
 * threads (parallel.h); planes are independent, so the bits do not change. */
enum { MXC_POOL_MAX = 0, MXC_POOL_AVG = 1, MXC_POOL_SUM = 2 };

typedef struct {
    int64_t n, c, h, w; /* input: batch, channels, height, width */
    int64_t oh, ow;     /* output height, width */
    int64_t kh, kw;     /* window, each <= the padded extent */
    int64_t sh, sw;     /* stride, >= 1 */
    int64_t ph, pw;     /* padding, >= 0 */
} mxc_pool2d;

/* MXC_OK, MXC_ERR_VALUE (kernel, stride or padding) or MXC_ERR_SHAPE. */
int mxc_pool2d_check(const mxc_pool2d *g);

/* out (n, c, oh, ow) = pool of inp (n, c, h, w). kind = MXC_POOL_*. */
int mxc_pool2d_forward(float *out, const float *inp, const mxc_pool2d *g, int kind,
                       int count_include_pad);

/* Accumulates dinp (n, c, h, w). Max sends each window's gradient to the first
 * position (row-major) holding the window's output value, as MXNet does; inp
 * and out are read only by max and may be NULL otherwise. */
int mxc_pool2d_backward(float *dinp, const float *dout, const float *inp, const float *out,
                        const mxc_pool2d *g, int kind, int count_include_pad);
