/* pool.c: Pooling forward and backward (see pool.h).
 *
 * Every output position has a window: a span of rows and one of columns of its
 * plane, each clipped to the data and with a length for the average, clipped to
 * the padded extent or to the data (count_include_pad). span_at() computes one
 * axis; the kernels loop over windows row by row, so a row's span is computed
 * once. An empty window (no data) gives 0 (avg, sum) or -FLT_MAX (max) and no
 * gradient. */
#include "mxc.h"
#include "simd.h"
#include <float.h>

// --- geometry ------------------------------------------------------------------

/* 1 + floor(span / s) ("valid") or 1 + ceil(span / s) ("full"), span = in + 2p - k >= 0. */
static int extent_ok(int64_t out, int64_t in, int64_t k, int64_t s, int64_t p) {
    int64_t span = in + 2 * p - k;
    return span >= 0 && (out == 1 + span / s || out == 1 + (span + s - 1) / s);
}

int mxc_pool2d_check(const mxc_pool2d *g) {
    if (!g) return MXC_ERR_NULL_PTR;
    if (g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->ph < 0 || g->pw < 0)
        return MXC_ERR_VALUE;
    if (g->n < 1 || g->c < 1 || g->h < 1 || g->w < 1) return MXC_ERR_SHAPE;
    if (!extent_ok(g->oh, g->h, g->kh, g->sh, g->ph) ||
        !extent_ok(g->ow, g->w, g->kw, g->sw, g->pw))
        return MXC_ERR_SHAPE;
    return MXC_OK;
}

/* One axis of one window: [lo, hi) clipped to the data, and its length for the average. */
typedef struct {
    int64_t lo, hi, len;
} span;

/* The window of output index o on one axis: start o*s - p, end clipped to the padded extent
 * in + p; len is the length to the padded extent (count_include_pad) or to the data. */
MXC_INLINE span span_at(int64_t o, int64_t in, int64_t k, int64_t s, int64_t p, int cip) {
    span a;
    int64_t start = o * s - p;
    int64_t end = start + k < in + p ? start + k : in + p;
    a.lo = start > 0 ? start : 0;
    a.hi = end < in ? end : in;
    a.len = cip ? end - start : (a.hi > a.lo ? a.hi - a.lo : 0);
    return a;
}

// --- forward -------------------------------------------------------------------

/* One output row: windows rows [ys.lo, ys.hi) of the plane, columns per output column. */
MXC_INLINE void pool_row(float *o, const float *in, const mxc_pool2d *g, span ys, int kind,
                         int cip) {
    for (int64_t ox = 0; ox < g->ow; ox++) {
        span xs = span_at(ox, g->w, g->kw, g->sw, g->pw, cip);
        float acc = kind == MXC_POOL_MAX ? -FLT_MAX : 0.0f;
        for (int64_t y = ys.lo; y < ys.hi; y++) {
            const float *line = in + y * g->w;
            if (kind == MXC_POOL_MAX)
                for (int64_t x = xs.lo; x < xs.hi; x++) acc = line[x] > acc ? line[x] : acc;
            else
                for (int64_t x = xs.lo; x < xs.hi; x++) acc += line[x];
        }
        float area = (float)(ys.len * xs.len);
        if (kind == MXC_POOL_AVG) acc = area > 0.0f ? acc / area : 0.0f;
        o[ox] = acc;
    }
}

/* Every window inside the data (no padding, the last window ends by the edge): no clipping,
 * and the divisor is kh * kw either way. LeNet's 2x2 windows of stride 2 are this case. */
static int all_inside(const mxc_pool2d *g) {
    return g->ph == 0 && g->pw == 0 && (g->oh - 1) * g->sh + g->kh <= g->h &&
           (g->ow - 1) * g->sw + g->kw <= g->w;
}

/* Max pooling over 2x2 windows of stride 2, all inside (LeNet's case), written out: the
 * same comparisons in the same order as pool_row, so the same result (NaN never wins). */
