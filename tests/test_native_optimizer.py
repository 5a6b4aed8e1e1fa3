"""The C optimizer updates (native/optimizer.c) against their closed forms.

Each reference below re-states the formula of native/optimizer.h in numpy
float32, operation by operation in the order the header writes it, and is run
for several steps in a row with the state carried over. The check
values of docs/MXNET_R_BEHAVIOUR.md, "Optimizers" (from MXNet R-package
tests/testthat) pin the R-visible numbers: one FullyConnected unit without
bias, x = (1,2),(3,4),(5,6), y = (5,11,16), w = (1.1,1.8),
LinearRegressionOutput, rescale = 1, lr = 1, each optimizer's R defaults.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from mxnet_r_compat._lib import NULL, ffi, fptr, lib, optimizer_rule

f32 = np.float32
MXC_OK, MXC_ERR_NULL_PTR, MXC_ERR_SHAPE, MXC_ERR_VALUE = (
    lib.MXC_OK, lib.MXC_ERR_NULL_PTR, lib.MXC_ERR_SHAPE, lib.MXC_ERR_VALUE)

# Every update has the signature (w, *state, g, n, *hyper): this table names them.
SPECS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "sgd": ("mxc_sgd_update", (), ("lr", "wd", "rescale", "clip")),
    "sgd_mom": ("mxc_sgd_mom_update", ("mom",), ("lr", "momentum", "wd", "rescale", "clip")),
    "nag": ("mxc_nag_update", ("mom",), ("lr", "momentum", "wd", "rescale", "clip")),
    "adam": ("mxc_adam_update", ("m", "v"),
             ("lr", "beta1", "beta2", "eps", "wd", "rescale", "clip")),
    "rmsprop": ("mxc_rmsprop_update", ("s",), ("lr", "gamma1", "eps", "wd", "rescale", "clip")),
    "rmspropalex": ("mxc_rmspropalex_update", ("s", "gbar", "delta"),
                    ("lr", "gamma1", "gamma2", "eps", "wd", "rescale", "clip")),
    "adagrad": ("mxc_adagrad_update", ("h",), ("lr", "eps", "wd", "rescale", "clip")),
    "adadelta": ("mxc_adadelta_update", ("acc_g", "acc_d"),
                 ("rho", "eps", "wd", "rescale", "clip")),
}

# Valid hyper-parameters, used where a test varies only one of them.
VALID = {"lr": 0.1, "momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "gamma1": 0.95,
         "gamma2": 0.9, "rho": 0.9, "eps": 1e-6, "wd": 0.01, "rescale": 0.5, "clip": 1.0}

NSTEPS = 5


def c_step(name: str, w: np.ndarray, state: dict[str, np.ndarray | None], g: np.ndarray,
           hp: dict[str, float], n: int | None = None) -> int:
    """Call the C update named by ``name``; w and state are updated in place."""
    fn, state_names, hp_names = SPECS[name]
    ptrs = [fptr(state[s], writable=True) for s in state_names]
    return getattr(lib, fn)(fptr(w, writable=True), *ptrs, fptr(g), w.size if n is None else n,
                            *[float(hp[h]) for h in hp_names])


# ---------------------------------------------------------------------------------------------
# closed forms (numpy float32, operation order of optimizer.h)

def clip(x: np.ndarray, c: np.float32) -> np.ndarray:
    return np.minimum(np.maximum(x, -c), c) if c >= 0 else x


def sgd_step(lr: np.float32, r: np.float32, g: np.ndarray, c: np.float32) -> np.ndarray:
    """MXNet's sgd kernels: lr * clip(r*g) when clipping, (lr*r) * g when not."""
    return lr * clip(r * g, c) if c >= 0 else (lr * r) * g


