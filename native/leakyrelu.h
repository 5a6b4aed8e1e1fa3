/* leakyrelu.h: LeakyReLU, the activations with a slope for negative inputs. */
enum {
    MXC_LRELU_LEAKY = 0, /* x > 0 ? x : slope x */
    MXC_LRELU_ELU = 1,   /* x > 0 ? x : slope (exp(x) - 1) */
    MXC_LRELU_SELU = 2,  /* lambda (x > 0 ? x : alpha (exp(x) - 1)), MXNet's constants */
    MXC_LRELU_GELU = 3   /* x Phi(x) = 0.5 x (1 + erf(x / sqrt(2))) */
};

/* out[i] = act(inp[i]) for the activations above (slope unused by SELU and GELU).
 * RReLU at inference is LEAKY with slope = (lower_bound + upper_bound) / 2. */
int mxc_leakyrelu_forward(float *out, const float *inp, int64_t n, int kind, float slope);

/* Accumulates dinp[i] += dout[i] * act'(inp[i]); out is the forward's output. */
int mxc_leakyrelu_backward(float *dinp, const float *dout, const float *inp, const float *out,
                           int64_t n, int kind, float slope);

/* PReLU over data viewed as (outer, c, inner): out = x > 0 ? x : gamma[k] x on
 * channel k. gamma has gamma_n values: c (one per channel) or 1 (shared). */
int mxc_prelu_forward(float *out, const float *inp, const float *gamma, int64_t outer,
                      int64_t c, int64_t inner, int64_t gamma_n);

/* Accumulates dinp and dgamma (sum of x dout over the x <= 0 it scaled); either
 * may be NULL. */
int mxc_prelu_backward(float *dinp, float *dgamma, const float *dout, const float *inp,
                       const float *gamma, int64_t outer, int64_t c, int64_t inner,
                       int64_t gamma_n);

/* RReLU while training: mask[i] ~ U[lower, upper) from rng (one draw each),
 * out = x > 0 ? x : mask x. Requires lower <= upper. */
int mxc_rrelu_forward(float *out, float *mask, const float *inp, int64_t n, float lower,
                      float upper, mxc_rng *rng);

/* Accumulates dinp[i] += dout[i] * (inp[i] > 0 ? 1 : mask[i]). */
int mxc_rrelu_backward(float *dinp, const float *dout, const float *inp, const float *mask,
                       int64_t n);

/* The fused step (graph.h). mode PLAIN: leaky, elu, selu, gelu (kind, slope), and rrelu
 * at inference (kind LEAKY, slope = the mean). RRELU: slopes drawn from the step's rng
 * into state {mask} while training, else as PLAIN. PRELU: inputs {data, gamma} viewed as
 * (outer, c, inner), gamma_n values. Inputs {data[, gamma]}, one output. */
enum { MXC_LRELU_MODE_PLAIN = 0, MXC_LRELU_MODE_RRELU = 1, MXC_LRELU_MODE_PRELU = 2 };

typedef struct {
    int mode, kind;
    int64_t n, outer, c, inner, gamma_n;
    float slope, lower, upper;
} mxc_leakyrelu_param;

int mxc_leakyrelu_step_forward(const mxc_step *s, int is_train);
int mxc_leakyrelu_step_backward(const mxc_step *s, int is_train);
