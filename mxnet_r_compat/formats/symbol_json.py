"""MXNet's symbol JSON (``<prefix>-symbol.json``), docs/MXNET_R_BEHAVIOUR.md, "Symbols and their
JSON": parse and dump.

:func:`parse_symbol_json` turns any MXNet 0.x/1.x file into one normalised,
validated graph dict; :func:`dump_symbol_json` writes such a graph in the
layout MXNet 1.x writes. A graph dict looks like::

    {"nodes": [{"op": "null", "name": "data", "attrs": {}, "inputs": [],
                "num_outputs": 1}, ...],
     "arg_nodes": [0, ...],        # ids of all variables (op "null")
     "heads": [[node_id, output_index], ...],
     "mxnet_version": 10900}       # or None for files without a version

Node inputs are ``[node_id, output_index]`` pairs that always point to an
earlier node, so the node list is in topological order. ``num_outputs`` comes
from the file's ``node_row_ptr``; files without one (before nnvm) get the
largest output index used plus one.

Every malformed file raises :class:`~mxnet_r_compat.errors.ModelFileError`.
Text over :data:`MAX_TEXT_CHARS` is refused before parsing; too deep nesting
is caught as the ``RecursionError`` of the (C) JSON scanner.

Files are hostile input and get tighter limits than text built in the session:
:func:`read_symbol_file` opens only a regular file, refuses one of more than
:data:`MAX_FILE_BYTES` from its size before reading it, and refuses text whose
parse would cost more than ``bounded_read.JSON_PARSE_BUDGET`` (JSON can take 25
times its size in memory: ``[[],[],...]``). A file in MXNet's layout costs about
7 bytes a byte, so the limits still admit an MLP of 3,000 layers (FullyConnected,
Activation and BatchNorm each), far beyond what is trained here.
"""

from __future__ import annotations

import itertools
import json
import os
import reprlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import ModelFileError
from .atomic import resolve_path
from .bounded_read import check_json_cost, read_at_most

MAX_NODES = 1_000_000
MAX_TEXT_CHARS = 256 * 1024 * 1024  # well above MAX_NODES nodes of a typical file
MAX_FILE_BYTES = 8 * 1024 * 1024  # a -symbol.json file (see the module docstring)
MAX_OUTPUTS = 1 << 31
DEFAULT_MXNET_VERSION = 10900

_ATTR_KEYS = ("param", "attr", "attrs")  # merged in this order, later keys win
_INLINE_MAX = 10  # MXNet writes arrays of numbers or entries inline up to 10 items

Graph = dict[str, Any]


# --- parsing ----------------------------------------------------------------------------------

def parse_symbol_json(text: str | bytes) -> Graph:
    """Parse and validate an MXNet symbol JSON text.

    Args:
        text: the file contents (``str``, or UTF-8 ``bytes``).

    Returns:
        The normalised graph dict described in the module docstring.

    Raises:
        ModelFileError: the text is not a valid MXNet symbol JSON.

    Example:
        >>> graph = parse_symbol_json('{"nodes": [{"op": "null", "name": "x", "inputs": []}], '
        ...                           '"arg_nodes": [0], "heads": [[0, 0, 0]]}')
        >>> graph["nodes"][0]["name"], graph["heads"], graph["mxnet_version"]
        ('x', [[0, 0]], None)
    """
    document = _load_json(text)
    if not isinstance(document, dict):
        raise _error("the top level must be a JSON object")
    raw_nodes = _field(document, "nodes", list, "the top level")
    if len(raw_nodes) > MAX_NODES:
        raise _error(f"{len(raw_nodes)} nodes is more than the limit of {MAX_NODES}")
    nodes = [_parse_node(index, raw) for index, raw in enumerate(raw_nodes)]
    heads = _parse_heads(_field(document, "heads", list, "the top level"), len(nodes))
    row_ptr = document.get("node_row_ptr")
    counts = _counts_from_row_ptr(row_ptr, nodes) if row_ptr is not None else \
        _infer_counts(nodes, heads)
    _check_output_indices(nodes, heads, counts)
    if "arg_nodes" in document:
        _check_arg_nodes(document["arg_nodes"], nodes)
    for node, count in zip(nodes, counts):
        node["num_outputs"] = count
    return {"nodes": nodes, "arg_nodes": _arg_nodes(nodes), "heads": heads,
            "mxnet_version": _parse_version(document.get("attrs"))}


