"""Symbols: the network graph, built by composing operators (docs/MXNET_R_BEHAVIOUR.md, "Symbols and
their JSON").

A :class:`Symbol` is a list of output entries ``(node, index)``. Nodes are
either variables (``op is None``) or operator applications whose ``attrs``
hold the parameters as strings, exactly as in MXNet's symbol JSON. Names of
unnamed operators come from one counter per operator type
(``fullyconnected0``, ``fullyconnected1``...), and inputs the user does not
supply become variables ``<name>_<argument>`` (``fc1_weight``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import MXTypeError, MXValueError
from ..formats.atomic import atomic_write_bytes
from ..formats.symbol_json import dump_symbol_json, parse_symbol_json, read_symbol_file
from ..ops import OPS, Shape, format_param, get_op
from .shape_inference import infer_shapes

_name_counters: dict[str, int] = {}


def _auto_name(op_name: str) -> str:
    key = op_name.lower()
    n = _name_counters.get(key, 0)
    _name_counters[key] = n + 1
    return f"{key}{n}"


def reset_name_counters() -> None:
    """Restart automatic naming at 0 (a fresh R session starts there).

    Example:
        >>> reset_name_counters()
    """
    _name_counters.clear()


class Node:
    """One graph node: a variable (``op is None``) or an operator application."""

    __slots__ = ("_params", "attrs", "inputs", "name", "op")

    def __init__(self, op: str | None, name: str, attrs: dict[str, str] | None = None,
                 inputs: list[tuple[Node, int]] | None = None) -> None:
        self.op = op
        self.name = name
        self.attrs = dict(attrs or {})
        self.inputs = list(inputs or [])
        self._params: dict[str, Any] | None = None

    @property
    def params(self) -> dict[str, Any]:
        """Typed operator parameters (parsed once)."""
        if self._params is None:
            self._params = get_op(self.op).parse_params(self.attrs) if self.op else {}
        return self._params

    def num_arguments(self) -> int:
        return len(get_op(self.op).arguments(self.params)) if self.op else 0

    def output_names(self) -> list[str]:
        if self.op is None:
            return [self.name]
        op = get_op(self.op)
        names = op.outputs(self.params)[: op.num_visible_outputs(self.params)]
        return [f"{self.name}_{n}" for n in names]


def topo_order(heads: Iterable[tuple[Node, int]]) -> list[Node]:
    """Nodes in depth-first post-order (inputs before users), MXNet's DFS order."""
    order: list[Node] = []
    seen: set[int] = set()
    for head, _ in heads:
        stack: list[tuple[Node, Iterator[tuple[Node, int]]]] = []
        if id(head) in seen:
            continue
        seen.add(id(head))
        stack.append((head, iter(head.inputs)))
        while stack:
            node, it = stack[-1]
            for child, _ in it:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child.inputs)))
                    break
            else:
                order.append(node)
                stack.pop()
    return order


