"""The saved state of a random bank (native/rng.h): its bytes, and their validation.

A state is what exact resume stores in the ``.state`` sidecar (docs/CHECKPOINTS.md):

- 8 bytes ``MXCRNG`` + format version (``\\x02\\x00``; version 1 was the single stream
  of earlier releases);
- the bank's seed (uint32) and ``ready``, the number of engines in use (int32,
  0..1024), little-endian;
- ``ready`` engines, each 624 state words (uint32) and ``mti`` (int32, 0..624), the
  next word to output.

Engines that were never drawn from are not stored: they start afresh from the seed.
A state is untrusted input (a file): :func:`parse` checks every field before C sees it
and names the first one out of range.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from .._lib import check, ffi, lib
from ..errors import MXValueError

MAGIC = b"MXCRNG\x02\x00"
V1_STATE_SIZE = 2508  # the version-1 state: one raw mt19937 struct, no header
HEADER = struct.Struct("<8sIi")
ENGINES = int(lib.MXC_RNG_ENGINES)
WORDS = int(lib.MXC_RNG_WORDS)
ENGINE = np.dtype([("mt", "<u4", (WORDS,)), ("mti", "<i4")])

if ENGINE.itemsize != ffi.sizeof("mxc_mt19937"):  # pragma: no cover (a build problem)
    raise ImportError("native/rng.h's mxc_mt19937 does not have the layout of "
                      "learn/random_state.py")


class RandomStateError(MXValueError):
    """A saved random state that cannot be loaded; ``detail`` names the field at fault."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Invalid random state: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class BankState:
    """A checked state: the seed, the engines in use and their bytes."""

    seed: int
    ready: int
    engines: bytes


def encode(bank) -> bytes:
    """The state of ``bank`` (an ``mxc_rng *``), engines in use only.

    Example:
        >>> len(encode(lib.mxc_rng_default())) >= HEADER.size
        True
    """
    ready = int(bank.ready)
    check(lib.mxc_rng_check(bank), "random state")
    body = bytes(ffi.buffer(bank.engine, ready * ENGINE.itemsize)) if ready else b""
    return HEADER.pack(MAGIC, int(bank.seed), ready) + body


def parse(state: bytes) -> BankState:
    """Check every field of a saved state; raise :class:`RandomStateError` naming the
    first one that is out of range.

    Example:
        >>> parse(HEADER.pack(MAGIC, 7, 0)).seed
        7
    """
    if not isinstance(state, (bytes, bytearray, memoryview)):
        raise RandomStateError(f"expected bytes, received {type(state).__name__}")
    state = bytes(state)
    if len(state) < HEADER.size or state[:6] != MAGIC[:6]:
        if len(state) == V1_STATE_SIZE:
            raise RandomStateError(
                "it was saved by an earlier release (a single stream, before MXNet's bank "
                "of engines) and cannot continue exactly")
        raise RandomStateError(f"{len(state)} bytes without the {MAGIC[:6]!r} header")
    magic, seed, ready = HEADER.unpack_from(state)
    if magic != MAGIC:
        raise RandomStateError(f"format version {int.from_bytes(magic[6:], 'little')}, "
                               f"expected 2")
    if not 0 <= ready <= ENGINES:
        raise RandomStateError(f"`ready` = {ready}, expected 0 <= ready <= {ENGINES}")
    expected = HEADER.size + ready * ENGINE.itemsize
    if len(state) != expected:
        raise RandomStateError(f"{len(state)} bytes, expected {expected} for "
                               f"ready = {ready} engines")
    engines = np.frombuffer(state, ENGINE, count=ready, offset=HEADER.size)
    bad = np.flatnonzero((engines["mti"] < 0) | (engines["mti"] > WORDS))
    if bad.size:
        i = int(bad[0])
        raise RandomStateError(f"engine {i} `mti` = {int(engines['mti'][i])}, expected "
                               f"0 <= mti <= {WORDS}")
    return BankState(int(seed), int(ready), state[HEADER.size:])


def load(bank, state: bytes) -> None:
    """Put a saved state into ``bank`` (checked first; the bank is unchanged on error).

    Example:
        >>> load(lib.mxc_rng_default(), encode(lib.mxc_rng_default()))
    """
    checked = parse(state)
    bank.ready = 0  # while the engines are copied, none of them counts as in use
    if checked.ready:
        ffi.memmove(bank.engine, checked.engines, len(checked.engines))
    bank.seed = checked.seed
    bank.ready = checked.ready
    check(lib.mxc_rng_check(bank), "random state")
