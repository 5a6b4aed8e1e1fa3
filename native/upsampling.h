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

/* The fused step (graph.h): n_args inputs (at most MXC_UPSAMPLING_MAX_ARGS), one output of
 * out_c channels and out_hw values a plane. Input i, of c[i] channels and h[i] x w[i], is
 * scaled by scale[i] into the output's channels from first[i]; sum: all added in channel 0
 * on (MXNet's multi_input_mode = "sum"), the first written, the others added. */
enum { MXC_UPSAMPLING_MAX_ARGS = 16 };

typedef struct {
    int64_t n_args, n, out_c, out_hw;
    int sum;
    int64_t c[MXC_UPSAMPLING_MAX_ARGS], h[MXC_UPSAMPLING_MAX_ARGS];
    int64_t w[MXC_UPSAMPLING_MAX_ARGS], scale[MXC_UPSAMPLING_MAX_ARGS];
    int64_t first[MXC_UPSAMPLING_MAX_ARGS];
} mxc_upsampling_param;

int mxc_upsampling_step_forward(const mxc_step *s, int is_train);
int mxc_upsampling_step_backward(const mxc_step *s, int is_train);