def read_symbol_file(path: str | os.PathLike[str]) -> str:
    """The text of a ``-symbol.json`` file, read only if it is a regular file of at
    most :data:`MAX_FILE_BYTES` (checked before reading) whose JSON is cheap enough
    to parse (see the module docstring).

    Raises:
        ModelFileError: a FIFO, device or directory, a file over the limits, not UTF-8.
        OSError: the file cannot be opened.

    Example:
        >>> import tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "x-symbol.json")
        >>> _ = open(path, "w").write("{}")
        >>> read_symbol_file(path)
        '{}'
    """
    resolved = resolve_path(path)
    text = _decode(read_at_most(resolved, MAX_FILE_BYTES, _error, "the symbol file"))
    check_json_cost(text, _error, f"the symbol file '{resolved}'")
    return text


def _load_json(text: str | bytes) -> object:
    """Decode, size-check, depth-check and parse the JSON text."""
    if isinstance(text, (bytes, bytearray)):
        text = _decode(text)
    if not isinstance(text, str):
        raise _error(f"expected the JSON text as str or bytes, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise _error(f"the text has {len(text)} characters, more than the limit {MAX_TEXT_CHARS}")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise _error("the JSON is nested too deeply") from None
    except ValueError as exc:
        raise _error(f"not valid JSON ({exc})") from None


def _decode(data: bytes | bytearray) -> str:
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(f"the text is not UTF-8 ({exc})") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _parse_node(index: int, raw: object) -> dict[str, Any]:
    """Validate one node; merge its param/attr/attrs; normalise its inputs."""
    where = f"node {index}"
    if not isinstance(raw, dict):
        raise _error(f"{where} must be a JSON object, got {_kind(raw)}")
    op = _field(raw, "op", str, where)
    name = _field(raw, "name", str, where)
    where = f"node {index} ('{name}')"
    attrs: dict[str, str] = {}
    for key in _ATTR_KEYS:
        if raw.get(key) is not None:
            attrs.update(_parse_attrs(raw[key], f"{where} `{key}`"))
    raw_inputs = raw.get("inputs", [])
    if not isinstance(raw_inputs, list):
        raise _error(f"{where}: `inputs` must be a list, got {_kind(raw_inputs)}")
    inputs = [_parse_entry(e, f"{where} input {k}", index, "inputs must refer to earlier nodes")
              for k, e in enumerate(raw_inputs)]
    if op == "null" and inputs:
        raise _error(f"{where} is a variable (op \"null\") but has inputs")
    return {"op": op, "name": name, "attrs": attrs, "inputs": inputs}


def _parse_attrs(raw: object, where: str) -> dict[str, str]:
    """Attribute values become strings: numbers and booleans via ``str`` (floats via repr)."""
    if not isinstance(raw, dict):
        raise _error(f"{where} must be a JSON object, got {_kind(raw)}")
    attrs = {}
    for key, value in raw.items():
        if isinstance(value, str):
            attrs[key] = value
        elif isinstance(value, float):
            attrs[key] = repr(value)
        elif isinstance(value, int):  # bool included: "True"/"False"
            attrs[key] = str(value)
        else:
            raise _error(f"{where} value of '{key}' must be a string, got {_kind(value)}")
    return attrs


def _parse_entry(raw: object, where: str, limit: int, rule: str) -> list[int]:
    """A ``[node_id, output_index(, version)]`` entry with node_id < limit."""
    if not isinstance(raw, list) or len(raw) not in (2, 3) or not all(_is_int(v) for v in raw):
        raise _error(f"{where} must be [node_id, output_index] or [node_id, output_index, "
                     f"version] of integers, got {_short(raw)}")
    node_id, output = raw[0], raw[1]
    if not 0 <= node_id < limit:
        raise _error(f"{where} refers to node {node_id}; expected 0 <= id < {limit} ({rule})")
    if not 0 <= output < MAX_OUTPUTS or (len(raw) == 3 and raw[2] < 0):
        raise _error(f"{where} has a negative or absurd output index or version: {_short(raw)}")
    return [node_id, output]


def _parse_heads(raw: list, num_nodes: int) -> list[list[int]]:
    if not raw:
        raise _error("`heads` is empty: a symbol needs at least one output")
    return [_parse_entry(e, f"head {k}", num_nodes, f"the graph has {num_nodes} nodes")
            for k, e in enumerate(raw)]


def _counts_from_row_ptr(row_ptr: object, nodes: list[dict]) -> list[int]:
    """Per-node output counts from ``node_row_ptr`` (cumulative, starting at 0)."""
    if not isinstance(row_ptr, list) or len(row_ptr) != len(nodes) + 1 or \
            not all(_is_int(v) for v in row_ptr) or row_ptr[0] != 0:
        raise _error(f"`node_row_ptr` must be {len(nodes) + 1} integers starting at 0")
    counts = [b - a for a, b in itertools.pairwise(row_ptr)]
    for index, (node, count) in enumerate(zip(nodes, counts)):
        if not 1 <= count <= MAX_OUTPUTS or (node["op"] == "null" and count != 1):
            raise _error(f"node {index} ('{node['name']}') has {count} outputs by `node_row_ptr`"
                         f"; expected at least 1, and exactly 1 for a variable")
    return counts


def _infer_counts(nodes: list[dict], heads: list[list[int]]) -> list[int]:
    """Output counts for files without ``node_row_ptr``: largest index used plus one."""
    counts = [1] * len(nodes)
    for node_id, output in heads + [e for node in nodes for e in node["inputs"]]:
        if nodes[node_id]["op"] != "null":
            counts[node_id] = max(counts[node_id], output + 1)
    return counts


def _check_output_indices(nodes: list[dict], heads: list[list[int]], counts: list[int]) -> None:
    entries = [(f"head {k}", e) for k, e in enumerate(heads)] + [
        (f"node {i} ('{n['name']}') input {k}", e)
        for i, n in enumerate(nodes) for k, e in enumerate(n["inputs"])]
    for where, (node_id, output) in entries:
        if output >= counts[node_id]:
            raise _error(f"{where} uses output {output} of node {node_id}, "
                         f"which has {counts[node_id]} output(s)")


def _check_arg_nodes(raw: object, nodes: list[dict]) -> None:
    if not isinstance(raw, list) or not all(_is_int(v) and 0 <= v < len(nodes) for v in raw):
        raise _error(f"`arg_nodes` must be a list of node ids below {len(nodes)}")
    for node_id in raw:
        if nodes[node_id]["op"] != "null":
            raise _error(f"`arg_nodes` lists node {node_id}, which is not a variable")


def _parse_version(raw: object) -> int | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _error(f"the top-level `attrs` must be a JSON object, got {_kind(raw)}")
    version = raw.get("mxnet_version")
    if version is None:
        return None
    if not (isinstance(version, list) and len(version) == 2 and version[0] == "int"
            and _is_int(version[1]) and version[1] >= 0):
        raise _error(f'`mxnet_version` must be ["int", <version>], got {_short(version)}')
    return version[1]


# --- dumping ----------------------------------------------------------------------------------

def dump_symbol_json(nodes: Sequence[Mapping[str, Any]], heads: Sequence[Sequence[int]],
                     mxnet_version: int = DEFAULT_MXNET_VERSION) -> str:
    """Write a graph as MXNet 1.x symbol JSON (same graph, same text).

    Args:
        nodes: node dicts as returned by :func:`parse_symbol_json` (``op``, ``name``,
            optional ``attrs``, ``inputs`` as ``[node_id, output_index]``, optional
            ``num_outputs``, default 1; variables have exactly one output).
        heads: the outputs, ``[node_id, output_index]`` each.
        mxnet_version: stored as ``attrs.mxnet_version`` (``M*10000 + m*100 + p``).

    Returns:
        The JSON text, indented by 2 like MXNet, attribute keys sorted.

    Raises:
        ModelFileError: the graph is not valid (the same checks as parsing).

    Example:
        >>> text = dump_symbol_json([{"op": "null", "name": "x", "inputs": []}], [[0, 0]])
        >>> parse_symbol_json(text)["arg_nodes"]
        [0]
    """
    counts = [_num_outputs(index, node) for index, node in enumerate(nodes)]
    document = {"nodes": list(nodes), "heads": list(heads),
                "node_row_ptr": list(itertools.accumulate(counts, initial=0)),
                "attrs": {"mxnet_version": ["int", mxnet_version]}}
    try:
        text = json.dumps(document, default=_plain)
    except (TypeError, ValueError) as exc:
        raise _error(f"the graph cannot be written as JSON ({exc})") from None
    return _layout(parse_symbol_json(text))  # validated exactly as a file would be


def _num_outputs(index: int, node: object) -> int:
    if not isinstance(node, Mapping):
        raise _error(f"node {index} must be a dict, got {type(node).__name__}")
    count = node.get("num_outputs", 1)
    count = int(count) if isinstance(count, np.integer) else count
    if not _is_int(count) or not 1 <= count <= MAX_OUTPUTS:
        raise _error(f"node {index}: `num_outputs` must be a positive integer, got {count!r}")
    return count


def _plain(value: object) -> object:
    """JSON conversion of numpy scalars and tuples-like containers for :func:`json.dumps`."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _layout(graph: Graph) -> str:
    """MXNet's layout: objects one key per line, short number arrays inline."""
    row_ptr = itertools.accumulate((n["num_outputs"] for n in graph["nodes"]), initial=0)
    fields = [
        ("nodes", _block("[", [_layout_node(n) for n in graph["nodes"]], "]", 1)),
        ("arg_nodes", _array([str(v) for v in graph["arg_nodes"]], 1)),
        ("node_row_ptr", _array([str(v) for v in row_ptr], 1)),
        ("heads", _array([f"[{i}, {k}, 0]" for i, k in graph["heads"]], 1)),
        ("attrs", f'{{"mxnet_version": ["int", {graph["mxnet_version"]}]}}'),
    ]
    return _block("{", [f"{_quote(k)}: {v}" for k, v in fields], "}", 0)


def _layout_node(node: Mapping[str, Any]) -> str:
    fields = [f'"op": {_quote(node["op"])}', f'"name": {_quote(node["name"])}']
    attrs = [f"{_quote(k)}: {_quote(v)}" for k, v in sorted(node["attrs"].items())]
    if len(attrs) == 1:
        fields.append(f'"attrs": {{{attrs[0]}}}')
    elif attrs:
        fields.append(f'"attrs": {_block("{", attrs, "}", 3)}')
    fields.append(f'"inputs": {_array([f"[{i}, {k}, 0]" for i, k in node["inputs"]], 3)}')
    return _block("{", fields, "}", 2)


def _array(items: list[str], level: int) -> str:
    if len(items) > _INLINE_MAX:
        return _block("[", items, "]", level)
    return "[" + ", ".join(items) + "]"


def _block(opener: str, items: list[str], closer: str, level: int) -> str:
    """One item per line, indented by 2 per level, separated by ", " like MXNet's writer."""
    if not items:
        return opener + closer
    inner = "  " * (level + 1)
    return opener + "\n" + ", \n".join(inner + item for item in items) + \
        "\n" + "  " * level + closer


# --- helpers ----------------------------------------------------------------------------------

def _arg_nodes(nodes: list[dict]) -> list[int]:
    return [index for index, node in enumerate(nodes) if node["op"] == "null"]


def _field(raw: dict, key: str, kind: type, where: str) -> Any:
    if key not in raw:
        raise _error(f"{where} has no `{key}`")
    value = raw[key]
    if not isinstance(value, kind):
        raise _error(f"`{key}` of {where} must be a {kind.__name__}, got {_kind(value)}")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def _short(value: object) -> str:
    return reprlib.repr(value)  # bounded in length and depth, whatever the value


def _error(detail: str) -> ModelFileError:
    return ModelFileError(f"Invalid symbol JSON: {detail}")
