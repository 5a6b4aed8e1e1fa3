"""The RNG (native/rng.c): MXNet 1.9.1's bank of 1024 mt19937 engines, and the BLAS door.

Oracles: an independent pure-Python MT19937 (init_genrand seeding as std::mt19937, checked
against the C++ standard's value: the 10000th output of a default-seeded std::mt19937 is
4123659995), the chunking rule of native/rng.h restated in Python, and numpy float32
re-statements of libstdc++'s generate_canonical<float, 24> and polar-method normal (with
glibc's logf/sqrtf through ctypes, as libstdc++ calls them). MXNet's own numbers are in
tests/test_rng_golden.py. SGEMM is checked against numpy in float64.
"""

from __future__ import annotations

import ctypes
import math

import numpy as np
import pytest

from mxnet_r_compat._lib import NULL, ffi, fptr, lib

f32 = np.float32
MXC_OK, MXC_ERR_NULL_PTR, MXC_ERR_SHAPE, MXC_ERR_VALUE, MXC_ERR_STATE = (
    lib.MXC_OK, lib.MXC_ERR_NULL_PTR, lib.MXC_ERR_SHAPE, lib.MXC_ERR_VALUE, lib.MXC_ERR_STATE)
ENGINES, WORDS = 1024, 624
_libm = ctypes.CDLL("libm.so.6")
for _fn in (_libm.logf, _libm.sqrtf):
    _fn.restype, _fn.argtypes = ctypes.c_float, [ctypes.c_float]


def new_rng(seed: int):
    rng = ffi.new("mxc_rng *")
    assert lib.mxc_rng_seed(rng, seed) == MXC_OK
    return rng


