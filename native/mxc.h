/*
 * mxc.h: the public C API of the mxnet_r_compat core.
 *
 * What this is: the operators, optimizer updates and random numbers that one
 * training step of an MXNet-R compatible trainer needs. What it is not: a
 * graph engine. The Python executor decides which op runs when; every op here
 * is a pure function of the buffers it is given.
 *
 * Conventions (hold for every function in every module header):
 *   - float32 data, row-major (C order), batch on the first axis: this is the
 *     MXNet backend order, the reverse of the R dimension order.
 *   - Argument order: outputs, inputs, extents, hyper-parameters, rng.
 *   - Extents are int64_t and must be >= 1 (else MXC_ERR_SHAPE).
 *   - Backward functions ACCUMULATE (+=) into their gradient outputs; the
 *     caller zeroes them (MXNet grad_req "write" = zero, then add).
 *     A NULL gradient output means "not needed" and is skipped.
 *   - No allocation, no printing, no exit(): every function returns an
 *     MXC_* status code, and mxc_status_str() turns it into text.
 *   - The only global state is the default RNG (rng.c); every sampler takes
 *     an explicit mxc_rng * so that tests and threads can own their streams.
 *
 * Each module's declarations live in its own header (status.h, rng.h, ...),
 * written in the subset of C that cffi's cdef() parses, so the Python build
 * (build_ffi.py) reads exactly the text the C compiler sees.
 */
#ifndef MXC_H
#define MXC_H

#include <stdint.h>
#include <stddef.h>

#include "status.h"
#include "blas.h"
#include "rng.h"
#include "dense.h"
#include "activation.h"
#include "output.h"
#include "dropout.h"
#include "batchnorm.h"
#include "concat.h"
#include "elemwise.h"
#include "optimizer.h"
#include "fused.h"
#include "csv.h"
#include "idx.h"

#endif /* MXC_H */