MXC_INLINE void max_2x2(float *restrict o, const float *restrict in, const mxc_pool2d *g) {
    for (int64_t oy = 0; oy < g->oh; oy++, o += g->ow) {
        const float *a = in + 2 * oy * g->w, *b = a + g->w;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            float m = -FLT_MAX;
            m = a[2 * ox] > m ? a[2 * ox] : m;
            m = a[2 * ox + 1] > m ? a[2 * ox + 1] : m;
            m = b[2 * ox] > m ? b[2 * ox] : m;
            m = b[2 * ox + 1] > m ? b[2 * ox + 1] : m;
            o[ox] = m;
        }
    }
}

/* Its backward: each value's gradient is d where it is the first of its window equal to the
 * window's output, else 0 (a window's four values belong to no other window). */
MXC_INLINE void unmax_2x2(float *restrict dp, const float *restrict in, const float *restrict o,
                          const float *restrict d, const mxc_pool2d *g) {
    for (int64_t oy = 0; oy < g->oh; oy++, o += g->ow, d += g->ow) {
        int64_t r0 = 2 * oy * g->w, r1 = r0 + g->w;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            float v = o[ox], dv = d[ox];
            int64_t c0 = 2 * ox, c1 = c0 + 1;
            /* Bitwise, not &&: no branch, so the loop vectorises. */
            int e0 = in[r0 + c0] == v;
            int e1 = (in[r0 + c1] == v) & !e0;
            int e2 = (in[r1 + c0] == v) & !(e0 | e1);
            int e3 = (in[r1 + c1] == v) & !(e0 | e1 | e2);
            dp[r0 + c0] += e0 ? dv : 0.0f;
            dp[r0 + c1] += e1 ? dv : 0.0f;
            dp[r1 + c0] += e2 ? dv : 0.0f;
            dp[r1 + c1] += e3 ? dv : 0.0f;
        }
    }
}

/* The 2x2 stride-2 max case above. */
static int max_2x2_case(const mxc_pool2d *g, int kind) {
    return kind == MXC_POOL_MAX && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 &&
           all_inside(g);
}

/* One call, cut by planes into parts run on the core's threads (parallel.h): every plane is
 * pooled on its own, so the parts give the same bits however they are run. */
typedef struct {
    float *out, *dinp;
    const float *inp, *dout, *fwd_out;
    const mxc_pool2d *g;
    int kind, cip;
    int64_t parts;
} pool_call;

#define POOL_PARTS 8
#define POOL_MIN_PART 8192 /* outputs: below this a part is not worth a hand-over */

static int64_t pool_parts(const mxc_pool2d *g) {
    int64_t planes = g->n * g->c, by_size = planes * g->oh * g->ow / POOL_MIN_PART;
    int64_t parts = by_size < POOL_PARTS ? by_size : POOL_PARTS;
    parts = parts < planes ? parts : planes;
    return parts > 1 ? parts : 1;
}

MXC_HOT static void pool_planes(float *out, const float *inp, const mxc_pool2d *g, int kind,
                                int cip, int64_t first, int64_t last) {
    int two = max_2x2_case(g, kind);
    for (int64_t plane = first; plane < last; plane++) {
        if (two) {
            max_2x2(out + plane * g->oh * g->ow, inp + plane * g->h * g->w, g);
            continue;
        }
        const float *in = inp + plane * g->h * g->w;
        for (int64_t oy = 0; oy < g->oh; oy++)
            pool_row(out + (plane * g->oh + oy) * g->ow, in, g,
                     span_at(oy, g->h, g->kh, g->sh, g->ph, cip), kind, cip);
    }
}

static void forward_part(void *ctx, int64_t k, int slot) {
    (void)slot;
    const pool_call *c = ctx;
    int64_t planes = c->g->n * c->g->c;
    pool_planes(c->out, c->inp, c->g, c->kind, c->cip, k * planes / c->parts,
                (k + 1) * planes / c->parts);
}