def uniform(rng, n: int, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    out = np.empty(n, f32)
    assert lib.mxc_rng_uniform(fptr(out, writable=True), n, lo, hi, rng) == MXC_OK
    return out


def normal(rng, n: int, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    out = np.empty(n, f32)
    assert lib.mxc_rng_normal(fptr(out, writable=True), n, mean, sd, rng) == MXC_OK
    return out


def raw(rng, n: int) -> list[int]:
    out = np.empty(n, np.uint32)
    assert lib.mxc_rng_raw(ffi.cast("uint32_t *", ffi.from_buffer(out)), n, rng) == MXC_OK
    return out.tolist()


# ---------------------------------------------------------------------------------------------
# a pure-Python MT19937, written from Matsumoto & Nishimura (1998), and the bank around it

class PyMT:
    def __init__(self, seed: int) -> None:
        self.mt = [seed & 0xFFFFFFFF]
        for i in range(1, WORDS):
            prev = self.mt[-1]
            self.mt.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
        self.i = WORDS

    def next(self) -> int:
        if self.i == WORDS:
            for k in range(WORDS):
                y = (self.mt[k] & 0x80000000) | (self.mt[(k + 1) % WORDS] & 0x7FFFFFFF)
                self.mt[k] = self.mt[(k + 397) % WORDS] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.i = 0
        y = self.mt[self.i]
        self.i += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)


def chunks(n: int) -> list[tuple[int, int, int]]:
    """native/rng.h's rule: (engine, begin, end) of each non-empty chunk of an n-number call."""
    nchunk = min(-(-n // 64), ENGINES)
    step = -(-n // nchunk)
    return [(t, t * step, min((t + 1) * step, n)) for t in range(nchunk) if t * step < n]


class PyBank:
    """Engine i = PyMT(seed * 127 + i), created when first used; calls chunked as in C."""

    def __init__(self, seed: int) -> None:
        self.seed, self.engines = seed, {}

    def engine(self, i: int) -> PyMT:
        if i not in self.engines:
            self.engines[i] = PyMT((self.seed * 127 + i) & 0xFFFFFFFF)
        return self.engines[i]

    def raw(self, n: int) -> list[int]:
        out = [0] * n
        for t, a, b in chunks(n):
            e = self.engine(t)
            out[a:b] = [e.next() for _ in range(b - a)]
        return out

    def normal(self, n: int) -> np.ndarray:
        out = np.empty(n, f32)
        for t, a, b in chunks(n):
            for i in range(a, b):
                out[i] = polar(self.engine(t))
        return out


def canonical(u32: int) -> np.float32:
    """generate_canonical<float, 24> for one 32-bit draw, in float32."""
    u = f32(u32) / f32(4294967296.0)
    return u if u < 1 else np.nextafter(f32(1), f32(0))


def polar(e: PyMT) -> np.float32:
    """A fresh normal_distribution<float>: the polar method's first value (libstdc++)."""
    while True:
        x = f32(float(f32(2) * canonical(e.next())) - 1.0)
        y = f32(float(f32(2) * canonical(e.next())) - 1.0)
        r2 = f32(x * x + y * y)
        if 0 < r2 <= 1:
            return y * f32(_libm.sqrtf(f32(-2) * f32(_libm.logf(r2)) / r2))


def untemper(y: int) -> int:
    """Inverse of MT19937's output tempering: the state word that yields output y."""
    y ^= y >> 18
    y ^= (y << 15) & 0xEFC60000
    x = y
    for _ in range(5):  # y ^= (y << 7) & mask, solved 7 bits at a time
        x = y ^ ((x << 7) & 0x9D2C5680)
    y = x & 0xFFFFFFFF
    x = y
    for _ in range(3):  # y ^= y >> 11
        x = y ^ (x >> 11)
    return x & 0xFFFFFFFF


def force_next_output(rng, value: int, engine: int = 0) -> None:
    """Make engine's next raw draw equal to value (engines up to it are set up first)."""
    if rng.ready <= engine:
        raw(rng, (engine + 1) * 64)  # a call with engine + 1 chunks
    e = rng.engine[engine]
    e.mti = 0
    e.mt[0] = untemper(value)


# ---------------------------------------------------------------------------------------------
# seeding, chunking and engines

def test_python_oracle_meets_the_cpp_standard_check_value() -> None:
    ref = PyMT(5489)
    assert [ref.next() for _ in range(10000)][-1] == 4123659995


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 - 1, 2**32 - 1])
@pytest.mark.parametrize("n", [1, 63, 64, 65, 169, 1400, 65537])
def test_one_call_is_chunked_over_engines_seeded_seed_times_127_plus_i(seed: int, n: int):
    assert raw(new_rng(seed), n) == PyBank(seed).raw(n)


def test_engines_continue_across_calls_until_the_next_seed() -> None:
    rng, ref = new_rng(7), PyBank(7)
    for n in (169, 13, 337, 5000, 1, 64 * 1024 + 5, 700):  # crosses regenerations
        assert raw(rng, n) == ref.raw(n)
    assert lib.mxc_rng_seed(rng, 7) == MXC_OK
    assert raw(rng, 300) == PyBank(7).raw(300)


def test_engines_are_set_up_lazily_and_only_those_a_call_draws_from() -> None:
    rng = new_rng(3)
    assert (rng.seed, rng.ready) == (3, 0)  # seeding touches no engine
    for n, ready in [(13, 1), (169, 3), (100, 3), (65537, 1009), (100352, 1024), (5, 1024)]:
        raw(rng, n)
        assert rng.ready == ready, n  # 65537: step 65, chunks 1009.. are empty
    assert lib.mxc_rng_seed(rng, 3) == MXC_OK and rng.ready == 0


def test_the_default_bank_starts_as_seed_0_like_mxnet() -> None:
    fresh = ffi.new("mxc_rng *")  # zeros, as the static default bank before any seed
    assert raw(fresh, 700) == raw(new_rng(0), 700)


def test_untemper_helper() -> None:
    for v in [0, 1, 0xFFFFFFFF, 0xDEADBEEF, 123456789]:
        rng = new_rng(0)
        force_next_output(rng, v)
        assert raw(rng, 1) == [v]


# ---------------------------------------------------------------------------------------------
# uniform and normal

def test_uniform_is_lo_plus_range_times_canonical_in_float32() -> None:
    n, lo, hi = 5000, f32(-2.0), f32(3.0)
    got = uniform(new_rng(3), n, float(lo), float(hi))
    want = np.array([lo + (hi - lo) * canonical(x) for x in PyBank(3).raw(n)], f32)
    np.testing.assert_array_equal(got, want)


def test_documented_values_for_seed_0() -> None:
    """mx.set.seed(0): mx.runif(2) as MXNet R documents it; mx.rnorm(2) as MXNet 1.9.1
    draws it (the second value differs from the older docs' 1.163079)."""
    np.testing.assert_array_equal(uniform(new_rng(0), 2), f32([0.5488135, 0.5928446]))
    np.testing.assert_array_equal(normal(new_rng(0), 2), f32([2.2122064, 0.7740038]))


@pytest.mark.parametrize(("lo", "hi"), [(0.0, 1.0), (-2.0, 3.0), (10.0, 10.5), (-1e-3, 0.0)])
def test_uniform_bounds(lo: float, hi: float) -> None:
    x = uniform(new_rng(11), 100_000, lo, hi)
    assert x.min() >= f32(lo) and x.max() < f32(hi)
    assert x.min() - f32(lo) < (hi - lo) * 1e-3 and f32(hi) - x.max() < (hi - lo) * 1e-3


@pytest.mark.parametrize(("lo", "hi"), [(0.0, 1.0), (-2.0, 3.0), (0.0, 1e6)])
def test_uniform_largest_draw_stays_below_hi(lo: float, hi: float) -> None:
    """The all-ones draw rounds to 1.0f and is clamped just below it (libstdc++)."""
    rng = new_rng(0)
    force_next_output(rng, 0xFFFFFFFF)
    assert uniform(rng, 1, lo, hi)[0] < f32(hi)


def test_uniform_largest_draw_can_round_to_hi_like_libstdcxx() -> None:
    """Pinned quirk: u = 1 - 2^-24 on [1, 2) rounds (ties to even) to exactly 2 in float32,
    as std::uniform_real_distribution<float> does; MXNet's CPU sampler inherits it."""
    rng = new_rng(0)
    force_next_output(rng, 0xFFFFFFFF)
    assert uniform(rng, 1, 1.0, 2.0)[0] == f32(2.0)


def test_uniform_lo_equals_hi_and_empty_draws() -> None:
    np.testing.assert_array_equal(uniform(new_rng(1), 10, 2.5, 2.5), 2.5)
    rng = new_rng(1)
    assert uniform(rng, 0).size == 0 and rng.ready == 0


@pytest.mark.parametrize("n", [1, 10, 169, 700])
def test_normal_is_one_fresh_polar_draw_per_number(n: int) -> None:
    np.testing.assert_array_equal(normal(new_rng(9), n), PyBank(9).normal(n))


def test_normal_statistics() -> None:
    x = normal(new_rng(123), 100_000, 1.5, 2.0).astype(np.float64)
    assert abs(x.mean() - 1.5) < 4 * 2.0 / math.sqrt(x.size)
    assert abs(x.std() - 2.0) < 4 * 2.0 / math.sqrt(2 * x.size)
    z = (x - 1.5) / 2.0
    assert abs(np.mean(z**3)) < 0.05 and abs(np.mean(z**4) - 3.0) < 0.1
    assert abs(np.mean(np.abs(z) < 1) - 0.682689) < 0.005


def test_normal_is_z_times_sd_plus_mean_in_float32() -> None:
    z = normal(new_rng(4), 300)
    np.testing.assert_array_equal(normal(new_rng(4), 300, -3.25, 0.5), z * f32(0.5) + f32(-3.25))
    np.testing.assert_array_equal(normal(new_rng(1), 9, -3.25, 0.0), -3.25)


# ---------------------------------------------------------------------------------------------
# the state: plain data, engines in use only, checked before use

def test_copying_the_header_and_the_engines_in_use_continues_the_stream() -> None:
    rng = new_rng(2024)
    uniform(rng, 600)
    normal(rng, 333)
    used = ffi.offsetof("mxc_rng", "engine") + rng.ready * ffi.sizeof("mxc_mt19937")
    saved = bytes(ffi.buffer(rng, used))

    def continue_stream(r) -> np.ndarray:
        return np.concatenate([normal(r, 1), uniform(r, 100), normal(r, 5), uniform(r, 70000)])

    first = continue_stream(rng)
    other = new_rng(99)
    uniform(other, 100352)  # every engine of `other` in use, none of them like rng's
    ffi.buffer(other, used)[:] = saved  # engines past `ready` are stale but not in use
    assert continue_stream(other).tobytes() == first.tobytes()


@pytest.mark.parametrize("mti", [-2**31, -100000, -1, 625, 2**31 - 1])
def test_an_engine_index_out_of_range_is_refused_without_reading(mti: int) -> None:
    rng = new_rng(5)
    uniform(rng, 200)  # engines 0..3 in use
    rng.engine[2].mti = mti
    out = np.full(200, 7, f32)
    p = fptr(out, writable=True)
    assert lib.mxc_rng_check(rng) == MXC_ERR_STATE
    assert lib.mxc_rng_uniform(p, 200, 0, 1, rng) == MXC_ERR_STATE
    assert lib.mxc_rng_normal(p, 200, 0, 1, rng) == MXC_ERR_STATE
    u32 = ffi.new("uint32_t[200]")
    assert lib.mxc_rng_raw(u32, 200, rng) == MXC_ERR_STATE
    assert lib.mxc_dropout_forward(p, p, p, 200, 0.5, rng) == MXC_ERR_STATE
    np.testing.assert_array_equal(out, 7)  # nothing written
    assert lib.mxc_rng_uniform(p, 100, 0, 1, rng) == MXC_OK  # engines 0, 1 only: fine


@pytest.mark.parametrize("ready", [-2**31, -1, 1025, 2**31 - 1])
def test_a_ready_count_out_of_range_is_refused(ready: int) -> None:
    rng = new_rng(5)
    rng.ready = ready
    out = np.zeros(3, f32)
    assert lib.mxc_rng_check(rng) == MXC_ERR_STATE
    assert lib.mxc_rng_uniform(fptr(out, writable=True), 3, 0, 1, rng) == MXC_ERR_STATE
    assert lib.mxc_rng_seed(rng, 5) == MXC_OK and lib.mxc_rng_check(rng) == MXC_OK


# ---------------------------------------------------------------------------------------------
# shuffle

def py_shuffle(order: list[int], u: np.ndarray) -> list[int]:
    """MXNet R's io.cc: for i = n-1 down to 1, j = (size_t)(u[i] * (i+1)) in double."""
    order = list(order)
    for i in range(len(order) - 1, 0, -1):
        j = int(float(u[i]) * (i + 1))
        if j < i:
            order[i], order[j] = order[j], order[i]
    return order


def shuffle(order: np.ndarray, u: np.ndarray) -> int:
    ptr = ffi.cast("int64_t *", ffi.from_buffer(order, require_writable=True))
    return lib.mxc_shuffle_with_uniforms(ptr, fptr(u), order.size)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 1000])
