/* upsampling.h: UpSampling by nearest neighbour, an integer scale per input.
 *
 * inp (n, c, h, w) becomes (n, c, h * scale, w * scale), written into out from
 * its first channel on; out_c >= c is the channel count of out (MXNet concatenates
 * several inputs along the channels, or sums them). */

/* out[s, k, y, x] = inp[s, k, y / scale, x / scale] for k < c, or += when add. */
int mxc_upsampling_nearest_forward(float *out, const float *inp, int64_t n, int64_t c,
                                   int64_t h, int64_t w, int64_t scale, int64_t out_c, int add);

/* Accumulates dinp[s, k, y, x] += sum of dout over the scale x scale block it was copied to. */
int mxc_upsampling_nearest_backward(float *dinp, const float *dout, int64_t n, int64_t c,
                                    int64_t h, int64_t w, int64_t scale, int64_t out_c);
