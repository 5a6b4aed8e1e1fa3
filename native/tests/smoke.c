/* smoke.c: a pure-C smoke test of the core, built by tools/sanitize.sh with
 * -std=c99 -Wall -Wextra -Werror and AddressSanitizer + UBSan (leaks on).
 *
 * What it is: a few calls through status, rng, blas, optimizer and the operator
 * and optimizer tables (one step and one update through them) with known
 * answers, so that the core links and runs clean without Python in the way.
 * What it is not: the test suite (tests/ does the real checking).
 * Exit status 0 when every check holds; otherwise it names the first failure.
 */
#include "mxc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "smoke: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                   \
        }                                                                 \
    } while (0)

static int near(float a, float b, float tol) { return fabsf(a - b) <= tol; }

static void test_status(void) {
    for (int code = -1; code <= 6; code++) CHECK(mxc_status_str(code) != NULL);
    CHECK(mxc_status_str(MXC_OK)[0] == 'o');
}

static mxc_rng rng, copy; /* 2.5 MB each: static, not on the stack */

static void test_rng(void) {
    float u[2], z[3], z2[2], big[200];
    CHECK(mxc_rng_seed(&rng, 0) == MXC_OK);
    CHECK(mxc_rng_uniform(u, 2, 0.0f, 1.0f, &rng) == MXC_OK);
    CHECK(near(u[0], 0.5488135f, 1e-7f) && near(u[1], 0.5928446f, 1e-7f));
    CHECK(mxc_rng_seed(&rng, 0) == MXC_OK);
    CHECK(mxc_rng_normal(z, 3, 0.0f, 1.0f, &rng) == MXC_OK);
    CHECK(near(z[0], 2.2122064f, 1e-6f) && near(z[1], 0.7740038f, 1e-6f));
    CHECK(mxc_rng_uniform(big, 200, 0.0f, 1.0f, &rng) == MXC_OK && rng.ready == 4);
    copy = rng; /* plain data: a struct copy saves the bank */
    CHECK(mxc_rng_normal(z, 2, 0.0f, 1.0f, &rng) == MXC_OK);
    CHECK(mxc_rng_normal(z2, 2, 0.0f, 1.0f, &copy) == MXC_OK);
    CHECK(z[0] == z2[0] && z[1] == z2[1]);
    copy.engine[1].mti = -2147483647 - 1; /* a damaged state is refused, not read */
    CHECK(mxc_rng_check(&copy) == MXC_ERR_STATE);
    CHECK(mxc_rng_uniform(big, 200, 0.0f, 1.0f, &copy) == MXC_ERR_STATE);
    copy.ready = 1025;
    CHECK(mxc_rng_normal(z, 2, 0.0f, 1.0f, &copy) == MXC_ERR_STATE);
    int64_t order[5] = {0, 1, 2, 3, 4};
    const float uu[5] = {0.9f, 0.1f, 0.5f, 0.99f, 0.0f};
    CHECK(mxc_shuffle_with_uniforms(order, uu, 5) == MXC_OK);
    /* i=4: j=0 swap -> 4 1 2 3 0; i=3: j=3 none; i=2: j=1 swap -> 4 2 1 3 0; i=1: j=0 swap */
    CHECK(order[0] == 2 && order[1] == 4 && order[2] == 1 && order[3] == 3 && order[4] == 0);
    CHECK(mxc_rng_uniform(u, 2, 1.0f, 0.0f, &rng) == MXC_ERR_VALUE);
}

static void test_blas(void) {
    const float a[6] = {1, 2, 3, 4, 5, 6}; /* (2, 3) */
    const float b[6] = {1, 0, 0, 1, 1, 1}; /* (3, 2) */
    float c[4] = {1, 1, 1, 1};
    CHECK(mxc_sgemm(c, a, b, 2, 2, 3, 0, 0, 1.0f, 1.0f) == MXC_OK);
    CHECK(c[0] == 5 && c[1] == 6 && c[2] == 11 && c[3] == 12);
    CHECK(mxc_sgemm(c, a, b, 0, 2, 3, 0, 0, 1.0f, 0.0f) == MXC_ERR_SHAPE);
    int before = mxc_blas_get_num_threads();
    CHECK(mxc_blas_set_num_threads(1) == MXC_OK && mxc_blas_get_num_threads() == 1);
    CHECK(mxc_blas_set_num_threads(0) == MXC_ERR_VALUE);
    CHECK(mxc_blas_set_num_threads(before) == MXC_OK);
}

