/* metric.h: the built-in metrics and the finiteness scans of the fused path. */

enum { MXC_METRIC_NONE = 0, MXC_METRIC_ACCURACY = 1, MXC_METRIC_MSE = 2, MXC_METRIC_RMSE = 3,
       MXC_METRIC_MAE = 4 };

/* The per-call value of a built-in metric exactly as mxnet_r_compat/learn/metric.py
 * computes it with numpy: float64 arithmetic, numpy's pairwise summation and
 * first-maximum argmax (NaN wins), the result rounded to float32.
 * ACCURACY: pred (n, c) and n labels. MSE, RMSE, MAE: n*c values each. */
int mxc_metric_value(double *value, const float *pred, const float *label, int64_t n, int64_t c,
                     int kind);

/* 1 when all n values are finite, else 0 (n may be 0). */
int mxc_all_finite(const float *x, int64_t n);

/* The same for doubles as they will be used: rounded to float32 (so a double beyond
 * float32's range, which rounds to Inf, counts as not finite). */
int mxc_all_finite_as_f32(const double *x, int64_t n);