def ref_step(name: str, w: np.ndarray, st: dict[str, np.ndarray], g: np.ndarray,
             hp: dict[str, np.float32]) -> None:
    """One update in place on float32 arrays, written from the header formulas."""
    one = f32(1)
    r, c, wd = hp["rescale"], hp["clip"], hp["wd"]
    if name == "sgd":
        w[:] = (one - hp["lr"] * wd) * w - sgd_step(hp["lr"], r, g, c)
    elif name == "sgd_mom":
        lr, mu = hp["lr"], hp["momentum"]
        st["mom"][:] = mu * st["mom"] - lr * wd * w - sgd_step(lr, r, g, c)
        w[:] = w + st["mom"]
    elif name == "nag":
        lr, mu, G = hp["lr"], hp["momentum"], clip(r * g, c)
        if mu == 0:
            w[:] = w - lr * (G + wd * w)
        else:
            st["mom"][:] = mu * st["mom"] + G + wd * w
            w[:] = w - lr * (mu * st["mom"] + G)
    elif name == "adam":
        b1, b2, G = hp["beta1"], hp["beta2"], clip(r * g + wd * w, c)
        st["m"][:] = b1 * st["m"] + (one - b1) * G
        st["v"][:] = b2 * st["v"] + (one - b2) * (G * G)
        w[:] = w - hp["lr"] * st["m"] / (np.sqrt(st["v"]) + hp["eps"])
    elif name == "rmsprop":
        g1, G = hp["gamma1"], clip(r * g + wd * w, c)
        st["s"][:] = (one - g1) * (G * G) + g1 * st["s"]
        w[:] = w - hp["lr"] * G / np.sqrt(st["s"] + hp["eps"])
    elif name == "rmspropalex":
        g1, g2, G = hp["gamma1"], hp["gamma2"], clip(r * g + wd * w, c)
        st["s"][:] = (one - g1) * (G * G) + g1 * st["s"]
        st["gbar"][:] = (one - g1) * G + g1 * st["gbar"]
        st["delta"][:] = g2 * st["delta"] - hp["lr"] * G / np.sqrt(
            st["s"] - st["gbar"] * st["gbar"] + hp["eps"])
        w[:] = w + st["delta"]
    elif name == "adagrad":
        G = clip(r * g, c)
        st["h"][:] = st["h"] + G * G
        w[:] = w - hp["lr"] * (G / np.sqrt(st["h"] + hp["eps"]) + wd * w)
    elif name == "adadelta":
        rho, eps, G = hp["rho"], hp["eps"], clip(r * g, c)
        st["acc_g"][:] = rho * st["acc_g"] + (one - rho) * (G * G)
        d = np.sqrt(st["acc_d"] + eps) / np.sqrt(st["acc_g"] + eps) * G
        st["acc_d"][:] = rho * st["acc_d"] + (one - rho) * (d * d)
        w[:] = w - d - wd * w
    else:
        raise AssertionError(name)


def random_hyper(name: str, rs: np.random.Generator, **fixed: float) -> dict[str, np.float32]:
    """Random in-domain hyper-parameters, rounded to float32 (what C receives)."""
    draw = {"lr": rs.uniform(0.001, 0.5), "beta1": rs.uniform(0.5, 0.95),
            "beta2": rs.uniform(0.9, 0.9999), "gamma1": rs.uniform(0.5, 0.99),
            "gamma2": rs.uniform(0.5, 0.99), "rho": rs.uniform(0.5, 0.99),
            "eps": 10.0 ** rs.uniform(-8, -3)}
    if name == "rmspropalex":  # keep s - gbar^2 + eps clear of float32 cancellation
        draw["eps"] = 10.0 ** rs.uniform(-6, -3)
    draw.update(fixed)
    return {h: f32(draw[h]) for h in SPECS[name][2]}


