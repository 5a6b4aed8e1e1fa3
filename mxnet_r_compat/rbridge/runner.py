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
import stat
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from . import interrupts, rscript_args, session

USAGE = """\
usage: {prog} [options] FILE.R [ARGS...]
       {prog} [options] -e EXPR [-e EXPR...] [ARGS...]
       {prog} [options] - [ARGS...]        (or a script piped into standard input)
       {prog} [options] DOC.Rmd            (knit it with knitr: DOC.md)

Run an R script that uses the MXNet R API (library(mxnet)) on mxnet_r_compat,
as `Rscript` would: commandArgs(trailingOnly = TRUE) returns ARGS.

options (only before the script; everything after it goes to the script):
  -h, --help                show this help and exit
  --version                 show the versions of mxnet_r_compat, R and rpy2, and exit
  -e EXPR                   run the R expression EXPR (repeatable, run in order)
  --default-packages=LIST   the packages R attaches at start (as Rscript; sets R_DEFAULT_PACKAGES)
  --verbose                 say what is run
  --vanilla, --no-environ, --no-site-file, --no-init-file, --no-save, --quiet, ...
                            R's start-up options, passed to R unchanged

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
  parse = function(path, text) tryCatch(
    if (is.null(text)) parse(file = path, keep.source = FALSE)
    else parse(text = text, keep.source = FALSE, srcfile = path),
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
    try:
        cmd = rscript_args.parse(argv, stdin_is_tty=not _stdin_has_script())
    except rscript_args.UsageError as e:
        if not argv:
            sys.stderr.write(USAGE.format(prog=_prog()))
        else:
            _say(str(e))
        return 2
    if cmd.action == "help":
        sys.stdout.write(USAGE.format(prog=_prog()))
        return 0
    if cmd.action == "version":
        return _version()
    if cmd.file not in (None, rscript_args.STDIN) and not os.path.isfile(cmd.file):
        _say(f"cannot open file '{cmd.file}': No such file")
        return 2
    source = _source_of(cmd)
    if cmd.verbose:
        _say(f"running {source.name} in R (options: {' '.join(cmd.r_options) or 'none'})")
    if cmd.default_packages is not None:
        os.environ["R_DEFAULT_PACKAGES"] = cmd.default_packages
    try:
        try:
            _prepare(cmd.args, cmd.file if cmd.exprs == [] else None, cmd.r_options)
        except session.RSetupError as e:
            _say(str(e))
            return 3
        except Exception as e:  # R CMD INSTALL failed, an entry module does not import, ...
            traceback.print_exc()
            _say(f"cannot set up the R package mxnet: {type(e).__name__}: {e}")
            return 3
        return run_source(source)
    except KeyboardInterrupt:
        return _halt(interrupts.INTERRUPT_EXIT_STATUS)


def _stdin_has_script() -> bool:
    """Is standard input a pipe or a file (a script piped in), not a terminal or /dev/null?"""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


@dataclass(frozen=True)
class Source:
    """R code to run: a file (``text`` None) or text with a name for error messages."""

    name: str
    text: str | None = None


def _source_of(cmd: rscript_args.Command) -> Source:
    if cmd.exprs:
        return Source("<-e>", "\n".join(cmd.exprs) + "\n")
    if cmd.file == rscript_args.STDIN:
        return Source("<stdin>", sys.stdin.read())
    assert cmd.file is not None
    if cmd.is_rmd:
        return Source(cmd.file, _KNIT_R.format(path=_r_string(cmd.file)))
    return Source(cmd.file)


# `mxnet-rscript doc.Rmd`: what `Rscript -e 'knitr::knit("doc.Rmd")'` does, quietly.
_KNIT_R = """\
if (!requireNamespace("knitr", quietly = TRUE)) {{
  stop("knitting ", {path}, " needs the R package knitr; install it with:  ",
       "sudo apt-get install -y r-cran-knitr   (or install.packages('knitr'))", call. = FALSE)
}}
cat("output file: ", knitr::knit({path}, quiet = TRUE, envir = globalenv()), "\n", sep = "")
"""


def _r_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _prepare(args: Sequence[str], path: str | None, r_options: Sequence[str] = ()) -> None:
    verbose = os.environ.get("MXNET_R_COMPAT_VERBOSE") == "1"
    t0 = time.perf_counter()
    session.start(args, script=path, r_options=r_options)
    t1 = time.perf_counter()
    from . import rconsole, rlib

    inst = rlib.setup()
    rconsole.route_training_messages()
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
    return run_source(Source(path))


def run_source(source: Source) -> int:
    """Run R code (a file, or text such as ``-e`` expressions) in the started embedded R.

    Returns the exit status. Raises KeyboardInterrupt on Ctrl-C.
    """
    import rpy2.rinterface as ri
    from rpy2.rinterface_lib.embedded import RRuntimeError

    h = session.evalr(_HELPERS_R)
    helpers = dict(zip(h.names, h, strict=True))
    text = ri.NULL if source.text is None else source.text
    exprs = session.call_r(helpers["parse"], source.name, text)
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