int mxc_pool2d_forward(float *out, const float *inp, const mxc_pool2d *g, int kind,
                       int count_include_pad) {
    if (!out || !inp || !g) return MXC_ERR_NULL_PTR;
    int rc = mxc_pool2d_check(g);
    if (rc != MXC_OK) return rc;
    if (kind < MXC_POOL_MAX || kind > MXC_POOL_SUM) return MXC_ERR_VALUE;
    pool_call c = {out, NULL, inp, NULL, NULL, g, kind, count_include_pad != 0, pool_parts(g)};
    mxc_parallel_parts(forward_part, &c, c.parts, POOL_PARTS);
    return MXC_OK;
}

// --- backward ------------------------------------------------------------------

/* Max: the window's gradient to the first position (row-major) holding its output value v. */
MXC_INLINE void unpool_max(float *dplane, const float *plane, int64_t w, span ys, span xs,
                           float v, float d) {
    for (int64_t y = ys.lo; y < ys.hi; y++)
        for (int64_t x = xs.lo; x < xs.hi; x++)
            if (plane[y * w + x] == v) {
                dplane[y * w + x] += d;
                return;
            }
}

MXC_HOT static void unpool_planes(float *dinp, const float *dout, const float *inp,
                                  const float *out, const mxc_pool2d *g, int kind, int cip,
                                  int64_t first, int64_t last) {
    int64_t hw = g->h * g->w, ohw = g->oh * g->ow;
    int two = max_2x2_case(g, kind);
    for (int64_t plane = first; plane < last; plane++) {
        float *dp = dinp + plane * hw;
        const float *d = dout + plane * ohw;
        if (two) {
            unmax_2x2(dp, inp + plane * hw, out + plane * ohw, d, g);
            continue;
        }
        for (int64_t oy = 0; oy < g->oh; oy++) {
            span ys = span_at(oy, g->h, g->kh, g->sh, g->ph, cip);
            for (int64_t ox = 0; ox < g->ow; ox++) {
                span xs = span_at(ox, g->w, g->kw, g->sw, g->pw, cip);
                float v = d[oy * g->ow + ox];
                if (kind == MXC_POOL_MAX) {
                    unpool_max(dp, inp + plane * hw, g->w, ys, xs,
                               out[plane * ohw + oy * g->ow + ox], v);
                    continue;
                }
                float area = (float)(ys.len * xs.len);
                if (kind == MXC_POOL_AVG) v = area > 0.0f ? v / area : 0.0f;
                for (int64_t y = ys.lo; y < ys.hi; y++)
                    for (int64_t x = xs.lo; x < xs.hi; x++) dp[y * g->w + x] += v;
            }
        }
    }
}

static void backward_part(void *ctx, int64_t k, int slot) {
    (void)slot;
    const pool_call *c = ctx;
    int64_t planes = c->g->n * c->g->c;
    unpool_planes(c->dinp, c->dout, c->inp, c->fwd_out, c->g, c->kind, c->cip,
                  k * planes / c->parts, (k + 1) * planes / c->parts);
}

int mxc_pool2d_backward(float *dinp, const float *dout, const float *inp, const float *out,
                        const mxc_pool2d *g, int kind, int count_include_pad) {
    if (!dinp || !dout || !g) return MXC_ERR_NULL_PTR;
    if (kind == MXC_POOL_MAX && (!inp || !out)) return MXC_ERR_NULL_PTR;
    int rc = mxc_pool2d_check(g);
    if (rc != MXC_OK) return rc;
    if (kind < MXC_POOL_MAX || kind > MXC_POOL_SUM) return MXC_ERR_VALUE;
    pool_call c = {NULL, dinp, inp, dout, out, g, kind, count_include_pad != 0, pool_parts(g)};
    mxc_parallel_parts(backward_part, &c, c.parts, POOL_PARTS);
    return MXC_OK;
}