def run_and_compare(name: str, hp: dict[str, np.float32], seed: int, n: int = 257) -> None:
    rs = np.random.default_rng(seed)
    w_c = rs.standard_normal(n).astype(f32)
    w_r = w_c.copy()
    st_c = {s: np.zeros(n, f32) for s in SPECS[name][1]}
    st_r = {s: a.copy() for s, a in st_c.items()}
    clipped = 0
    for _ in range(NSTEPS):
        g = (rs.standard_normal(n) * 2).astype(f32)
        if hp["clip"] >= 0:
            clipped += int(np.sum(np.abs(hp["rescale"] * g) > hp["clip"]))
        assert c_step(name, w_c, st_c, g, hp) == MXC_OK
        ref_step(name, w_r, st_r, g, hp)
        assert np.all(np.isfinite(w_c))
        np.testing.assert_allclose(w_c, w_r, rtol=2e-6, atol=1e-7, err_msg=f"{name} w")
        for s in st_c:
            np.testing.assert_allclose(st_c[s], st_r[s], rtol=2e-6, atol=1e-7,
                                       err_msg=f"{name} {s}")
    assert hp["clip"] < 0 or clipped > 0, "clip on, but no gradient was clipped: weak test"


# Module-level parametrize decorators (argon2-cffi style).
momentum_values = pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
wd_values = pytest.mark.parametrize("wd", [0.0, 1e-3, 0.1])
clip_values = pytest.mark.parametrize("clip", [-1.0, 0.05], ids=["clip_off", "clip_on"])
rescale_values = pytest.mark.parametrize("rescale", [1.0, 1.0 / 32], ids=["r1", "r1_32"])


def case_seed(*parts: object) -> int:
    """A stable per-case seed (str hash() is salted per process)."""
    return zlib.crc32(repr(parts).encode())


@wd_values
@clip_values
@rescale_values
@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "rmspropalex", "adagrad",
                                  "adadelta"])
def test_matches_closed_form(name: str, wd: float, clip: float, rescale: float) -> None:
    seed = case_seed(name, wd, clip, rescale)
    hp = random_hyper(name, np.random.default_rng(seed), wd=wd, clip=clip, rescale=rescale)
    run_and_compare(name, hp, seed)


@momentum_values
@wd_values
@clip_values
@rescale_values
@pytest.mark.parametrize("name", ["sgd_mom", "nag"])
def test_momentum_matches_closed_form(name: str, momentum: float, wd: float, clip: float,
                                      rescale: float) -> None:
    seed = case_seed(name, momentum, wd, clip, rescale)
    hp = random_hyper(name, np.random.default_rng(seed), momentum=momentum, wd=wd, clip=clip,
                      rescale=rescale)
    run_and_compare(name, hp, seed)


@pytest.mark.parametrize("n", [1, 2, 3, 17, 1000])
@pytest.mark.parametrize("name", list(SPECS))
def test_sizes(name: str, n: int) -> None:
    """Odd and tiny lengths (vectorised loops have remainders)."""
    hp = random_hyper(name, np.random.default_rng(n), wd=1e-2, clip=0.5, rescale=0.5,
                      momentum=0.5)
    run_and_compare(name, hp, seed=n, n=n)


def test_nag_without_momentum_takes_null_state_and_ignores_given_state() -> None:
    hp = {"lr": 0.1, "momentum": 0.0, "wd": 0.01, "rescale": 1.0, "clip": -1.0}
    w, g = np.array([1.0, -2.0], f32), np.array([0.5, 0.25], f32)
    w0 = w.copy()
    assert c_step("nag", w, {"mom": None}, g, hp) == MXC_OK
    expected = w0 - f32(0.1) * (g + f32(0.01) * w0)
    np.testing.assert_array_equal(w, expected)
    mom = np.array([7.0, 7.0], f32)
    w = w0.copy()
    assert c_step("nag", w, {"mom": mom}, g, hp) == MXC_OK
    np.testing.assert_array_equal(w, expected)
    np.testing.assert_array_equal(mom, [7.0, 7.0])


def test_clip_zero_zeroes_the_gradient_and_inf_disables_clipping() -> None:
    g = np.array([3.0, -4.0], f32)
    w = np.array([1.0, 2.0], f32)
    assert c_step("sgd", w, {}, g, {"lr": 1.0, "wd": 0.0, "rescale": 1.0, "clip": 0.0}) == 0
    np.testing.assert_array_equal(w, [1.0, 2.0])
    assert c_step("sgd", w, {}, g, {"lr": 1.0, "wd": 0.0, "rescale": 1.0,
                                    "clip": math.inf}) == 0
    np.testing.assert_array_equal(w, [-2.0, 6.0])


