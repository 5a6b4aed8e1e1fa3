"""The command line of ``mxnet-rscript``, read the way ``Rscript`` reads its own.

``mxnet-rscript [options] FILE [ARGS...]``, ``mxnet-rscript [options] -e EXPR [-e EXPR...]
[ARGS...]``, ``mxnet-rscript [options] - [ARGS...]`` (the script on standard input, also
when stdin is a pipe and no file is given), and ``mxnet-rscript [options] doc.Rmd`` (knit it).

Options (before the script, as for Rscript): ``-h/--help``, ``--version``, ``--verbose`` (say
what runs), ``--default-packages=LIST`` (sets ``R_DEFAULT_PACKAGES``, as Rscript does), and R's
own start-up options, passed to R unchanged: ``--vanilla``, ``--no-environ``,
``--no-site-file``, ``--no-init-file``, ``--no-save``/``--save``, ``--restore``/
``--no-restore*``, ``--quiet``/``--silent``/``--no-echo``/``--slave``, ``--encoding=``,
``--min-vsize=``, ``--min-nsize=``, ``--max-vsize=``, ``--max-ppsize=``,
``--max-connections=``.

Example:
    >>> parse(["-e", "x <- 1", "-e", "print(x)", "a"]).exprs
    ['x <- 1', 'print(x)']
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: R start-up options passed through unchanged (flags, then prefixes of NAME=VALUE options).
R_FLAGS = frozenset({
    "--vanilla", "--no-environ", "--no-site-file", "--no-init-file", "--save", "--no-save",
    "--restore", "--no-restore", "--no-restore-data", "--no-restore-history", "--quiet",
    "--silent", "--no-echo", "--slave",
})
R_VALUED = ("--encoding=", "--min-vsize=", "--min-nsize=", "--max-vsize=", "--max-ppsize=",
            "--max-connections=")
DEFAULT_PACKAGES = "--default-packages="
STDIN = "-"


class UsageError(ValueError):
    """The command line cannot be run; the message says why (exit status 2)."""


@dataclass
class Command:
    """What to run: one of ``help``/``version``, a file, ``-e`` expressions, or stdin."""

    action: str = "run"  # "run", "help" or "version"
    file: str | None = None  # a path, or "-" for standard input
    exprs: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    r_options: list[str] = field(default_factory=list)
    default_packages: str | None = None
    verbose: bool = False

    @property
    def is_rmd(self) -> bool:
        """True for an R Markdown file, which is knitted instead of run."""
        return self.file is not None and self.file.lower().endswith(".rmd")


def parse(argv: list[str], stdin_is_tty: bool = True) -> Command:
    """Read the command line (see the module docstring).

    Raises:
        UsageError: an unknown option, ``-e`` without an expression, or nothing to run.

    Example:
        >>> parse(["--vanilla", "x.R", "--epochs", "3"]).r_options, parse(["x.R"]).file
        (['--vanilla'], 'x.R')
    """
    cmd = Command()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return Command(action="help")
        if arg == "--version":
            return Command(action="version")
        if arg == "-e":
            if i + 1 >= len(argv):
                raise UsageError("-e needs an R expression after it (e.g. -e 'print(1)')")
            cmd.exprs.append(argv[i + 1])
            i += 2
            continue
        if not arg.startswith("-") or arg == STDIN or cmd.exprs:
            break
        _option(cmd, arg)
        i += 1
    rest = argv[i:]
    if cmd.exprs:
        cmd.args = rest
    elif rest:
        cmd.file, cmd.args = rest[0], rest[1:]
    elif not stdin_is_tty:
        cmd.file = STDIN
    else:
        raise UsageError("no script given: name a FILE, use -e EXPR, or pipe a script into "
                         "standard input")
    return cmd


def _option(cmd: Command, arg: str) -> None:
    if arg == "--verbose":
        cmd.verbose = True
    elif arg.startswith(DEFAULT_PACKAGES):
        cmd.default_packages = arg[len(DEFAULT_PACKAGES):]
    elif arg in R_FLAGS or arg.startswith(R_VALUED):
        cmd.r_options.append(arg)
    else:
        raise UsageError(f"unknown option '{arg}' (options go before the script; see --help)")
