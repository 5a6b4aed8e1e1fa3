"""The RNG (native/rng.c) and the BLAS door (native/blas.c).

RNG oracles: MXNet R's documented values for mx.set.seed(0) (docs/MXNET_R_BEHAVIOUR.md,
"Initializers, contexts and random numbers"),
an independent pure-Python MT19937 (init_genrand seeding as std::mt19937), the
C++ standard's check value (the 10000th output of a default-seeded
std::mt19937 is 4123659995), and numpy float32 re-statements of libstdc++'s
generate_canonical<float, 24> and polar-method normal. SGEMM is checked
against numpy in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mxnet_r_compat._lib import NULL, ffi, fptr, lib

f32 = np.float32
MXC_OK, MXC_ERR_NULL_PTR, MXC_ERR_SHAPE, MXC_ERR_VALUE = 0, 1, 2, 3


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
    return [lib.mxc_rng_next_u32(rng) for _ in range(n)]


# ---------------------------------------------------------------------------------------------
# a pure-Python MT19937, written from Matsumoto & Nishimura (1998)

class PyMT:
    def __init__(self, seed: int) -> None:
        self.mt = [seed & 0xFFFFFFFF]
        for i in range(1, 624):
            prev = self.mt[-1]
            self.mt.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
        self.i = 624

    def next(self) -> int:
        if self.i == 624:
            for k in range(624):
                y = (self.mt[k] & 0x80000000) | (self.mt[(k + 1) % 624] & 0x7FFFFFFF)
                self.mt[k] = self.mt[(k + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.i = 0
        y = self.mt[self.i]
        self.i += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        return y ^ (y >> 18)


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


def force_next_output(rng, value: int) -> None:
    """Make the next raw draw of rng equal to value."""
    rng.mti = 0
    rng.mt[0] = untemper(value)
    rng.has_saved = 0


def canonical(u32: int) -> np.float32:
    """generate_canonical<float, 24> for one 32-bit draw, in float32."""
    u = f32(u32) / f32(4294967296.0)
    return u if u < 1 else np.nextafter(f32(1), f32(0))


# ---------------------------------------------------------------------------------------------
# documented values, raw stream

def test_mxnet_r_documented_values_for_seed_0() -> None:
    """mx.set.seed(0); mx.runif(2) and (freshly seeded) mx.rnorm(2), from MXNet R's docs."""
    np.testing.assert_allclose(uniform(new_rng(0), 2), [0.5488135, 0.5928446], rtol=0, atol=6e-8)
    np.testing.assert_allclose(normal(new_rng(0), 2), [2.212206, 1.163079], rtol=0, atol=6e-7)


@pytest.mark.parametrize("seed", [0, 1, 42, 5489, 2**31, 2**32 - 1])
def test_raw_stream_matches_python_mt19937(seed: int) -> None:
    ref = PyMT(seed)
    n = 1400  # crosses two regenerations of the 624-word state
    assert raw(new_rng(seed), n) == [ref.next() for _ in range(n)]


def test_cpp_standard_check_value_and_default_seed() -> None:
    rng = new_rng(5489)
    assert raw(rng, 10000)[-1] == 4123659995
    # An unseeded stream (mti > 624) seeds itself like a default std::mt19937.
    fresh = ffi.new("mxc_rng *")
    fresh.mti = 625
    assert raw(fresh, 3) == raw(new_rng(5489), 3)


def test_untemper_helper() -> None:
    for v in [0, 1, 0xFFFFFFFF, 0xDEADBEEF, 123456789]:
        rng = new_rng(0)
        force_next_output(rng, v)
        assert lib.mxc_rng_next_u32(rng) == v


# ---------------------------------------------------------------------------------------------
# uniform and normal

def test_same_seed_same_streams_and_other_seed_differs() -> None:
    def stream(seed: int) -> np.ndarray:
        r = new_rng(seed)
        return np.concatenate([uniform(r, 5), normal(r, 3), uniform(r, 700, -1, 2),
                               normal(r, 1001)])

    a, b, c = stream(7), stream(7), stream(8)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)


def test_uniform_is_canonical_times_range_plus_lo() -> None:
    ref = PyMT(3)
    got = uniform(new_rng(3), 1000, -2.0, 3.0)
    want = np.array([canonical(ref.next()) * f32(5.0) + f32(-2.0) for _ in range(1000)], f32)
    np.testing.assert_array_equal(got, want)


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


def test_uniform_lo_equals_hi() -> None:
    np.testing.assert_array_equal(uniform(new_rng(1), 10, 2.5, 2.5), 2.5)


def test_normal_statistics() -> None:
    x = normal(new_rng(123), 100_000, 1.5, 2.0).astype(np.float64)
    assert abs(x.mean() - 1.5) < 4 * 2.0 / math.sqrt(x.size)
    assert abs(x.std() - 2.0) < 4 * 2.0 / math.sqrt(2 * x.size)
    z = (x - 1.5) / 2.0
    assert abs(np.mean(z**3)) < 0.05 and abs(np.mean(z**4) - 3.0) < 0.1
    assert abs(np.mean(np.abs(z) < 1) - 0.682689) < 0.005


