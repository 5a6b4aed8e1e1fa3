/* metric.h: the built-in metrics and the finiteness scans of the fused path. */

enum { MXC_METRIC_NONE = 0, MXC_METRIC_ACCURACY = 1, MXC_METRIC_MSE = 2, MXC_METRIC_RMSE = 3,
       MXC_METRIC_MAE = 4, MXC_METRIC_CROSS_ENTROPY = 5, MXC_METRIC_LOGLOSS = 6,
       MXC_METRIC_LAST = 6 };

/* The per-call value of a built-in metric, rounded to float32 as MXNet's NDArray results.
 * ACCURACY: pred (n, c) and n labels, numpy's first-maximum argmax (NaN wins), as
 * mxnet_r_compat/learn/metric.py computes it. MSE, RMSE, MAE: n*c values each, in float32
 * with MXNet's compensated sum, as MXNet R's mx.metric.* compute them (learn/metric.py calls
 * this function for them). CROSS_ENTROPY: pred (n, c) probabilities and n class indices,
 * mean of -log(max(p[label], 1e-12)) in double; LOGLOSS: n*c probabilities and 0/1 labels,
 * mean of -(y log p + (1 - y) log(1 - p)) with p clipped to [1e-15, 1 - 1e-15], in double:
 * the losses SoftmaxOutput and LogisticRegressionOutput minimise (learn/default_metrics.py).
 * A class index outside 0..c-1 is MXC_ERR_VALUE. */
int mxc_metric_value(double *value, const float *pred, const float *label, int64_t n, int64_t c,
                     int kind);

/* 1 when all n values are finite, else 0 (n may be 0). */
int mxc_all_finite(const float *x, int64_t n);

/* The same for doubles as they will be used: rounded to float32 (so a double beyond
 * float32's range, which rounds to Inf, counts as not finite). */
int mxc_all_finite_as_f32(const double *x, int64_t n);