class Symbol:
    """A network (or part of one): the outputs of a graph.

    Example:
        >>> from mxnet_r_compat import mx
        >>> data = mx.symbol.Variable("data")
        >>> fc = mx.symbol.FullyConnected(data, num_hidden=1, name="fc1")
        >>> fc.arguments()
        ['data', 'fc1_weight', 'fc1_bias']
    """

    def __init__(self, outputs: list[tuple[Node, int]]) -> None:
        self.outputs_ = list(outputs)

    # -- structure -----------------------------------------------------------------------
    def nodes(self) -> list[Node]:
        """Every node in topological order."""
        return topo_order(self.outputs_)

    def _aux_node_ids(self) -> set[int]:
        ids: set[int] = set()
        for node in self.nodes():
            if node.op:
                ids.update(id(child) for child, _ in node.inputs[node.num_arguments():])
        return ids

    def arguments(self) -> list[str]:
        """Names of the arguments (inputs and parameters), in MXNet's order."""
        aux = self._aux_node_ids()
        return [n.name for n in self.nodes() if n.op is None and id(n) not in aux]

    def auxiliary_states(self) -> list[str]:
        """Names of the auxiliary states (e.g. BatchNorm moving statistics)."""
        aux = self._aux_node_ids()
        return [n.name for n in self.nodes() if n.op is None and id(n) in aux]

    def outputs(self) -> list[str]:
        """Output names, e.g. ``['fc1_output']``."""
        return [node.output_names()[i] for node, i in self.outputs_]

    @property
    def name(self) -> str | None:
        """The name of the single output node (None for a group)."""
        return self.outputs_[0][0].name if len(self.outputs_) == 1 else None

    def get_output(self, index: int) -> Symbol:
        """Output ``index`` (0-based) as a symbol of its own."""
        if not 0 <= index < len(self.outputs_):
            raise MXValueError(f"Invalid value for argument `index`. Received: index={index}. "
                               f"Expected 0 <= index < {len(self.outputs_)}.")
        return Symbol([self.outputs_[index]])

    __getitem__ = get_output

    def __len__(self) -> int:
        return len(self.outputs_)

    def get_internals(self) -> Symbol:
        """Every output of every node, as one group."""
        entries: list[tuple[Node, int]] = []
        for node in self.nodes():
            entries.extend((node, i) for i in range(len(node.output_names())))
        return Symbol(entries)

    def get_children(self) -> Symbol | None:
        """The inputs of the output node(s), as one group (None for a variable); a node with
        several outputs (SliceChannel) gives its inputs once, as in MXNet."""
        nodes = list({id(node): node for node, _ in self.outputs_}.values())
        entries = [inp for node in nodes for inp in node.inputs]
        return Symbol(entries) if entries else None

    # -- attributes ----------------------------------------------------------------------
    def attributes(self) -> dict[str, str]:
        """The string attributes of the single output node."""
        return dict(self.outputs_[0][0].attrs)

    def set_attributes(self, **attrs: str) -> None:
        """Set string attributes on the single output node (values must be strings)."""
        for key, value in attrs.items():
            if not isinstance(value, str):
                raise MXTypeError(f"Attribute values must be strings. Received: {key}={value!r}.")
        self.outputs_[0][0].attrs.update(attrs)
        self.outputs_[0][0]._params = None

    # -- shapes --------------------------------------------------------------------------
    def infer_shape(self, **shapes: Shape
                    ) -> tuple[dict[str, Shape], list[Shape], dict[str, Shape]] | None:
        """Shapes of arguments, outputs and auxiliary states from some input shapes.

        Shapes are backend order (batch first). Returns None when the given shapes
        are not enough, as MXNet R returns NULL.

        Example:
            >>> args, outs, aux = fc.infer_shape(data=(20, 13))   # doctest: +SKIP
            >>> args["fc1_weight"], outs
            ((1, 13), [(20, 1)])
        """
        return infer_shapes(self, {k: tuple(int(d) for d in v) for k, v in shapes.items()})

    # -- serialisation -------------------------------------------------------------------
    def tojson(self) -> str:
        """The symbol in MXNet's JSON format (what ``-symbol.json`` files hold)."""
        nodes = self.nodes()
        index = {id(n): i for i, n in enumerate(nodes)}
        out = []
        for n in nodes:
            entry: dict[str, Any] = {"op": n.op or "null", "name": n.name, "attrs": dict(n.attrs),
                                     "inputs": [[index[id(c)], i] for c, i in n.inputs]}
            if n.op:
                op = get_op(n.op)
                entry["num_outputs"] = len(op.outputs(n.params))
            out.append(entry)
        return dump_symbol_json(out, [[index[id(n)], i] for n, i in self.outputs_])

    as_json = tojson

    def save(self, filename: str) -> None:
        """Write the JSON to ``filename`` atomically."""
        atomic_write_bytes(filename, self.tojson().encode())

    # -- composition helpers ---------------------------------------------------------------
    def _single_entry(self, what: str) -> tuple[Node, int]:
        if len(self.outputs_) != 1:
            raise MXValueError(f"{what}: a symbol with {len(self.outputs_)} outputs cannot be "
                               f"used as one input; select one with get_output().")
        return self.outputs_[0]

    def __repr__(self) -> str:
        outs = ", ".join(self.outputs())
        return f"<Symbol {self.name or 'group'}: outputs {outs}>"

    # Arithmetic: elemwise_* between symbols, the *_scalar operators with a number, under
    # MXNet's automatic names (_plus0, _mulscalar0, ...).
    def _arith(self, other: Any, op: str, reverse: bool = False) -> Symbol:
        if isinstance(other, Symbol):
            lhs, rhs = (other, self) if reverse else (self, other)
            if op == "power":
                raise MXValueError("Symbol ^ Symbol is not supported; use a number exponent.")
            return create(f"elemwise_{op}", lhs, rhs, name=_auto_name(_SYMBOL_NAMES[op]))
        if not isinstance(other, (int, float)) or isinstance(other, bool):
            raise MXTypeError(f"Symbol arithmetic takes a Symbol or a number. Received: "
                              f"{type(other).__name__}.")
        if reverse and op in ("add", "mul"):
            reverse = False  # commutative: MXNet builds the plain scalar op
        prefix = "_r" if reverse else "_"
        base = {"add": "plus", "sub": "minus", "mul": "mul", "div": "div",
                "power": "power"}[op]
        return create(f"{prefix}{base}_scalar", self, scalar=float(other),
                      name=_auto_name(f"{prefix}{base}scalar"))

    def __add__(self, o): return self._arith(o, "add")
    def __radd__(self, o): return self._arith(o, "add", True)
    def __sub__(self, o): return self._arith(o, "sub")
    def __rsub__(self, o): return self._arith(o, "sub", True)
    def __mul__(self, o): return self._arith(o, "mul")
    def __rmul__(self, o): return self._arith(o, "mul", True)
    def __truediv__(self, o): return self._arith(o, "div")
    def __rtruediv__(self, o): return self._arith(o, "div", True)
    def __pow__(self, o): return self._arith(o, "power")
    def __rpow__(self, o): return self._arith(o, "power", True)
    def __neg__(self): return self._arith(-1.0, "mul")