/* Worked updates: gradient (-0.3, -0.8) from w = (1.1, 1.8), lr = 1. */
static void test_optimizer(void) {
    const float g[2] = {-0.3f, -0.8f};
    float w[2] = {1.1f, 1.8f}, m[2] = {0, 0}, v[2] = {0, 0};
    CHECK(mxc_sgd_update(w, g, 2, 1.0f, 0.0f, 1.0f, -1.0f) == MXC_OK);
    CHECK(near(w[0], 1.4f, 1e-6f) && near(w[1], 2.6f, 1e-6f));
    w[0] = 1.1f, w[1] = 1.8f;
    CHECK(mxc_adam_update(w, m, v, g, 2, 1.0f, 0.9f, 0.999f, 1e-8f, 0.0f, 1.0f, -1.0f) == MXC_OK);
    CHECK(near(w[0], 4.26f, 5e-3f) && near(w[1], 4.96f, 5e-3f));
    float s[2] = {0, 0}, gbar[2] = {0, 0}, delta[2] = {0, 0};
    w[0] = 1.1f, w[1] = 1.8f;
    CHECK(mxc_rmspropalex_update(w, s, gbar, delta, g, 2, 1.0f, 0.95f, 0.9f, 1e-4f, 0.0f, 1.0f,
                                 -1.0f) == MXC_OK);
    CHECK(near(w[0], 5.64f, 5e-3f) && near(w[1], 6.38f, 5e-3f));
    w[0] = 1.1f, w[1] = 1.8f;
    CHECK(mxc_nag_update(w, NULL, g, 2, 1.0f, 0.0f, 0.0f, 1.0f, -1.0f) == MXC_OK);
    CHECK(near(w[0], 1.4f, 1e-6f) && near(w[1], 2.6f, 1e-6f));
    CHECK(mxc_nag_update(w, NULL, g, 2, 1.0f, 0.5f, 0.0f, 1.0f, -1.0f) == MXC_ERR_NULL_PTR);
    CHECK(mxc_adagrad_update(w, m, g, 0, 1.0f, 1e-8f, 0.0f, 1.0f, -1.0f) == MXC_ERR_SHAPE);
    CHECK(mxc_adadelta_update(w, m, v, g, 2, 1.5f, 1e-5f, 0.0f, 1.0f, -1.0f) == MXC_ERR_VALUE);

    /* A heap-allocated run, so ASan sees the exact extents of every array. */
    enum { N = 1031 };
    float *buf = malloc(sizeof(float) * 4 * N);
    CHECK(buf != NULL);
    if (!buf) return;
    float *wh = buf, *gh = buf + N, *ag = buf + 2 * N, *ad = buf + 3 * N;
    for (int i = 0; i < N; i++) wh[i] = 1.0f, gh[i] = (float)(i % 7) - 3.0f, ag[i] = ad[i] = 0;
    CHECK(mxc_adadelta_update(wh, ag, ad, gh, N, 0.9f, 1e-5f, 0.0f, 1.0f, 1.0f) == MXC_OK);
    for (int i = 0; i < N; i++) CHECK(isfinite(wh[i]) && wh[i] >= 0.98f && wh[i] <= 1.02f);
    free(buf);
}

/* A convolution and a pooling of a heap batch, on 1 and then 2 core threads (parallel.c):
 * the bits must agree, the worker threads must start and stop clean. A 3x3 kernel of ones
 * over data of ones gives 9 everywhere inside, fewer at the padded edges. */
static void test_conv_threads(void) {
    enum { N = 5, C = 2, H = 6, F = 3 };
    mxc_conv2d g = {N, C, H, H, F, H, H, 3, 3, 1, 1, 1, 1, 1, 1, 1};
    int64_t work_n = mxc_conv2d_workspace(&g);
    CHECK(work_n > 0);
    size_t xs = N * C * H * H, ys = N * F * H * H, ws = F * C * 9;
    float *buf = malloc(sizeof(float) * (size_t)(xs + 2 * ys + 2 * ws + (size_t)work_n));
    CHECK(buf != NULL);
    if (!buf) return;
    float *x = buf, *y1 = x + xs, *y2 = y1 + ys, *w = y2 + ys, *dw = w + ws, *work = dw + ws;
    for (size_t i = 0; i < xs; i++) x[i] = 1.0f;
    for (size_t i = 0; i < ws; i++) w[i] = 1.0f;
    CHECK(mxc_threads_set(1) == MXC_OK);
    CHECK(mxc_conv2d_forward(y1, x, w, NULL, &g, work, work_n) == MXC_OK);
    CHECK(y1[H + 1] == 18.0f && y1[0] == 8.0f); /* 2 channels x 9 inside, x 4 in a corner */
    CHECK(mxc_threads_set(2) == MXC_OK && mxc_threads_get() == 2);
    CHECK(mxc_conv2d_forward(y2, x, w, NULL, &g, work, work_n) == MXC_OK);
    CHECK(memcmp(y1, y2, sizeof(float) * ys) == 0);
    for (size_t i = 0; i < ws; i++) dw[i] = 0.0f;
    CHECK(mxc_conv2d_backward(y2, dw, NULL, y1, x, w, &g, work, work_n) == MXC_OK); /* dx in y2 */
    mxc_pool2d p = {N, F, H, H, H / 2, H / 2, 2, 2, 2, 2, 0, 0};
    CHECK(mxc_pool2d_forward(y2, y1, &p, MXC_POOL_MAX, 1) == MXC_OK && y2[0] == 18.0f);
    CHECK(mxc_threads_set(1) == MXC_OK && mxc_threads_get() == 1);
    CHECK(mxc_threads_set(0) == MXC_ERR_VALUE);
    free(buf);
}

