"""Every operator and optimizer is complete, and the C tables agree with Python.

The operator table (native/ops.def) and the Python registry (mxnet_r_compat/ops)
must name the same operators. Each operator must then have: a forward and a
backward (or declare itself not differentiable), a fused step bit-identical to
its Python kernel (or ``fusable = False`` with a reason), an R wrapper
``mx.symbol.<Name>`` in the R package, and a finite-difference gradient test
in tests/ops (a test marked ``@pytest.mark.gradient_check("<Name>")`` that
calls ``check_fd`` or ``numeric_grad``). The optimizer table
(native/optimizers.def) must match the Python optimizers the same way.
docs/ARCHITECTURE.md says how to add either.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat._lib import ffi, lib, operator_table, optimizer_rule
from mxnet_r_compat.engine.executor import simple_bind
from mxnet_r_compat.graph import symbol as sym
from mxnet_r_compat.learn import optimizer as opt_mod
from mxnet_r_compat.ops import OPS, Kernel, Op, format_param, get_op

ROOT = Path(__file__).resolve().parents[1]
R_SOURCES = ROOT / "mxnet_r_compat" / "R" / "mxnet" / "R"
OP_TESTS = Path(__file__).resolve().parent / "ops"

OPERATORS: dict[str, Op] = {op.name: op for op in OPS.values()}


# -- the operator table ---------------------------------------------------------------------

def test_every_c_operator_is_registered_in_python_and_back():
    c_rows = operator_table()
    assert len(c_rows) == lib.MXC_OP_COUNT - 1, "two rows of native/ops.def share a name"
    assert sorted(c_rows) == sorted(OPERATORS)
    for name, op in OPERATORS.items():
        assert op.c_op == c_rows[name]
        assert ffi.string(lib.mxc_op_info_of(op.c_op).name).decode() == name
    for bad in (lib.MXC_OP_NONE, lib.MXC_OP_COUNT, -1):
        assert lib.mxc_op_info_of(bad) == ffi.NULL


def _example_value(op: Op, key: str):
    """A valid value for a required parameter (its first choice, or 2 for a count)."""
    spec = op.params[key]
    if spec.choices:
        return spec.choices[0]
    if spec.kind == "int":
        return 2
    if spec.kind == "float":
        return 0.5
    raise AssertionError(f"give tests/test_registry.py an example value for {op.name}.{key}")


# Operators whose one-node network needs image-shaped inputs and example parameters.
EXAMPLES = {
    "Convolution": ({"kernel": (3, 3), "num_filter": 2}, (2, 3, 5, 5)),
    "Deconvolution": ({"kernel": (3, 3), "stride": (2, 2), "num_filter": 2, "no_bias": False},
                      (2, 3, 3, 4)),
    "Pooling": ({"kernel": (2, 2), "stride": (2, 2)}, (2, 3, 4, 6)),
    "UpSampling": ({"scale": 2, "sample_type": "nearest", "num_args": 1}, (2, 3, 2, 3)),
    "Reshape": ({"shape": (0, 2, -1)}, (4, 6)),
    "transpose": ({"axes": (1, 2, 0)}, (2, 3, 4)),
    "sum": ({"axis": (0, 2)}, (2, 3, 4)),
    "broadcast_to": ({"shape": (0, 3, 0)}, (4, 1, 6)),
    "broadcast_axis": ({"axis": (1,), "size": (3,)}, (4, 1, 6)),
}


def _one_node_network(op: Op) -> tuple[sym.Symbol, dict[str, tuple[int, ...]]]:
    """The operator applied to fresh (4, 6) inputs (or EXAMPLES's) that all get gradients;
    weights, biases and labels are created and shaped by the operator itself."""
    if op.name in EXAMPLES:
        kwargs, shape = EXAMPLES[op.name]
        return sym.create(op.name, sym.Variable("x0"), name="node", **kwargs), {"x0": shape}
    required = {k: _example_value(op, k) for k, spec in op.params.items() if spec.required}
    params = op.parse_params({k: format_param(v) for k, v in required.items()})
    data = [a for a in op.arguments(params)
            if a in ("data", "lhs", "rhs") or re.fullmatch(r"arg\d+", a)]
    inputs = [sym.Variable(f"x{i}") for i in range(len(data))]
    net = sym.create(op.name, *inputs, name="node", **required)
    return net, {f"x{i}": (4, 6) for i in range(len(data))}


def _seeded_stream(seed: int):
    rng = ffi.new("mxc_rng *")
    assert lib.mxc_rng_seed(rng, seed) == lib.MXC_OK
    return rng


def _twins(op: Op):
    """Two executors of the one-node network, equal inputs and random streams; the second
    runs kernel by kernel."""
    net, shapes = _one_node_network(op)
    streams = [_seeded_stream(5), _seeded_stream(5)]  # kept alive with the executors
    fused, kernels = (simple_bind(net, shapes, rng=s) for s in streams)
    kernels.graph = None
    rs = np.random.default_rng(1)
    for name, arr in fused.arg_arrays.items():
        value = rs.integers(0, 3, arr.shape) if name.endswith("label") else \
            rs.uniform(-1, 1, arr.shape)
        arr[...] = value
        kernels.arg_arrays[name][...] = value
    return fused, kernels, streams


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_operator_has_forward_backward_and_a_fused_step(name):
    op = get_op(name)
    row = lib.mxc_op_info_of(op.c_op)
    fused, kernels, _streams = _twins(op)
    kernel_type = type(kernels._kernels[0])
    assert kernel_type.forward is not Kernel.forward, f"{name} has no forward"
    assert (kernel_type.backward is not Kernel.backward) == op.differentiable, \
        f"{name}: a backward exactly when differentiable"
    if not op.fusable:
        assert op.not_fusable_reason and row.forward == ffi.NULL and row.backward == ffi.NULL
        assert fused.graph is None and op.not_fusable_reason in fused.not_fusable
        return
    assert row.forward != ffi.NULL and (row.backward != ffi.NULL) == op.differentiable
    assert fused.graph is not None and fused.not_fusable is None
    for is_train in (True, False):
        out = [ex.forward(is_train)[0].copy() for ex in (fused, kernels)]
        assert out[0].tobytes() == out[1].tobytes(), f"{name} forward, is_train={is_train}"
        if op.differentiable:
            for ex in (fused, kernels):
                ex.backward()
            for arg, grad in fused.grad_arrays.items():
                assert grad.tobytes() == kernels.grad_arrays[arg].tobytes(), f"{name} d{arg}"
            assert any(np.any(g != 0) for g in fused.grad_arrays.values()), \
                f"{name}: a backward that computes no gradient"
        for aux, arr in fused.aux_arrays.items():
            assert arr.tobytes() == kernels.aux_arrays[aux].tobytes(), f"{name} {aux}"


def _r_wrappers() -> set[str]:
    text = "\n".join(p.read_text() for p in sorted(R_SOURCES.glob("*.R")))
    return set(re.findall(r"^mx\.symbol\.(\w+)\s*<-\s*function", text, re.MULTILINE))


@pytest.mark.parametrize("key", sorted(OPS))
def test_operator_has_an_r_wrapper(key):
    assert key in _r_wrappers(), f"no mx.symbol.{key} <- function in {R_SOURCES}"


def _gradient_checks() -> dict[str, list[str]]:
    """Operator name -> the FD tests (file::function) marked for it in tests/ops."""
    found: dict[str, list[str]] = {}
    for path in sorted(OP_TESTS.glob("test_*.py")):
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef):
                continue
            names = [a.value for d in fn.decorator_list if isinstance(d, ast.Call)
                     and isinstance(d.func, ast.Attribute) and d.func.attr == "gradient_check"
                     for a in d.args if isinstance(a, ast.Constant)]
            calls = {c.func.attr if isinstance(c.func, ast.Attribute) else
                     getattr(c.func, "id", None) for c in ast.walk(fn) if isinstance(c, ast.Call)}
            assert not names or calls & {"check_fd", "numeric_grad"}, \
                f"{path.name}::{fn.name} is marked as a gradient check but makes none"
            for name in names:
                found.setdefault(name, []).append(f"{path.name}::{fn.name}")
    return found


def test_gradient_checks_name_registered_operators():
    assert set(_gradient_checks()) <= set(OPERATORS)


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_operator_has_a_finite_difference_test(name):
    if not get_op(name).differentiable:
        return
    assert _gradient_checks().get(name), \
        f'no @pytest.mark.gradient_check("{name}") test in tests/ops'


# -- the optimizer table --------------------------------------------------------------------

# Every setting that selects a different C rule, per Python optimizer.
OPTIMIZER_SETTINGS = [("sgd", {}), ("sgd", {"momentum": 0.9}), ("nag", {}),
                      ("nag", {"momentum": 0.9}), ("adam", {}), ("rmsprop", {}),
                      ("rmsprop", {"centered": False}), ("adagrad", {}), ("adadelta", {})]


def test_every_c_rule_is_used_by_a_python_optimizer_and_back():
    rules = {opt_mod.create(name, **kw).rule() for name, kw in OPTIMIZER_SETTINGS}
    assert rules == set(range(1, lib.MXC_OPT_COUNT))
    assert {name for name, _ in OPTIMIZER_SETTINGS} == set(opt_mod.OPTIMIZERS)


@pytest.mark.parametrize("name,kw", OPTIMIZER_SETTINGS)
def test_optimizer_fills_every_hyper_parameter_its_rule_reads(name, kw):
    opt = opt_mod.create(name, **kw)
    rule, n_states, hparams = optimizer_rule(opt.rule())
    fields = {f for f, _ in ffi.typeof("mxc_hparams").fields}
    assert set(hparams) <= fields, f"{rule}: not a field of mxc_hparams"
    assert all(hasattr(opt, h) for h in hparams)
    assert len(opt.create_state(0, np.zeros(3, np.float32))) <= n_states
    assert opt.fused_spec() == (opt.rule(), {h: opt.hyper(h) for h in hparams})


def test_a_subclass_keeps_its_parents_rule_update_by_update():
    class Halved(opt_mod.SGD):
        """A user's SGD whose hyper-parameters the fused path cannot know about."""

    rs = np.random.default_rng(3)
    w0, g = rs.standard_normal(9).astype(np.float32), rs.standard_normal(9).astype(np.float32)
    ref, sub = opt_mod.SGD(0.1, momentum=0.5), Halved(0.1, momentum=0.5)
    w_ref, w_sub = w0.copy(), w0.copy()
    for _ in range(3):
        ref.update(0, w_ref, g)
        sub.update(0, w_sub, g)
    assert w_ref.tobytes() == w_sub.tobytes()
    assert sub.rule() == lib.MXC_OPT_SGD_MOM and sub.fused_spec() is None


def test_optimizer_rows_are_complete():
    names = [optimizer_rule(k)[0] for k in range(1, lib.MXC_OPT_COUNT)]
    assert len(set(names)) == len(names)
    for k in range(1, lib.MXC_OPT_COUNT):
        _, n_states, hparams = optimizer_rule(k)
        assert 0 <= n_states <= lib.MXC_OPT_MAX_STATES and hparams
    for bad in (lib.MXC_OPT_NONE, lib.MXC_OPT_COUNT):
        assert lib.mxc_optimizer_info_of(bad) == ffi.NULL
        with pytest.raises(ValueError, match="Invalid value for argument `kind`"):
            optimizer_rule(bad)
