"""The bridge inside a plain R session: R hosts Python (reticulate), rpy2 attaches to that R.

``library(mxnet)`` in ``Rscript``, the R console, RStudio or knitr loads the R package
installed by ``make setup`` (rinstall.py). Its first call into Python runs
``.mx_start_python()`` (R/hosted.R), which starts this Python inside the R process with
reticulate and calls :func:`attach`. From then on the bridge is the one ``mxnet-rscript``
uses: ``.py("name", ...)`` calls the registered entry points (export.py) directly through
rpy2, and the trainer calls R closures through rpy2 (shared notes RETICULATE_NOTES.md:
reticulate sets ``R_SESSION_INITIALIZED``, so ``rinterface.initr()`` attaches to this R
instead of starting another).

What differs from ``mxnet-rscript`` (session.start), and why:

* The host owns the session: its command line, options (``warn`` included), console and
  quit() are left alone, and rpy2 must not shut R down when Python exits.
* Training messages are written through R's console (rconsole.py), as under
  mxnet-rscript.
* Ctrl-C: see :mod:`.hosted_interrupts`.
* reticulate 1.28 frees Python objects from R finalizers without taking Python's lock, which
  crashes when the finalizer runs while R works for the bridge: see :mod:`.reticulate_guard`.

Example (in R, any session):
    library(mxnet)
    mx.cpu()                    # pure R: Python is not started
    mx.symbol.Variable("data")  # first call into Python: attach() runs once
"""

from __future__ import annotations

import atexit
import sys

from . import export, reticulate_guard, session


def attach() -> None:
    """Attach the bridge to the R that hosts this Python and fill the ``mxnet`` namespace.

    Called once by ``.mx_start_python()`` (R/hosted.R) through reticulate; later calls do
    nothing. Raises :class:`~.session.RSetupError` (with the fix) when rpy2 cannot be used.

    Example:
        >>> attach()        # inside an R session that imported this module via reticulate
    """
    if session.is_started():
        return
    from rpy2.rinterface_lib import embedded

    if not embedded.is_r_externally_initialized():
        raise session.RSetupError(
            "mxnet_r_compat.rbridge.hosted.attach() runs only inside an R process that "
            "started Python through reticulate (R_SESSION_INITIALIZED is not set for this "
            "process); from Python, use `from mxnet_r_compat import mx` instead."
        )
    from . import hosted_interrupts, rlib

    hosted_interrupts.capture()  # before rpy2's rinterface replaces the host's handlers
    _start_rpy2()
    hosted_interrupts.install()
    from . import rconsole

    rconsole.route_training_messages()
    reticulate_guard.make_decref_safe()
    export.import_entry_modules()
    export.fill_bridge(rlib.namespace_get(".bridge"))


def _start_rpy2() -> None:
    """rpy2's initr() sees R as already running and only attaches to it."""
    mode = session.check_environment()
    if mode == "ABI":
        sys.stderr.write(session.abi_mode_warning())
    import rpy2.rinterface as ri

    # initr() first runs an `Rscript -e` child to copy R's environment variables into
    # os.environ; here this Python started inside R, after R set them: they are there already.
    probe, ri._setrenvvars = ri._setrenvvars, lambda action_map: None
    try:
        ri.initr()
    finally:
        ri._setrenvvars = probe
    # rpy2 registered endr() to shut R down when Python exits; R belongs to the host.
    atexit.unregister(ri.endr)
    session.mark_started_in_host()
