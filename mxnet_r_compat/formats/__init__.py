"""MXNet's model file formats, read and written byte-exactly.

- :mod:`.ndarray_file`: the NDArray list file (``mx.nd.save``/``mx.nd.load``, ``.params``).
- :mod:`.symbol_json`: the symbol JSON (``-symbol.json``).
- :mod:`.model_files`: ``<prefix>-<iteration>.params`` with ``arg:``/``aux:`` names.
- :mod:`.atomic`: atomic writes, so a crash never leaves a half-written model file.
- :mod:`.state_file`: the exact-resume sidecar ``<prefix>-%04d.state`` (manifest + arrays).
- :mod:`.checkpoint_files`: find, verify and read a resume checkpoint's files.

Corrupt or unsupported files raise :class:`~mxnet_r_compat.errors.ModelFileError`;
failed writes raise :class:`~mxnet_r_compat.errors.CheckpointWriteError`.
"""

from .atomic import atomic_write_bytes, atomic_writer
from .model_files import dumps_params, load_params, loads_params, params_path, save_params
from .ndarray_file import (dumps_ndarray_list, load_ndarray_list, loads_ndarray_list,
                           save_ndarray_list)
from .symbol_json import dump_symbol_json, parse_symbol_json

__all__ = ["atomic_write_bytes", "atomic_writer", "dump_symbol_json", "dumps_ndarray_list",
           "dumps_params", "load_ndarray_list", "load_params", "loads_ndarray_list",
           "loads_params", "params_path", "parse_symbol_json", "save_ndarray_list", "save_params"]