def test_normal_is_polar_method_second_member_first() -> None:
    ref = PyMT(9)
    want = []
    while len(want) < 200:
        x = f32(2) * canonical(ref.next()) - f32(1)
        y = f32(2) * canonical(ref.next()) - f32(1)
        r2 = x * x + y * y
        if r2 > 1 or r2 == 0:
            continue
        mult = np.sqrt(f32(-2) * np.log(r2) / r2)
        want += [y * mult, x * mult]
    np.testing.assert_allclose(normal(new_rng(9), 200), np.array(want, f32), rtol=2e-6,
                               atol=1e-7)


def test_normal_sd_zero_gives_the_mean() -> None:
    np.testing.assert_array_equal(normal(new_rng(1), 9, -3.25, 0.0), -3.25)


# ---------------------------------------------------------------------------------------------
# save and restore by copying the struct bytes

def test_struct_bytes_restore_continues_bit_exactly_with_spare_normal() -> None:
    rng = new_rng(2024)
    uniform(rng, 600)  # close to a state regeneration
    normal(rng, 3)  # odd count: a spare normal is held
    assert rng.has_saved == 1
    saved = bytes(ffi.buffer(rng))
    assert len(saved) == ffi.sizeof("mxc_rng")

    def continue_stream(r) -> np.ndarray:
        return np.concatenate([normal(r, 1), uniform(r, 100), normal(r, 5), uniform(r, 1000)])

    first = continue_stream(rng)
    ffi.buffer(rng)[:] = saved  # restore in place
    second = continue_stream(rng)
    other = ffi.new("mxc_rng *")  # restore into another struct
    ffi.buffer(other)[:] = saved
    third = continue_stream(other)
    assert first.tobytes() == second.tobytes() == third.tobytes()
    # The spare is really used: without it the stream differs.
    ffi.buffer(other)[:] = saved
    other.has_saved = 0
    assert normal(other, 1)[0] != first[0]


def test_seed_drops_spare_normal() -> None:
    rng = new_rng(5)
    normal(rng, 1)
    assert rng.has_saved == 1
    lib.mxc_rng_seed(rng, 0)
    assert rng.has_saved == 0
    np.testing.assert_allclose(normal(rng, 1), [2.212206], atol=6e-7)


# ---------------------------------------------------------------------------------------------
# shuffle

def py_shuffle(order: list[int], u: np.ndarray) -> list[int]:
    """Spec section 11: for i = n-1 down to 1, j = floor(u[i]*(i+1)); if j < i swap."""
    order = list(order)
    for i in range(len(order) - 1, 0, -1):
        j = math.floor(f32(u[i]) * f32(i + 1))
        if j < i:
            order[i], order[j] = order[j], order[i]
    return order


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 1000])
def test_shuffle_matches_python(n: int) -> None:
    u = uniform(new_rng(n), n)
    start = np.arange(n, dtype=np.int64)[::-1].copy()  # any starting order
    order = start.copy()
    ptr = ffi.cast("int64_t *", ffi.from_buffer(order, require_writable=True))
    assert lib.mxc_shuffle_with_uniforms(ptr, fptr(u), n) == MXC_OK
    assert order.tolist() == py_shuffle(start.tolist(), u)
    assert sorted(order.tolist()) == sorted(start.tolist())
    if n >= 7:
        assert order.tolist() != start.tolist()


def test_shuffle_u_near_one_keeps_j_below_i_plus_one() -> None:
    u = np.full(5, np.nextafter(f32(1), f32(0)), f32)  # j = i each time: no swap
    order = np.arange(5, dtype=np.int64)
    ptr = ffi.cast("int64_t *", ffi.from_buffer(order, require_writable=True))
    assert lib.mxc_shuffle_with_uniforms(ptr, fptr(u), 5) == MXC_OK
    assert order.tolist() == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------------------------------------
# bad arguments

def test_rng_bad_arguments() -> None:
    out = np.zeros(4, f32)
    p = fptr(out, writable=True)
    rng = new_rng(0)
    assert lib.mxc_rng_seed(NULL, 0) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_uniform(NULL, 4, 0, 1, rng) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_uniform(p, 4, 0, 1, NULL) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_uniform(p, -1, 0, 1, rng) == MXC_ERR_SHAPE
    assert lib.mxc_rng_uniform(p, 4, 1, 0, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_uniform(p, 4, math.nan, 1, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_normal(NULL, 4, 0, 1, rng) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_normal(p, 4, 0, 1, NULL) == MXC_ERR_NULL_PTR
    assert lib.mxc_rng_normal(p, -1, 0, 1, rng) == MXC_ERR_SHAPE
    assert lib.mxc_rng_normal(p, 4, 0, -1, rng) == MXC_ERR_VALUE
    assert lib.mxc_rng_normal(p, 4, 0, math.nan, rng) == MXC_ERR_VALUE
    np.testing.assert_array_equal(out, 0)  # nothing written on error
    order = np.arange(3, dtype=np.int64)
    op = ffi.cast("int64_t *", ffi.from_buffer(order, require_writable=True))
    u = np.zeros(3, f32)
    assert lib.mxc_shuffle_with_uniforms(NULL, fptr(u), 3) == MXC_ERR_NULL_PTR
    assert lib.mxc_shuffle_with_uniforms(op, NULL, 3) == MXC_ERR_NULL_PTR
    assert lib.mxc_shuffle_with_uniforms(op, fptr(u), -1) == MXC_ERR_SHAPE
    assert raw(rng, 1) == raw(new_rng(0), 1)  # the failed calls drew nothing


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
