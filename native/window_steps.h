/* window_steps.h: the fused-path steps (fused.h) of the convolutional operators.
 *
 * Each step makes exactly the calls its Python kernel makes (mxnet_r_compat/ops/conv.py,
 * pool.py, embedding.py, leakyrelu.py, softmax_activation.py, upsampling.py, lrn.py,
 * dropout.py), so a fused run is bit-identical to the per-kernel one. What a step reads,
 * besides y, x, dx, dy (output, data input and their gradients):
 *   CONV, DECONV     w, b (NULL: no_bias), dw, db; geom = its mxc_conv2d; work, work_n
 *   POOL             geom = its mxc_pool2d; kind = pool type; flag = count_include_pad
 *   EMBEDDING        x = the indices, w = weight, dw; dim {n, input_dim, output_dim}
 *   LEAKY_RELU       dim {n}; kind, fparam[0] = slope; flag = rrelu: aux = the slopes,
 *                    rng, fparam[1..2] = lower, upper (random only while training)
 *   PRELU            w = gamma, dw; dim {outer, c, inner, gamma_n}
 *   SOFTMAX_ACT      dim {outer, c, inner}
 *   UPSAMPLING       one input: dim {n, c, h, w}; kind = scale
 *   LRN              aux = the normaliser; dim {n, c, inner, nsize};
 *                    fparam {alpha, beta, knorm}
 *   DROPOUT_SHARED   aux = the mask, rng; fparam[0] = p; flag = mode "always"; dim {ndim};
 *                    geom = int64_t[2 ndim]: the data's shape, then the mask's */

int mxc_window_step_forward(const mxc_step *s, int is_train);
int mxc_window_step_backward(const mxc_step *s, int is_train);