def test_shuffle_matches_python(n: int) -> None:
    u = uniform(new_rng(n), n)
    start = np.arange(n, dtype=np.int64)[::-1].copy()  # any starting order
    order = start.copy()
    assert shuffle(order, u) == MXC_OK
    assert order.tolist() == py_shuffle(start.tolist(), u)
    assert sorted(order.tolist()) == sorted(start.tolist())
    if n >= 7:
        assert order.tolist() != start.tolist()


def test_shuffle_index_is_computed_in_double() -> None:
    """u * (i + 1) just below an integer in double can round up to it in float32: MXNet R
    computes in double, so j stays below it."""
    i, u_i = 10, np.nextafter(f32(5 / 11), f32(0))  # 0.45454544 * 11 = 4.99999984 in double
    assert math.floor(u_i * f32(i + 1)) == 5 and int(float(u_i) * (i + 1)) == 4
    u = np.zeros(i + 1, f32)
    u[i] = u_i
    order = np.arange(i + 1, dtype=np.int64)
    assert shuffle(order, u) == MXC_OK
    assert order[i] == 4 and order.tolist() == py_shuffle(list(range(i + 1)), u)


def test_shuffle_u_near_one_keeps_j_below_i_plus_one() -> None:
    u = np.full(5, np.nextafter(f32(1), f32(0)), f32)  # j = i each time: no swap
    order = np.arange(5, dtype=np.int64)
    assert shuffle(order, u) == MXC_OK
    assert order.tolist() == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------------------------------------
