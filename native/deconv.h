/* deconv.h: Deconvolution (the transpose of Convolution) over NCHW data.
 *
 * A deconvolution is described by the mxc_conv2d of the convolution it
 * transposes (conv.h), so the roles of the extents swap:
 *   - g->n, g->f, g->oh, g->ow are the deconvolution's INPUT (batch, channels,
 *     height, width);
 *   - g->c, g->h, g->w are its OUTPUT (num_filter, height, width).
 * MXNet's output extent sh (oh - 1) + dh (kh - 1) + 1 - 2 ph + adj is then g->h,
 * and any adj in [0, sh) passes conv.h's check (same for the width). The
 * weight is that convolution's weight, (f, c / groups, kh, kw): MXNet's
 * (in_channels, num_filter / num_group, kh, kw). Bias has g->c values.
 * Workspace: mxc_conv2d_workspace(g) floats, as for the convolution (one column matrix,
 * (c / groups) kh kw oh ow floats, is what it uses; none for a 1x1 kernel of stride 1
 * without padding). Deconvolution runs on the calling thread only. */

/* out (n, c, h, w) = conv2d_transpose(inp (n, f, oh, ow), w) + b; b may be NULL. */
int mxc_deconv2d_forward(float *out, const float *inp, const float *w, const float *b,
                         const mxc_conv2d *g, float *work, int64_t work_n);

/* Accumulates dinp (n, f, oh, ow), dw (f, c / groups, kh, kw) and db (c); any of
 * them may be NULL. */
int mxc_deconv2d_backward(float *dinp, float *dw, float *db, const float *dout,
                          const float *inp, const float *w, const mxc_conv2d *g,
                          float *work, int64_t work_n);
