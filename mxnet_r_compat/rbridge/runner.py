"""``mxnet-rscript FILE.R [ARGS...]``: run an MXNet R script like ``Rscript FILE.R ARGS...``.

Also ``python -m mxnet_r_compat FILE.R [ARGS...]``. What a script sees is Rscript's world:

* ``commandArgs(trailingOnly = TRUE)`` is ``ARGS``; ``interactive()`` is FALSE.
* The file is parsed whole, then each top-level expression is evaluated in the global
  environment as R's own REPL does (``source(file, echo = FALSE, print.eval = TRUE)``
  semantics): visible values are auto-printed (``print``, or ``show`` for S4 objects). The
  expressions are evaluated directly, not inside ``source()``, so a top-level ``stop("x")``
  prints ``Error: x`` as under Rscript, not ``Error in eval(ei, envir) : x``.
* stdout and stderr stay separate and in order; warnings print as they occur
  (``options(warn = 1)``, see session.py). With ``options(warn = 0)`` a script gets Rscript's
  deferred ``Warning message:`` block after the top-level expression that raised it.
* ``library(mxnet)`` loads this project's R package (rlib.py).

Differences from Rscript: a syntax error anywhere stops the script before its first line runs
(Rscript runs the lines before it) and is reported as ``Error: FILE:LINE:COL: ...``;
Ctrl-C ends with status 130 (Rscript: 1).

Exit status: 0 success; 1 R error (R prints ``Error...``, then ``Execution halted``); 2 usage
error or missing file; 3 R, rpy2 or the R package cannot be set up (the message says how to fix
it); 130 interrupted (Ctrl-C; a second Ctrl-C ends a process stuck in native code at once);
``quit(status = n)`` exits with ``n``.
"""

from __future__ import annotations

import atexit
import os
import sys
import time
import traceback
from collections.abc import Sequence

from . import interrupts, session

USAGE = """\
usage: {prog} [--help] [--version] FILE.R [ARGS...]

Run an R script that uses the MXNet R API (library(mxnet)) on mxnet_r_compat,
as `Rscript FILE.R ARGS...` would: commandArgs(trailingOnly = TRUE) returns ARGS.

options (only before FILE.R; everything after it goes to the script):
  -h, --help     show this help and exit
  --version      show the versions of mxnet_r_compat, R and rpy2, and exit

environment:
  MXNET_R_COMPAT_RLIB       where the R package is installed (default ~/.cache/mxnet_r_compat)
  MXNET_R_COMPAT_TRACEBACK  1: print the Python traceback of errors raised in Python
  MXNET_R_COMPAT_VERBOSE    1: report the R package install and start-up times on stderr

exit status: 0 ok, 1 R error, 2 usage error or missing file, 3 R/rpy2 setup problem,
130 interrupted (Ctrl-C), n for quit(status = n)
"""

# R helpers of the runner; base R only, so they work before (and without) library(mxnet).
_HELPERS_R = r"""
list(
  parse = function(path) tryCatch(parse(file = path, keep.source = FALSE),
                                  error = function(e) e),
  report_parse_error = function(e) {
    cat("Error: ", conditionMessage(e), "\n", sep = "", file = stderr())
    invisible()
  },
  # The two statements of `{ .Internal(.addCondHands("interrupt", list(hook), ...));
  # .Internal(withVisible(expr)) }`: a calling handler for interrupts, then the expression,
  # with no closure frame above it. (call(".Internal", ...) refuses, hence as.call.)
  toplevel_statements = function(exprs, i, hook) {
    internal <- function(x) as.call(list(quote(.Internal), x))
    list(internal(call(".addCondHands", "interrupt", list(hook), globalenv(), NULL, TRUE)),
         internal(as.call(list(quote(withVisible), exprs[[i]]))))
  },
  after_toplevel = function(res) {
    if (res$visible) {
      x <- res$value
      if (isS4(x)) methods::show(x) else print(x)
    }
    # Rscript prints deferred warnings (warn = 0) after each top-level call, as PrintWarnings()
    # does; R code can only reach R_PrintDeferredWarnings(), which adds "In addition: ".
    if (isTRUE(getOption("warn") == 0)) {
      out <- utils::capture.output(.Internal(printDeferredWarnings()), type = "message")
      if (length(out)) writeLines(sub("^In addition: ", "", out), stderr())
    }
    invisible()
  }
)
"""


