/* pool.c: Pooling forward and backward (see pool.h).
 *
 * Every output position has a window: rows [y0, y1) and columns [x0, x1) of
 * its plane once clipped to the data, and an area for the average, clipped to
 * the padded extent or to the data (count_include_pad). window_at() computes
 * both; the kernels below only loop over windows. */
#include "mxc.h"
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

typedef struct {
    int64_t y0, y1, x0, x1; /* clipped to the data; empty when y0 >= y1 or x0 >= x1 */
    float area;             /* the average's divisor */
} window;

/* [*lo, *hi) = the window of output index o on one axis clipped to the data; *padded = its
 * length clipped to the padded extent instead. */
static void axis_window(int64_t *lo, int64_t *hi, int64_t *padded, int64_t o, int64_t in,
                        int64_t k, int64_t s, int64_t p) {
    int64_t start = o * s - p;
    int64_t end = start + k < in + p ? start + k : in + p;
    *padded = end - start;
    *lo = start > 0 ? start : 0;
    *hi = end < in ? end : in;
}

static window window_at(const mxc_pool2d *g, int64_t oy, int64_t ox, int count_include_pad) {
    window win;
    int64_t ah, aw;
    axis_window(&win.y0, &win.y1, &ah, oy, g->h, g->kh, g->sh, g->ph);
    axis_window(&win.x0, &win.x1, &aw, ox, g->w, g->kw, g->sw, g->pw);
    if (!count_include_pad) {
        ah = win.y1 > win.y0 ? win.y1 - win.y0 : 0;
        aw = win.x1 > win.x0 ? win.x1 - win.x0 : 0;
    }
    win.area = (float)(ah * aw);
    return win;
}

static int empty(const window *win) { return win->y0 >= win->y1 || win->x0 >= win->x1; }

// --- forward -------------------------------------------------------------------

static float window_max(const float *plane, int64_t w, const window *win) {
    float m = -FLT_MAX;
    for (int64_t y = win->y0; y < win->y1; y++)
        for (int64_t x = win->x0; x < win->x1; x++)
            if (plane[y * w + x] > m) m = plane[y * w + x];
    return m;
}

static float window_sum(const float *plane, int64_t w, const window *win) {
    float acc = 0.0f;
    for (int64_t y = win->y0; y < win->y1; y++)
        for (int64_t x = win->x0; x < win->x1; x++) acc += plane[y * w + x];
    return acc;
}

static float pool_value(const float *plane, const mxc_pool2d *g, const window *win, int kind) {
    if (kind == MXC_POOL_MAX) return window_max(plane, g->w, win);
    float sum = window_sum(plane, g->w, win);
    if (kind == MXC_POOL_SUM) return sum;
    return win->area > 0.0f ? sum / win->area : 0.0f;
}

int mxc_pool2d_forward(float *out, const float *inp, const mxc_pool2d *g, int kind,
                       int count_include_pad) {
    if (!out || !inp || !g) return MXC_ERR_NULL_PTR;
    int rc = mxc_pool2d_check(g);
    if (rc != MXC_OK) return rc;
    if (kind < MXC_POOL_MAX || kind > MXC_POOL_SUM) return MXC_ERR_VALUE;
    for (int64_t plane = 0; plane < g->n * g->c; plane++) {
        const float *in = inp + plane * g->h * g->w;
        float *o = out + plane * g->oh * g->ow;
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                window win = window_at(g, oy, ox, count_include_pad);
                o[oy * g->ow + ox] = pool_value(in, g, &win, kind);
            }
    }
    return MXC_OK;
}

// --- backward ------------------------------------------------------------------

/* Index in the plane of the first position holding v, or -1. */
static int64_t first_equal(const float *plane, int64_t w, const window *win, float v) {
    for (int64_t y = win->y0; y < win->y1; y++)
        for (int64_t x = win->x0; x < win->x1; x++)
            if (plane[y * w + x] == v) return y * w + x;
    return -1;
}

static void spread(float *dplane, int64_t w, const window *win, float v) {
    for (int64_t y = win->y0; y < win->y1; y++)
        for (int64_t x = win->x0; x < win->x1; x++) dplane[y * w + x] += v;
}

int mxc_pool2d_backward(float *dinp, const float *dout, const float *inp, const float *out,
                        const mxc_pool2d *g, int kind, int count_include_pad) {
    if (!dinp || !dout || !g) return MXC_ERR_NULL_PTR;
    if (kind == MXC_POOL_MAX && (!inp || !out)) return MXC_ERR_NULL_PTR;
    int rc = mxc_pool2d_check(g);
    if (rc != MXC_OK) return rc;
    if (kind < MXC_POOL_MAX || kind > MXC_POOL_SUM) return MXC_ERR_VALUE;
    int64_t hw = g->h * g->w, ohw = g->oh * g->ow;
    for (int64_t plane = 0; plane < g->n * g->c; plane++) {
        float *dp = dinp + plane * hw;
        const float *d = dout + plane * ohw;
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                window win = window_at(g, oy, ox, count_include_pad);
                float v = d[oy * g->ow + ox];
                if (empty(&win)) continue;
                if (kind == MXC_POOL_MAX) {
                    int64_t at = first_equal(inp + plane * hw, g->w, &win,
                                             out[plane * ohw + oy * g->ow + ox]);
                    if (at >= 0) dp[at] += v;
                } else {
                    spread(dp, g->w, &win, kind == MXC_POOL_SUM ? v : v / win.area);
                }
            }
    }
    return MXC_OK;
}