_SYMBOL_NAMES = {"add": "_plus", "sub": "_minus", "mul": "_mul", "div": "_div"}


def Variable(name: str, attr: dict[str, str] | None = None) -> Symbol:  # noqa: N802 (MXNet name)
    """A named input or parameter of a network.

    Example:
        >>> Variable("data").arguments()
        ['data']
    """
    if not isinstance(name, str) or not name:
        raise MXValueError(f"Invalid value for argument `name`. Received: name={name!r}. "
                           f"Expected a non-empty string.")
    return Symbol([(Node(None, name, attr), 0)])


def Group(*symbols: Symbol | list[Symbol]) -> Symbol:  # noqa: N802
    """Group several symbols into one with all their outputs.

    Example:
        >>> len(Group(Variable("a"), Variable("b")))
        2
    """
    if len(symbols) == 1 and isinstance(symbols[0], (list, tuple)):
        symbols = tuple(symbols[0])
    entries = []
    for s in symbols:
        if not isinstance(s, Symbol):
            raise MXTypeError("Group only accept MXSymbol as input")
        entries.extend(s.outputs_)
    return Symbol(entries)


def create(op_name: str, *args: Symbol, name: str | None = None, attr: dict | None = None,
           **kwargs: Any) -> Symbol:
    """Apply operator ``op_name`` to input symbols, with parameters as keywords.

    Inputs go positionally or by argument name, not both (as in MXNet R).
    Keyword names may use R's dots (``num.hidden``).

    Example:
        >>> create("FullyConnected", Variable("x"), num_hidden=3, name="fc").arguments()
        ['x', 'fc_weight', 'fc_bias']
    """
    op = get_op(op_name)
    kwargs = {k.replace(".", "_"): v for k, v in kwargs.items()}
    named_inputs = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
    params = {k: v for k, v in kwargs.items() if not isinstance(v, Symbol) and v is not None}
    if args and named_inputs:
        raise MXValueError("Input symbols need to be either positional or key=value style, "
                           "not both")
    if any(not isinstance(a, Symbol) for a in args):
        raise MXValueError("Non Symbol parameters is only accepted via key=value style.")
    params = op.complete_params(params, len(args) or len(named_inputs))
    for key, value in params.items():
        if key in op.params:
            op.params[key].check_value(op.name, key, value)
    attrs = {k: format_param(v) for k, v in params.items()}
    node_name = name or _auto_name(op.name)
    node = Node(op.name, node_name, {**attrs, **(attr or {})})
    p = node.params  # validates the parameters now, not at bind time
    arg_names = op.arguments(p)
    unknown = [k for k in named_inputs if k not in arg_names]
    if unknown:
        raise MXValueError(f"{op.name} has no input called `{unknown[0]}`. "
                           f"Expected one of: {', '.join(arg_names)}.")
    if len(args) > len(arg_names):
        raise MXValueError(f"{op.name} takes at most {len(arg_names)} inputs "
                           f"({', '.join(arg_names)}); received {len(args)}.")
    given = dict(zip(arg_names, args)) | named_inputs
    for arg in arg_names:
        sym = given[arg] if arg in given else Variable(f"{node_name}_{arg}")
        node.inputs.append(sym._single_entry(f"{op.name} input `{arg}`"))
    for aux in op.aux_states(p):
        node.inputs.append(Variable(f"{node_name}_{aux}").outputs_[0])
    n_visible = op.num_visible_outputs(p)
    return Symbol([(node, i) for i in range(n_visible)])


def load_json(text: str | bytes) -> Symbol:
    """Rebuild a symbol from MXNet's JSON (files from MXNet R and Python 1.x, or ours).

    Example:
        >>> load_json(Variable("x").tojson()).arguments()
        ['x']
    """
    graph = parse_symbol_json(text)
    nodes: list[Node] = []
    for entry in graph["nodes"]:
        op = None if entry["op"] == "null" else entry["op"]
        if op is not None and op not in OPS:
            get_op(op)  # raises the "not supported" error naming the operator
        node = Node(op, entry["name"], entry["attrs"],
                    [(nodes[i], j) for i, j in entry["inputs"]])
        if op is not None:
            _ = node.params  # parsing validates the parameters now
        nodes.append(node)
    return Symbol([(nodes[i], j) for i, j in graph["heads"]])


def load(filename: str) -> Symbol:
    """Read a ``-symbol.json`` file (a regular file within the limits of
    formats/symbol_json.py).

    Example:
        >>> net = load("boston-symbol.json")   # doctest: +SKIP
    """
    return load_json(read_symbol_file(filename))