def _prog() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "mxnet-rscript"
    return "python -m mxnet_r_compat" if name == "__main__.py" else name


def _say(msg: str) -> None:
    sys.stderr.write(f"{_prog()}: {msg}\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mxnet-rscript``: run the script and end the process.

    Returns the exit status only when R was never started (usage errors, missing file,
    --help). Once R runs, the process ends here: atexit handlers run (R's own clean-up among
    them: ``.Last``, finalizers, temp dir), stdout/stderr are flushed, then ``os._exit`` skips the
    interpreter teardown, during which rpy2 objects still alive print spurious errors.
    """
    status = _main(list(sys.argv[1:] if argv is None else argv))
    if session.is_started():
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


def _main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(USAGE.format(prog=_prog()))
        return 2
    first = argv[0]
    if first in ("-h", "--help"):
        sys.stdout.write(USAGE.format(prog=_prog()))
        return 0
    if first == "--version":
        return _version()
    if first.startswith("-"):
        _say(f"unknown option '{first}' (options go before FILE.R; see --help)")
        return 2
    path, args = first, argv[1:]
    if not os.path.isfile(path):
        _say(f"cannot open file '{path}': No such file")
        return 2
    try:
        try:
            _prepare(args, path)
        except session.RSetupError as e:
            _say(str(e))
            return 3
        except Exception as e:  # R CMD INSTALL failed, an entry module does not import, ...
            traceback.print_exc()
            _say(f"cannot set up the R package mxnet: {type(e).__name__}: {e}")
            return 3
        return run_file(path)
    except KeyboardInterrupt:
        return _halt(interrupts.INTERRUPT_EXIT_STATUS)


def _prepare(args: Sequence[str], path: str) -> None:
    verbose = os.environ.get("MXNET_R_COMPAT_VERBOSE") == "1"
    t0 = time.perf_counter()
    session.start(args, script=path)
    t1 = time.perf_counter()
    from . import rlib

    inst = rlib.setup()
    if verbose:
        what = f"installed in {inst.seconds:.2f} s" if inst.installed else "already installed"
        _say(f"R started in {t1 - t0:.2f} s; R package mxnet {what} ({inst.libdir})")


def _version() -> int:
    from .._version import __version__

    try:
        session.start()
        info = session.info()
    except session.RSetupError as e:
        sys.stdout.write(f"mxnet_r_compat {__version__}\n")
        _say(str(e))
        return 3
    sys.stdout.write(
        f"mxnet_r_compat {info['package']} (Python {info['python']})\n"
        f"{info['R']}\nrpy2-rinterface {info['rpy2']} ({info['rpy2_mode']} mode)\n"
    )
    return 0


def run_file(path: str) -> int:
    """Run an R file in the (started) embedded R; returns the exit status.

    Raises:
        KeyboardInterrupt: Ctrl-C.
    """
    import rpy2.rinterface as ri
    from rpy2.rinterface_lib.embedded import RRuntimeError

    h = session.evalr(_HELPERS_R)
    helpers = dict(zip(h.names, h, strict=True))
    exprs = session.call_r(helpers["parse"], path)
    if "error" in exprs.rclass:
        session.call_r(helpers["report_parse_error"], exprs)
        return _halt(1)
    brace = ri.baseenv["{"]
    hook = session.r_interrupt_hook()
    for i in range(1, len(exprs) + 1):
        try:
            with interrupts.in_r():
                # Evaluated with no closure frame above the expression, so errors and sys.call()
                # look exactly as at R's top level (source() would add `eval(ei, envir)`).
                handler, expr = helpers["toplevel_statements"](exprs, i, hook)
                res = brace(handler, expr)
                helpers["after_toplevel"](res)
        except RRuntimeError:  # R has printed the error (and "Calls:") on stderr already
            return _halt(1)
    return 0


def _halt(status: int) -> int:
    sys.stdout.flush()
    sys.stderr.write("Execution halted\n")
    sys.stderr.flush()
    return status