static void test_ndarray_kernels(void) {
    float a[6] = {1, 2, 3, 4, 5, 6}, b[3] = {10, 20, 30}, out[6];
    int64_t s_out[2] = {2, 3}, s_b[2] = {1, 3};
    CHECK(mxc_broadcast_binary_forward(out, a, b, 2, s_out, s_out, s_b, MXC_BINARY_ADD) == MXC_OK);
    CHECK(near(out[5], 36.0f, 0.0f));
    int reduced[2] = {1, 0};
    float sums[3];
    CHECK(mxc_reduce_forward(sums, a, 2, s_out, reduced, MXC_REDUCE_SUM) == MXC_OK);
    CHECK(near(sums[0], 5.0f, 0.0f) && near(sums[2], 9.0f, 0.0f));
    int64_t axes[2] = {1, 0};
    CHECK(mxc_transpose_forward(out, a, 2, s_out, axes) == MXC_OK);
    CHECK(near(out[1], 4.0f, 0.0f));
    double r[3] = {0.1, 0.2, 0.3}, rout[3];
    int status = -1, n = 3, op = MXC_UNARY_SQUARE;
    mxc_r_unary(&status, rout, r, &n, &op);
    CHECK(status == MXC_OK && rout[2] == (double)(0.3f * 0.3f));
}

/* Every row of both tables is complete, and a step and an update run through them. */
static void test_tables(void) {
    CHECK(mxc_op_info_of(MXC_OP_NONE) == NULL && mxc_op_info_of(MXC_OP_COUNT) == NULL);
    for (int op = 1; op < MXC_OP_COUNT; op++) {
        const mxc_op_info *row = mxc_op_info_of(op);
        CHECK(row != NULL && row->name[0] != '\0');
        /* a backward needs a forward; a forward alone is a non-differentiable op */
        CHECK(row != NULL && (row->backward == NULL || row->forward != NULL));
    }
    float x[3] = {1, 2, 3}, y[3] = {0, 0, 0}, dx[3] = {1, 1, 1}, dy[3] = {4, 5, 6};
    float *ins[1] = {x}, *dins[1] = {dx}, *outs[1] = {y}, *douts[1] = {dy};
    mxc_step s = {0};
    s.op = MXC_OP_FLATTEN;
    s.n_inputs = s.n_outputs = 1;
    s.inputs = ins, s.in_grads = dins, s.outputs = outs, s.out_grads = douts;
    s.param.reshape.n = 3;
    CHECK(mxc_step_forward(&s, 1) == MXC_OK && y[0] == 1 && y[2] == 3);
    CHECK(mxc_step_backward(&s, 1) == MXC_OK && dx[0] == 5 && dx[2] == 7);
    s.op = MXC_OP_BLOCK_GRAD; /* forward only: its backward passes nothing back */
    CHECK(mxc_step_forward(&s, 1) == MXC_OK && y[1] == 2);
    CHECK(mxc_step_backward(&s, 1) == MXC_OK && dx[0] == 5 && dx[2] == 7);
    s.op = MXC_OP_FLATTEN;
    s.n_inputs = 0;
    CHECK(mxc_step_forward(&s, 1) == MXC_ERR_SHAPE);
    s.op = MXC_OP_NONE;
    CHECK(mxc_step_forward(&s, 1) == MXC_ERR_VALUE);

    CHECK(mxc_optimizer_info_of(MXC_OPT_NONE) == NULL);
    for (int k = 1; k < MXC_OPT_COUNT; k++) {
        const mxc_optimizer_info *row = mxc_optimizer_info_of(k);
        CHECK(row != NULL && row->apply != NULL && row->n_states <= MXC_OPT_MAX_STATES);
    }
    const float g[2] = {-0.3f, -0.8f};
    float w[2] = {1.1f, 1.8f};
    mxc_update u = {0};
    u.kind = MXC_OPT_SGD, u.n = 2, u.w = w, u.g = g;
    u.hp.lr = 1.0f, u.hp.rescale_grad = 1.0f, u.hp.clip_gradient = -1.0f;
    CHECK(mxc_update_apply(&u) == MXC_OK && near(w[0], 1.4f, 1e-6f) && near(w[1], 2.6f, 1e-6f));
    u.kind = MXC_OPT_COUNT;
    CHECK(mxc_update_apply(&u) == MXC_ERR_VALUE);
}

int main(void) {
    test_status();
    test_rng();
    test_blas();
    test_optimizer();
    test_conv_threads();
    test_ndarray_kernels();
    test_tables();
    if (failures) {
        fprintf(stderr, "smoke: %d check(s) failed\n", failures);
        return 1;
    }
    printf("smoke: ok\n");
    return 0;
}
