"""Python functions exposed to R: one :func:`export`, one registry of entry points.

Every Python function that R can call goes through :func:`export`, which defuses rpy2's traps
(docs/RBRIDGE.md, "Closures exported to R" and "Errors across
the boundary"):

* ``rternalize(signature=False)``: R sees ``function(...)``; R wrappers with real formals live in
  the package's R files and call ``.py("name", ...)`` (docs/RBRIDGE.md, "Closures exported to R").
* The rternalized closure is kept referenced from Python for the life of the process, because R
  does not keep it alive (the next call would abort the process: docs/RBRIDGE.md).
* Every BaseException becomes an R marker instead of rpy2's silent NULL. KeyboardInterrupt gives
  ``structure(list(), class = "mx_py_interrupt")``; any other exception gives
  ``structure(list(message=, traceback=, type=), class = "mx_py_error")``. ``.py()`` in util.R
  turns them back into an R interrupt or an R error. The message is ``str(e)`` for our own
  :class:`~mxnet_r_compat.errors.MXError` family (their messages are written for users, e.g.
  "Invalid value for argument `momentum`. ...") and ``"<Type>: <msg>"`` for everything else
  (a bare ``KeyError: 'x'`` means nothing without its type). The Python traceback travels in the
  condition (``tryCatch(..., error = function(e) cat(e$traceback))``) and is printed on stderr
  when ``MXNET_R_COMPAT_TRACEBACK=1``.
* Results are converted so R never gets a silent NULL (docs/RBRIDGE.md): rpy2 Sexp objects pass
  through; None → NULL, bool → logical, int → integer (double beyond R's int range),
  float → double, str → character; anything else is an error naming the entry point.

Entry points are registered by name and installed into the ``.bridge`` environment of the R
namespace whenever it loads (R/zzz.R calls the hook that rlib.py puts in
``options("mxnet.bridge.init")``). Entry points receive R objects as rpy2 ``rinterface`` objects
(``FloatSexpVector``, ``ListSexpVector``, ``SexpClosure``, ``SexpEnvironment``, ``ri.NULL``, ...),
positional arguments in order and named ones as keyword arguments with their R names
(``kwargs["num.round"]``).

Example:
    >>> from mxnet_r_compat.rbridge.export import register
    >>> # R side, in R/random.R:  mx.set.seed <- function(seed) invisible(.py("set_seed", seed))
    >>> @register("set_seed")
    ... def set_seed(seed):            # seed: an rpy2 vector
    ...     rng.seed(int(seed[0]))
    ...     return None                # R receives NULL
"""

from __future__ import annotations

import importlib
import numbers
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from mxnet_r_compat.errors import MXError, speaking

from . import interrupts, session

F = TypeVar("F", bound=Callable[..., Any])

#: name -> Python function; R calls it as ``.py("name", ...)``.
ENTRY_POINTS: dict[str, Callable[..., Any]] = {}

#: Modules imported before the bridge is filled, so that their ``@register`` lines run.
#: A listed module that does not exist is skipped; any other import error propagates.
ENTRY_MODULES: list[str] = ["mxnet_r_compat.rbridge.entry", "mxnet_r_compat.rbridge.rcallbacks",
                            "mxnet_r_compat.rbridge.rndarray", "mxnet_r_compat.rbridge.rexec",
                            "mxnet_r_compat.rbridge.riter", "mxnet_r_compat.rbridge.rlabels",
                            "mxnet_r_compat.rbridge.rviz"]

# name -> (fn, R closure), reused when the namespace loads again
_EXPORTED: dict[str, tuple[Callable[..., Any], Any]] = session.hold_r_objects({})
# every rternalized closure ever made: R does not keep them alive (docs/RBRIDGE.md, "Closures
# exported to R")
_KEEP: list[Any] = session.hold_r_objects([])
_cache: dict[str, Any] = session.hold_r_objects({})  # R objects built once: "null", "interrupt"


def register(name: str) -> Callable[[F], F]:
    """Decorator: make ``fn`` callable from R as ``.py(name, ...)``.

    Registering a different function under a taken name is an error (re-importing the same
    module is fine). Functions registered after the namespace loaded are installed the next time
    it loads; call :func:`fill_bridge` to install them at once.

    Example:
        >>> @register("answer")
        ... def answer():
        ...     return 42
        >>> ENTRY_POINTS["answer"]()
        42
    """

    def decorate(fn: F) -> F:
        old = ENTRY_POINTS.get(name)
        if old is not None and _qualname(old) != _qualname(fn):
            raise ValueError(f"entry point {name!r} is already registered by {_qualname(old)}")
        ENTRY_POINTS[name] = fn
        return fn

    return decorate


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def export(fn: Callable[..., Any], name: str) -> Any:
    """Wrap a Python function as an R closure (``function(...)``) that never fails silently.

    The closure is kept alive by this module for the life of the process, so export
    long-lived functions only (entry points, hooks), not one per call.

    Args:
        fn: any callable; it receives rpy2 objects and returns a Sexp, None, bool, int, float
            or str.
        name: the name used in error messages.

    Returns:
        an rpy2 ``SexpClosure``, to store in an R environment or pass to R.

    Example:
        >>> f = export(lambda x: float(x[0]) * 2, "double_it")
        >>> f(ri.FloatSexpVector([1.5]))[0]
        3.0
    """
    import rpy2.rinterface as ri

    def entry(*args: Any, **kwargs: Any) -> Any:
        interrupts.enter_python()
        try:
            with speaking("R"):  # messages name arguments as R spells them
                return to_sexp(fn(*args, **kwargs), name)
        except KeyboardInterrupt:
            interrupts.note_interrupt()
            return _interrupt_marker()
        except BaseException as e:  # every failure must reach R as an R error
            return error_marker(e)
        finally:
            interrupts.leave_python()

    entry.__name__ = entry.__qualname__ = f"mxnet_entry_{name}"
    closure = ri.rternalize(entry, signature=False)
    _KEEP.append(closure)
    return closure