# ---------------------------------------------------------------------------------------------
# docs/MXNET_R_BEHAVIOUR.md, "Optimizers" test vectors

X = np.array([[1, 2], [3, 4], [5, 6]], f32)
Y = np.array([5, 11, 16], f32)
W0 = np.array([1.1, 1.8], f32)


def spec_gradient() -> np.ndarray:
    """dL/dw of FC (no bias) + LinearRegressionOutput: (out - y)·grad_scale/1, summed."""
    out = X @ W0
    dout = (out - Y) * f32(1.0)  # grad_scale = 1, one output per sample
    return (dout @ X).astype(f32)


def test_spec_gradient() -> None:
    np.testing.assert_allclose(spec_gradient(), [-0.3, -0.8], atol=1e-5)


# R defaults of section 8, except lr = 1 (adadelta has no lr).
R_DEFAULTS = {
    "sgd": {"lr": 1.0, "wd": 0.0, "rescale": 1.0, "clip": -1.0},
    "rmspropalex": {"lr": 1.0, "gamma1": 0.95, "gamma2": 0.9, "eps": 1e-4, "wd": 0.0,
                    "rescale": 1.0, "clip": -1.0},
    "adam": {"lr": 1.0, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "wd": 0.0, "rescale": 1.0,
             "clip": -1.0},
    "adagrad": {"lr": 1.0, "eps": 1e-8, "wd": 0.0, "rescale": 1.0, "clip": -1.0},
    "adadelta": {"rho": 0.9, "eps": 1e-5, "wd": 0.0, "rescale": 1.0, "clip": -1.0},
    "nag": {"lr": 1.0, "momentum": 0.1, "wd": 0.0, "rescale": 1.0, "clip": -1.0},
}

spec_vectors = pytest.mark.parametrize(("name", "expected", "atol"), [
    ("sgd", (1.4, 2.6), 5e-3),
    ("rmspropalex", (5.64, 6.38), 5e-3),  # mx.opt.rmsprop's default is centered = TRUE
    ("adam", (4.26, 4.96), 5e-3),
    ("adagrad", (2.1, 2.8), 5e-3),
    ("adadelta", (1.11, 1.81), 5e-3),
    ("nag", (1.45, 2.65), 0.1),  # the R test's own tolerance
    ("nag", (1.43, 2.68), 5e-3),  # the value the formula gives
])


@spec_vectors
def test_spec_vector_one_step(name: str, expected: tuple[float, float], atol: float) -> None:
    w = W0.copy()
    state = {s: np.zeros(2, f32) for s in SPECS[name][1]}
    assert c_step(name, w, state, spec_gradient(), R_DEFAULTS[name]) == MXC_OK
    np.testing.assert_allclose(w, expected, atol=atol)


# ---------------------------------------------------------------------------------------------
# bad arguments

def fresh(name: str, n: int = 4) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    w = np.linspace(-1, 1, n).astype(f32)
    return w, {s: np.full(n, 0.25, f32) for s in SPECS[name][1]}, np.full(n, 0.5, f32)


def assert_untouched(w: np.ndarray, st: dict[str, np.ndarray]) -> None:
    np.testing.assert_array_equal(w, np.linspace(-1, 1, w.size).astype(f32))
    for a in st.values():
        np.testing.assert_array_equal(a, 0.25)


all_names = pytest.mark.parametrize("name", list(SPECS))


@all_names
def test_null_pointers(name: str) -> None:
    hp = {h: VALID[h] for h in SPECS[name][2]}
    for which in ["w", "g", *SPECS[name][1]]:
        w, st, g = fresh(name)
        fn = getattr(lib, SPECS[name][0])
        args = [fptr(w, writable=True)] + [fptr(st[s], writable=True) for s in SPECS[name][1]]
        args.append(fptr(g))
        pos = ["w", *SPECS[name][1], "g"].index(which)
        args[pos] = NULL
        rc = fn(*args, w.size, *[float(hp[h]) for h in SPECS[name][2]])
        assert rc == MXC_ERR_NULL_PTR, (name, which)
        assert_untouched(w, st)


