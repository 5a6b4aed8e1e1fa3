"""The low-level executor API of MXNet R for hand-written training loops: ``mx.simple.bind``,
``mx.symbol.bind``, ``mx.exec.forward``/``backward``/``update.*.arrays``.

A :class:`BoundExecutor` wraps an engine :class:`~.executor.Executor`; its ``arg_arrays``,
``grad_arrays``, ``aux_arrays`` and ``outputs`` are NDArrays over the executor's own buffers,
so writing into one of them (``copyto``) is what the next forward sees, as with MXNet's
references. Gradient requests follow MXNet: ``"null"`` (no gradient), ``"write"`` (each
backward overwrites) and ``"add"`` (each backward adds to what is there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import MXShapeError, MXValueError
from ..graph.symbol import Symbol
from ..ndarray.array import NDArray, _wrap, as_ndarray
from ..ops import Shape
from .executor import Executor

GRAD_REQS = ("null", "write", "add")


class BoundExecutor:
    """A symbol bound to arrays (what ``mx.simple.bind`` and ``mx.symbol.bind`` return).

    Attributes:
        arg_arrays: argument name -> NDArray (shared with the executor).
        grad_arrays: argument name -> NDArray, or None where the request is "null".
        aux_arrays: auxiliary state name -> NDArray.
        outputs: the outputs (NDArrays) of the last forward, in ``symbol.outputs()`` order.

    Example:
        >>> from mxnet_r_compat import mx
        >>> a, b = mx.symbol.Variable("a"), mx.symbol.Variable("b")
        >>> ex = mx.simple_bind(a + b, a=(2,), b=(2,))
        >>> ex.forward(); ex.outputs[0].asnumpy()
        array([0., 0.], dtype=float32)
    """

    def __init__(self, symbol: Symbol, shapes: dict[str, Shape], grad_req: dict[str, str]) -> None:
        self.symbol = symbol
        self.grad_req = grad_req
        wanted = [n for n, r in grad_req.items() if r != "null"]
        self._ex = Executor(symbol, shapes, wanted)
        self.arg_arrays = {n: _wrap(a) for n, a in self._ex.arg_arrays.items()}
        self.aux_arrays = {n: _wrap(a) for n, a in self._ex.aux_arrays.items()}
        self._accum = {n: np.zeros_like(self._ex.grad_arrays[n])
                       for n, r in grad_req.items() if r == "add"}
        self.grad_arrays: dict[str, NDArray | None] = {
            n: _wrap(self._accum.get(n, self._ex.grad_arrays[n])) if r != "null" else None
            for n, r in grad_req.items()}
        self.outputs = [_wrap(o) for o in self._ex.outputs]

    def forward(self, is_train: bool = False) -> list[NDArray]:
        """Run the network on the current arrays; returns :attr:`outputs`."""
        self._ex.forward(is_train=bool(is_train))
        return self.outputs

    def backward(self, out_grads: Sequence[Any] | None = None) -> None:
        """Gradients of the outputs into :attr:`grad_arrays` (loss outputs start their own
        gradient; other outputs use ``out_grads``, ones when not given)."""
        if out_grads is None:
            self._ex.backward()
        else:
            heads = [np.asarray(as_ndarray(g, "out_grads")) for g in out_grads]
            self._ex.backward_with_heads(heads)
        for name, acc in self._accum.items():
            acc += self._ex.grad_arrays[name]

    def update_arrays(self, kind: str, arrays: Sequence[Any] | Mapping[str, Any],
                      match_name: bool = False, skip_null: bool = False) -> None:
        """Copy values into the ``kind`` arrays ("arg", "aux" or "grad"), by position or,
        with ``match_name``, by name; None entries are skipped with ``skip_null``."""
        targets: dict[str, dict[str, Any]] = {"arg": self.arg_arrays, "aux": self.aux_arrays,
                                              "grad": self.grad_arrays}
        target = targets[kind]
        pairs = _pair_up(kind, target, arrays, match_name)
        for name, value in pairs:
            if value is None:
                if skip_null:
                    continue
                raise MXValueError(f"Invalid value for argument `{kind}.arrays`. Received: NULL "
                                   f"for `{name}`. Expected an NDArray (or skip.null = TRUE).")
            dst = target[name]
            if dst is None:
                continue  # a "null" gradient request has no array to write
            src = np.asarray(as_ndarray(value, f"{kind}.arrays"))
            if src.shape != dst.shape:
                raise MXShapeError(f"Invalid shape for `{name}` in `{kind}.arrays`. Received: "
                                   f"{src.shape}. Expected {dst.shape} (backend order).")
            np.copyto(np.asarray(dst), src)


def _pair_up(kind: str, target: dict[str, Any], arrays: Sequence[Any] | Mapping[str, Any],
             match_name: bool) -> list[tuple[str, Any]]:
    names = list(target)
    if isinstance(arrays, Mapping) and match_name:
        unknown = [k for k in arrays if k not in target]
        if unknown:
            raise MXValueError(f"Invalid value for argument `{kind}.arrays`. Received: a name "
                               f"`{unknown[0]}`. Expected names among: {', '.join(names)}.")
        return list(arrays.items())
    values = list(arrays.values()) if isinstance(arrays, Mapping) else list(arrays)
    if len(values) != len(names):
        raise MXValueError(f"Invalid value for argument `{kind}.arrays`. Received: "
                           f"{len(values)} arrays. Expected {len(names)} "
                           f"({', '.join(names)}).")
    return list(zip(names, values, strict=True))


def grad_req_of(symbol: Symbol, grad_req: str | Sequence[str] | Mapping[str, str],
                fixed: Sequence[str] = ()) -> dict[str, str]:
    """One request per argument from a single request, a list by position or a dict."""
    args = symbol.arguments()
    if isinstance(grad_req, str):
        reqs = dict.fromkeys(args, grad_req)
    elif isinstance(grad_req, Mapping):
        reqs = {a: grad_req.get(a, "null") for a in args}
    else:
        given = list(grad_req)
        if len(given) != len(args):
            raise MXValueError(f"Invalid value for argument `grad.req`. Received: {len(given)} "
                               f"requests. Expected one, or {len(args)} "
                               f"(one per argument: {', '.join(args)}).")
        reqs = dict(zip(args, given, strict=True))
    for name, req in reqs.items():
        if req not in GRAD_REQS:
            raise MXValueError(f"Invalid value for argument `grad.req`. Received: {req!r} for "
                               f"`{name}`. Expected one of: {', '.join(GRAD_REQS)}.")
    return {a: ("null" if a in fixed else r) for a, r in reqs.items()}


def simple_bind(symbol: Symbol, ctx: Any = None, grad_req: Any = "null",
                fixed_param: Sequence[str] | None = None, **shapes: Shape) -> BoundExecutor:
    """Bind with zero arrays whose shapes come from the input shapes (backend order).

    A single ``grad_req`` applies to every argument but the inputs (names ending in "data"
    or "label"), as in MXNet R.

    Example:
        >>> from mxnet_r_compat import mx
        >>> fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=2, name="fc")
        >>> ex = simple_bind(fc, grad_req="write", data=(4, 3))
        >>> ex.arg_arrays["fc_weight"].shape
        (2, 3)
    """
    fixed = list(fixed_param or ())
    if isinstance(grad_req, str):  # MXNet R: inputs (names ending in data/label) get none
        fixed += [a for a in symbol.arguments() if a.endswith(("data", "label"))]
    reqs = grad_req_of(symbol, grad_req, fixed)
    known = {k: tuple(int(d) for d in v) for k, v in shapes.items()}
    return BoundExecutor(symbol, known, reqs)


def bind(symbol: Symbol, ctx: Any = None, arg_arrays: Any = (), aux_arrays: Any = None,
         grad_reqs: Any = "null") -> BoundExecutor:
    """Bind to given arrays (copied in), matched by position or by name (a dict).

    Example:
        >>> from mxnet_r_compat import mx
        >>> a, b = mx.symbol.Variable("a"), mx.symbol.Variable("b")
        >>> ex = bind(a * b, arg_arrays=[mx.nd.array([1, 2]), mx.nd.array([3, 4])])
        >>> ex.forward()[0].asnumpy()
        array([3., 8.], dtype=float32)
    """
    names = symbol.arguments()
    pairs = _pair_up("arg", dict.fromkeys(names), arg_arrays, isinstance(arg_arrays, Mapping))
    arrays = {n: as_ndarray(v, "arg.arrays") for n, v in pairs}
    missing = [n for n in names if n not in arrays]
    if missing:
        raise MXValueError(f"Invalid value for argument `arg.arrays`. Received no array for "
                           f"`{missing[0]}`. Expected one array per argument.")
    ex = BoundExecutor(symbol, {n: a.shape for n, a in arrays.items()},
                       grad_req_of(symbol, grad_reqs))
    ex.update_arrays("arg", [arrays[n] for n in names])
    if aux_arrays:
        ex.update_arrays("aux", aux_arrays, match_name=isinstance(aux_arrays, Mapping))
    return ex


def forward(executor: BoundExecutor, is_train: bool = False) -> list[NDArray]:
    """``mx.exec.forward``: run ``executor`` forward.

    Example:
        >>> forward(ex, is_train=True)   # doctest: +SKIP
    """
    return executor.forward(is_train)


def backward(executor: BoundExecutor, out_grads: Sequence[Any] | None = None) -> None:
    """``mx.exec.backward``: gradients into ``executor.grad_arrays``.

    Example:
        >>> backward(ex)   # doctest: +SKIP
    """
    executor.backward(out_grads)


def update_arg_arrays(executor: BoundExecutor, arg_arrays: Any, match_name: bool = False,
                      skip_null: bool = False) -> None:
    """``mx.exec.update.arg.arrays``: copy new argument values in.

    Example:
        >>> update_arg_arrays(ex, {"a": mx.nd.ones(2)}, match_name=True)   # doctest: +SKIP
    """
    executor.update_arrays("arg", arg_arrays, match_name, skip_null)


def update_aux_arrays(executor: BoundExecutor, aux_arrays: Any, match_name: bool = False,
                      skip_null: bool = False) -> None:
    """``mx.exec.update.aux.arrays``: copy new auxiliary states in.

    Example:
        >>> update_aux_arrays(ex, [], skip_null=True)   # doctest: +SKIP
    """
    executor.update_arrays("aux", aux_arrays, match_name, skip_null)


def update_grad_arrays(executor: BoundExecutor, grad_arrays: Any, match_name: bool = False,
                       skip_null: bool = False) -> None:
    """``mx.exec.update.grad.arrays``: copy values into the gradient arrays.

    Example:
        >>> update_grad_arrays(ex, [None, None], skip_null=True)   # doctest: +SKIP
    """
    executor.update_arrays("grad", grad_arrays, match_name, skip_null)
