"""A crafted ``.state`` sidecar is refused with an error naming the field, never a crash.

A real checkpoint is written once; each case copies it, changes one value of the sidecar
(the random bank, the optimizer's learning rate and counters, the scheduler's counters,
the recorded rates, the iterators' cursors), and resumes. The resume must either run
(the value was valid) or raise ModelFileError naming the field (training/sidecar_checks.py,
learn/random_state.py). Before these checks, an engine index of -2**31 read outside the
bank in C (SIGSEGV), and -1..-100000 read neighbouring memory into Dropout masks. Under
``make sanitize`` these tests run against the AddressSanitizer build, where any read out
of bounds aborts.
"""

from __future__ import annotations

import math
import shutil
import struct
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mxnet_r_compat import mx
from mxnet_r_compat.errors import ModelFileError
from mxnet_r_compat.formats.state_file import decode, encode, load_state, save_state, state_path
from mxnet_r_compat.formats.checkpoint_files import ResumeWarning
from mxnet_r_compat.training.trainer import NonFiniteWarning

from .common import train

EPOCH = 2
HEADER = 16  # magic (8), seed (4), ready (4): learn/random_state.py
ENGINE = 2500  # 624 words + mti
Edit = Callable[[dict, dict], None]


def schedule():
    return mx.lr_scheduler.MultiFactorScheduler(step=[3, 1000], factor_val=0.5, verbose=False)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A checkpoint of epoch 2 (Dropout, momentum, a scheduler that has stepped once)."""
    folder = tmp_path_factory.mktemp("pristine")
    train(EPOCH, checkpoint=str(folder / "run"), lr_scheduler=schedule())
    return folder


def resume_edited(pristine: Path, edit: Edit) -> None:
    """Copy the checkpoint, apply ``edit(manifest, arrays)`` to its sidecar, resume from it."""
    with tempfile.TemporaryDirectory() as tmp:
        for f in pristine.iterdir():
            shutil.copy(f, tmp)
        path = state_path(str(Path(tmp) / "run"), EPOCH)
        manifest, arrays = load_state(path)
        edit(manifest, arrays)
        save_state(path, manifest, arrays)
        train(EPOCH + 2, seed=11, resume=str(Path(tmp) / "run"), lr_scheduler=schedule())


# --- edits --------------------------------------------------------------------------------------

def rng_bytes(edit_blob: Callable[[bytearray], bytes | bytearray]) -> Edit:
    def edit(manifest: dict, arrays: dict) -> None:
        blob = bytearray(arrays[manifest["rng"]].tobytes())
        arrays[manifest["rng"]] = np.frombuffer(bytes(edit_blob(blob)), np.uint8).copy()
    return edit


def rng_int(offset: Callable[[bytearray], int], value: int, fmt: str = "<i") -> Edit:
    def change(blob: bytearray) -> bytearray:
        struct.pack_into(fmt, blob, offset(blob), value)
        return blob
    return rng_bytes(change)


def ready(blob: bytearray) -> int:
    return struct.unpack_from("<i", blob, 12)[0]


def mti_of(engine: int | str) -> Callable[[bytearray], int]:
    def offset(blob: bytearray) -> int:
        i = ready(blob) - 1 if engine == "last" else engine
        return HEADER + i * ENGINE + ENGINE - 4
    return offset


def optimizer_field(change: Callable[[dict], None]) -> Edit:
    def edit(manifest: dict, arrays: dict) -> None:
        state = decode(manifest["optimizer"]["state"], arrays)
        change(state)
        manifest["optimizer"]["state"] = encode(state, arrays, "fuzz")
    return edit


def set_key(*keys: str | int, value) -> Callable[[dict], None]:
    def change(tree: dict) -> None:
        for k in keys[:-1]:
            tree = tree[k]
        tree[keys[-1]] = value
    return change


def first_count(value: int) -> Callable[[dict], None]:
    def change(state: dict) -> None:
        state["counts"][next(iter(state["counts"]))] = value
    return change


def manifest_field(*keys: str, value) -> Edit:
    return lambda manifest, arrays: set_key(*keys, value=value)(manifest)


def cursor(value: int) -> Edit:
    def edit(manifest: dict, arrays: dict) -> None:
        saved = decode(manifest["iterators"]["train"], arrays)
        saved["cursor"] = value
        manifest["iterators"]["train"] = encode(saved, arrays, "fuzz_it")
    return edit


CASES = [
    (rng_int(mti_of(0), -2**31),
     r"field `rng`: engine 0 `mti` = -2147483648, expected 0 <= mti <= 624"),
    (rng_int(mti_of(0), -1), r"engine 0 `mti` = -1,"),
    (rng_int(mti_of(0), -100000), r"engine 0 `mti` = -100000,"),
    (rng_int(mti_of("last"), 625), r"`mti` = 625,"),
    (rng_int(mti_of("last"), 2**31 - 1), r"`mti` = 2147483647,"),
    (rng_int(lambda b: 12, 1025), r"`ready` = 1025, expected 0 <= ready <= 1024"),
    (rng_int(lambda b: 12, -1), r"`ready` = -1,"),
    (rng_int(lambda b: 12, -2**31), r"`ready` = -2147483648,"),
    (rng_bytes(lambda b: b + bytes(ENGINE)), r"bytes, expected \d+ for ready"),
    (rng_bytes(lambda b: b[:-10]), r"bytes, expected \d+ for ready"),
    (rng_bytes(lambda b: b[:7]), r"7 bytes without the b'MXCRNG' header"),
    (rng_bytes(lambda b: bytes(2508)), r"saved by an earlier release"),
    (rng_bytes(lambda b: b[:6] + b"\x09\x00" + b[8:]), r"format version 9, expected 2"),
    (optimizer_field(set_key("lr", value=math.nan)), r"`optimizer.state.lr`. Received: nan"),
    (optimizer_field(set_key("lr", value=math.inf)), r"`optimizer.state.lr`. Received: inf"),
    (optimizer_field(set_key("lr", value=-math.inf)), r"`optimizer.state.lr`. Received: -inf"),
    (optimizer_field(set_key("lr", value=-0.5)), r"`optimizer.state.lr`. Received: -0.5. "
                                                 r"Expected a finite number >= 0 \(float32\)"),
    (optimizer_field(set_key("lr", value=1e300)), r"`optimizer.state.lr`. Received: 1e\+300"),
    (optimizer_field(set_key("num_update", value=-1)), r"`optimizer.state.num_update`"),
    (optimizer_field(set_key("num_update", value=2**63)), r"`optimizer.state.num_update`"),
    (optimizer_field(first_count(-5)), r"`optimizer.state.counts\[\d+\]`. Received: -5"),
    (optimizer_field(set_key("lr_scheduler", "count", value=-1)),
     r"`optimizer.state.lr_scheduler.count`"),
    (optimizer_field(set_key("lr_scheduler", "cur_step_ind", value=99)),
     r"`optimizer.state.lr_scheduler.cur_step_ind`. Received: 99. Expected a whole number "
     r"from 0 to 2"),
    # JSON has no NaN (the reader refuses the token): a non-finite value can only come
    # tagged, which is not a number here.
    (manifest_field("initial_lr", value=-1.0), r"field `initial_lr`. Received: -1.0"),
    (manifest_field("hyper", "momentum", value={"__float__": "nan"}),
     r"field `hyper.momentum`. Received: \{'__float__': 'nan'\}. Expected a number"),
    (cursor(99), r"field `iterators.train.cursor`. Received: 99"),
    (cursor(-7), r"field `iterators.train.cursor`. Received: -7"),
]


@pytest.mark.parametrize(("edit", "message"), CASES, ids=[m[:40] for _, m in CASES])
def test_a_crafted_field_is_refused_by_name(pristine: Path, edit: Edit, message: str) -> None:
    with pytest.raises(ModelFileError, match=message):
        resume_edited(pristine, edit)


def test_the_untouched_checkpoint_resumes(pristine: Path) -> None:
    resume_edited(pristine, lambda manifest, arrays: None)


# --- fuzz ---------------------------------------------------------------------------------------

ints = st.one_of(st.integers(-2**31, 2**31 - 1), st.sampled_from([-2**31, -1, 0, 623, 624, 625,
                                                                  1023, 1024, 1025, 2**31 - 1]))
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 0.0, 1e-300, 2e-6,
                                    3.4028235e38, 3.4028236e38, 1e300]))
edits = st.one_of(
    st.tuples(st.just("rng"), st.builds(lambda v: rng_int(lambda b: 8, v, "<I"),
                                        st.integers(0, 2**32 - 1))),
    st.tuples(st.just("rng"), st.builds(lambda v: rng_int(lambda b: 12, v), ints)),
    st.tuples(st.just("rng"), st.builds(lambda e, v: rng_int(mti_of(e), v),
                                        st.sampled_from([0, "last"]), ints)),
    st.tuples(st.just("rng"), st.builds(lambda k: rng_bytes(lambda b: b[:k]),
                                        st.integers(0, 20000))),
    st.tuples(st.just("optimizer.state.lr"),
              st.builds(lambda v: optimizer_field(set_key("lr", value=v)), floats)),
    st.tuples(st.just("optimizer.state.num_update"),
              st.builds(lambda v: optimizer_field(set_key("num_update", value=v)),
                        st.integers(-2**64, 2**64))),
    st.tuples(st.just("optimizer.state.counts"),
              st.builds(lambda v: optimizer_field(first_count(v)), st.integers(-2**40, 2**40))),
    st.tuples(st.just("optimizer.state.lr_scheduler"),
              st.builds(lambda k, v: optimizer_field(set_key("lr_scheduler", k, value=v)),
                        st.sampled_from(["count", "cur_step_ind"]), ints)),
    st.tuples(st.just("initial_lr"), st.builds(lambda v: manifest_field("initial_lr", value=v),
                                               st.floats(allow_nan=False, allow_infinity=False))),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=edits)
def test_fuzz_sidecar_fields_resume_or_refuse_by_name(pristine: Path, edit) -> None:
    """Whatever the value, the resume runs or is refused naming the field; it never crashes
    (a crash ends the test process, an out-of-bounds read aborts it under ASan)."""
    field, change = edit
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            resume_edited(pristine, change)
        except ModelFileError as err:
            assert f"`{field}" in str(err), str(err)
    # The warnings a valid value may bring: a changed initial rate is reported, and a
    # large learning rate can make training diverge (stopped at the last finite model).
    for w in caught:
        changed_rate = field == "initial_lr" and issubclass(w.category, ResumeWarning)
        diverged = field == "optimizer.state.lr" and issubclass(w.category, NonFiniteWarning)
        assert changed_rate or diverged, f"{w.category.__name__}: {w.message}"