@all_names
@pytest.mark.parametrize("n", [0, -1, -(2**40)])
def test_bad_length(name: str, n: int) -> None:
    w, st, g = fresh(name)
    hp = {h: VALID[h] for h in SPECS[name][2]}
    assert c_step(name, w, st, g, hp, n=n) == MXC_ERR_SHAPE
    assert_untouched(w, st)


BAD = {
    "lr": [-0.1, math.nan, math.inf], "wd": [-0.1, math.nan, math.inf],
    "rescale": [math.nan, math.inf, -math.inf], "clip": [math.nan],
    "momentum": [-0.1, 1.5, math.nan], "beta1": [-0.1, 1.5, math.nan],
    "beta2": [-0.1, 1.5, math.nan], "gamma1": [-0.1, 1.5, math.nan],
    "gamma2": [-0.1, 1.5, math.nan], "rho": [-0.1, 1.5, math.nan],
    "eps": [-1e-8, math.nan, math.inf],
}


@all_names
def test_bad_hyper_parameters(name: str) -> None:
    checked = 0
    for h in SPECS[name][2]:
        for bad in BAD[h]:
            w, st, g = fresh(name)
            hp = {k: VALID[k] for k in SPECS[name][2]}
            hp[h] = bad
            assert c_step(name, w, st, g, hp) == MXC_ERR_VALUE, (name, h, bad)
            assert_untouched(w, st)
            checked += 1
    assert checked >= 8


def test_nag_momentum_needs_state() -> None:
    w, _, g = fresh("nag")
    hp = {h: VALID[h] for h in SPECS["nag"][2]}
    assert c_step("nag", w, {"mom": None}, g, hp) == MXC_ERR_NULL_PTR


# ---------------------------------------------------------------------------------------------
# the optimizer table (native/optimizers.def): each row's adapter against the function above

TABLE_NAMES = {"eps": "epsilon", "rescale": "rescale_grad", "clip": "clip_gradient"}


@pytest.mark.parametrize("name", list(SPECS))
def test_table_row_calls_its_function_with_the_named_hyper_parameters(name: str) -> None:
    """Distinct values per hyper-parameter: a field read in the wrong place shows."""
    kind = getattr(lib, f"MXC_OPT_{name.upper()}")
    rule, n_states, hparams = optimizer_rule(kind)
    _, state_names, hp_names = SPECS[name]
    assert (rule, n_states) == (name, len(state_names))
    assert hparams == tuple(TABLE_NAMES.get(h, h) for h in hp_names)
    hp = {h: VALID[h] * (1.0 - 0.01 * i) for i, h in enumerate(hp_names)}
    g = np.linspace(-1.5, 2.0, 11, dtype=f32)
    w_ref, w_tab = np.linspace(0.5, -0.7, 11, dtype=f32), np.linspace(0.5, -0.7, 11, dtype=f32)
    st_ref = {s: np.full(11, 0.25, f32) for s in state_names}
    st_tab = [np.full(11, 0.25, f32) for _ in state_names]
    u = ffi.new("mxc_update *")
    u.kind, u.n, u.w, u.g = kind, 11, fptr(w_tab, writable=True), fptr(g)
    for j, s in enumerate(st_tab):
        u.s[j] = fptr(s, writable=True)
    for h, v in hp.items():
        setattr(u.hp, TABLE_NAMES.get(h, h), v)
    for _ in range(3):
        assert c_step(name, w_ref, st_ref, g, hp) == MXC_OK
        assert lib.mxc_update_apply(u) == MXC_OK
    assert w_ref.tobytes() == w_tab.tobytes()
    for s, arr in zip(state_names, st_tab):
        assert st_ref[s].tobytes() == arr.tobytes(), s