def to_sexp(value: Any, name: str = "<python>") -> Any:
    """Convert an entry point's result to something rpy2 hands to R without loss.

    Example:
        >>> to_sexp(True).typeof == ri.RTYPES.LGLSXP, to_sexp(None).typeof == ri.RTYPES.NILSXP
        (True, True)
    """
    import rpy2.rinterface as ri
    from rpy2.rinterface_lib import _rinterface_capi as capi
    from rpy2.rinterface_lib.sexp import Sexp

    if isinstance(value, Sexp):
        if isinstance(getattr(value, "_sexpobject", None), capi.SexpCapsule):
            return value
        return Sexp(capi.SexpCapsule(value.__sexp__._cdata))  # ri.NULL, MissingArg, ...
    if value is None:
        return r_null()
    if isinstance(value, bool) or _is_numpy_bool(value):
        return ri.BoolSexpVector([bool(value)])
    if isinstance(value, numbers.Integral):
        v = int(value)
        return ri.IntSexpVector([v]) if -(2**31) < v < 2**31 else ri.FloatSexpVector([float(v)])
    if isinstance(value, numbers.Real):
        return ri.FloatSexpVector([float(value)])
    if isinstance(value, str):
        return ri.StrSexpVector([value])
    raise TypeError(
        f"Python entry point {name!r} returned a {type(value).__module__}.{type(value).__name__}; "
        "return an rpy2 Sexp, None, bool, int, float or str (convert arrays in rbridge)"
    )


def _is_numpy_bool(value: Any) -> bool:
    dtype = getattr(value, "dtype", None)
    return dtype is not None and getattr(value, "shape", None) == () and dtype.kind == "b"


def r_null() -> Any:
    """R's NULL as a managed Sexp (returning ``ri.NULL`` itself gives R NULL only by accident)."""
    if "null" not in _cache:
        from rpy2.rinterface_lib import _rinterface_capi as capi
        from rpy2.rinterface_lib import openrlib
        from rpy2.rinterface_lib.sexp import Sexp

        _cache["null"] = Sexp(capi.SexpCapsule(openrlib.rlib.R_NilValue))
    return _cache["null"]


def _interrupt_marker() -> Any:
    if "interrupt" not in _cache:
        import rpy2.rinterface as ri

        _cache["interrupt"] = ri.evalr('structure(list(), class = "mx_py_interrupt")')
    return _cache["interrupt"]


def error_message(exc: BaseException) -> str:
    """The R error message for a Python exception (see the module docstring).

    Example:
        >>> error_message(KeyError("x")), error_message(MXError("Invalid value ..."))
        ("KeyError: 'x'", 'Invalid value ...')
    """
    text = str(exc)
    if isinstance(exc, MXError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def error_marker(exc: BaseException) -> Any:
    """The ``mx_py_error`` list that ``.py()`` turns into an R error."""
    import rpy2.rinterface as ri

    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if os.environ.get("MXNET_R_COMPAT_TRACEBACK") == "1":
        sys.stderr.write(tb)
        sys.stderr.flush()
    fields = {"message": error_message(exc), "traceback": tb, "type": type(exc).__name__}
    marker = ri.ListSexpVector([ri.StrSexpVector([v]) for v in fields.values()])
    marker.names = ri.StrSexpVector(list(fields))
    from .convert import set_attr
    set_attr(marker, "class", ri.StrSexpVector(["mx_py_error"]))
    return marker


def import_entry_modules() -> None:
    """Import :data:`ENTRY_MODULES` (skipping those that do not exist yet).

    ``MXNET_R_COMPAT_ENTRY_MODULES`` (comma-separated, may be empty) replaces the list, to run
    the bridge without the trainer's entry points (bridge tests, debugging).
    """
    override = os.environ.get("MXNET_R_COMPAT_ENTRY_MODULES")
    modules = ENTRY_MODULES if override is None else [m for m in override.split(",") if m]
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise


def fill_bridge(bridge_env: Any) -> None:
    """Install every registered entry point into an R environment (the namespace's ``.bridge``).

    Each function is rternalized once per process and reused when the namespace loads again.
    """
    import rpy2.rinterface as ri

    import_entry_modules()
    assign = ri.baseenv["assign"]
    for name, fn in ENTRY_POINTS.items():
        done = _EXPORTED.get(name)
        if done is None or done[0] is not fn:
            done = (fn, export(fn, name))
            _EXPORTED[name] = done
        assign(name, done[1], envir=bridge_env)