# bad arguments

def test_rng_bad_arguments() -> None:
    out = np.zeros(4, f32)
    p = fptr(out, writable=True)
    rng = new_rng(0)
    assert lib.mxc_rng_seed(NULL, 0) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_check(NULL) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_uniform(NULL, 4, 0, 1, rng) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_uniform(p, 4, 0, 1, NULL) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_uniform(p, -1, 0, 1, rng) == MXC_ERR_SHAPE
    assert lib.mxc_rng_uniform(p, 2**63 - 1, 0, 1, rng) == MXC_ERR_SHAPE  # no overflow
    assert lib.mxc_rng_uniform(p, 4, 1, 0, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_uniform(p, 4, math.nan, 1, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_normal(NULL, 4, 0, 1, rng) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_normal(p, 4, 0, 1, NULL) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_normal(p, -1, 0, 1, rng) == MXC_ERR_SHAPE
    assert lib.mxc_rng_normal(p, 4, 0, -1, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_normal(p, 4, 0, math.nan, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_raw(NULL, 4, rng) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_raw(ffi.new("uint32_t[4]"), -1, rng) == MXC_ERR_SHAPE
    np.testing.assert_array_equal(out, 0)  # nothing written on error
    order = np.arange(3, dtype=np.int64)
    op = ffi.cast("int64_t *", ffi.from_buffer(order, require_writable=True))
    u = np.zeros(3, f32)
    assert lib.mxc_shuffle_with_uniforms(NULL, fptr(u), 3) == MXC_ERR_NULL_PTR
    assert lib.mxc_shuffle_with_uniforms(op, NULL, 3) == MXC_ERR_NULL_PTR
    assert lib.mxc_shuffle_with_uniforms(op, fptr(u), -1) == MXC_ERR_SHAPE
    assert rng.ready == 0 and raw(rng, 1) == raw(new_rng(0), 1)  # the failed calls drew nothing


# ---------------------------------------------------------------------------------------------
# BLAS: sgemm and threads

transposes = pytest.mark.parametrize(("ta", "tb"), [(0, 0), (0, 1), (1, 0), (1, 1)])
gemm_shapes = pytest.mark.parametrize(("m", "n", "k"), [(1, 1, 1), (5, 7, 3), (64, 33, 17),
                                                        (128, 128, 784)])


@transposes
@gemm_shapes
def test_sgemm_matches_numpy(ta: int, tb: int, m: int, n: int, k: int) -> None:
    rs = np.random.default_rng(m * 1000 + n * 10 + k + 2 * ta + tb)
    a = rs.standard_normal((k, m) if ta else (m, k)).astype(f32)
    b = rs.standard_normal((n, k) if tb else (k, n)).astype(f32)
    c = rs.standard_normal((m, n)).astype(f32)
    alpha, beta = 0.75, -0.5
    want = alpha * ((a.T if ta else a).astype(np.float64) @ (b.T if tb else b)) + beta * c
    rc = lib.mxc_sgemm(fptr(c, writable=True), fptr(a), fptr(b), m, n, k, ta, tb, alpha, beta)
    assert rc == MXC_OK
    np.testing.assert_allclose(c, want, rtol=1e-4, atol=1e-5 * math.sqrt(k))


def test_sgemm_bad_arguments() -> None:
    a = np.ones((2, 2), f32)
    c = np.zeros((2, 2), f32)
    pa, pc = fptr(a), fptr(c, writable=True)
    assert lib.mxc_sgemm(NULL, pa, pa, 2, 2, 2, 0, 0, 1, 0) == MXC_ERR_NULL_PTR
    assert lib.mxc_sgemm(pc, NULL, pa, 2, 2, 2, 0, 0, 1, 0) == MXC_ERR_NULL_PTR
    assert lib.mxc_sgemm(pc, pa, NULL, 2, 2, 2, 0, 0, 1, 0) == MXC_ERR_NULL_PTR
    for m, n, k in [(0, 2, 2), (2, 0, 2), (2, 2, 0), (-1, 2, 2)]:
        assert lib.mxc_sgemm(pc, pa, pa, m, n, k, 0, 0, 1, 0) == MXC_ERR_SHAPE
    assert lib.mxc_sgemm(pc, pa, pa, 2, 2, 2, 2, 0, 1, 0) == MXC_ERR_VALUE
    assert lib.mxc_sgemm(pc, pa, pa, 2, 2, 2, 0, -1, 1, 0) == MXC_ERR_VALUE
    np.testing.assert_array_equal(c, 0)


@pytest.fixture
def restore_blas_threads():
    before = lib.mxc_blas_get_num_threads()
    yield before
    assert lib.mxc_blas_set_num_threads(before) == MXC_OK


def test_blas_threads_round_trip(restore_blas_threads: int) -> None:
    assert restore_blas_threads >= 1
    for n in (1, 2, 1):
        assert lib.mxc_blas_set_num_threads(n) == MXC_OK
        assert lib.mxc_blas_get_num_threads() == n
    for bad in (0, -1, -(2**31)):
        assert lib.mxc_blas_set_num_threads(bad) == MXC_ERR_VALUE
        assert lib.mxc_blas_get_num_threads() == 1
