"""The rpy2 bridge: existing MXNet R scripts run unchanged on the Python trainer.

Modules (import them directly; importing this package does not import rpy2 or start R):

* :mod:`.session`: the embedded R (one per process): :func:`~.session.start`,
  :func:`~.session.call_r`, :func:`~.session.evalr`; console and warnings.
* :mod:`.interrupts`: Ctrl-C where R and Python call each other: :func:`~.interrupts.in_r`
  around every Python→R call.
* :mod:`.closures`: calling R functions from the trainer, errors and interrupts as values.
* :mod:`.export`: Python functions exposed to R: ``@register("name")`` makes a function callable
  from the R package as ``.py("name", ...)``; :func:`~.export.export` for any other Python
  callable handed to R.
* :mod:`.rlib`: the R package ``mxnet`` (``mxnet_r_compat/R/mxnet``): installed into a per-user
  cache, put first on ``.libPaths()``, its ``.bridge`` filled on load;
  :func:`~.rlib.invoke_callback` to call R training callbacks.
* :mod:`.convert`, :mod:`.rsymbol`, :mod:`.rvalues`, :mod:`.rdata`: R values, symbols, models,
  optimizers, metrics and data as Python objects and back.
* :mod:`.renv`, :mod:`.callback_adapter`, :mod:`.rcallbacks`: the R ``env`` callbacks read, R
  closures as callbacks, and the R side of the Python callback objects.
* :mod:`.rtrain`, :mod:`.entry`: the entry points R calls (training, prediction, symbols, I/O).
* :mod:`.runner`: ``mxnet-rscript FILE.R [ARGS...]`` / ``python -m mxnet_r_compat``.

Adding an API function: write the R wrapper in ``mxnet_r_compat/R/mxnet/R/<topic>.R``
(``mx.foo <- function(x, n = 1) .py("foo", x, n = as.integer(n))``), register the Python side
with ``@register("foo")`` in a module listed in ``export.ENTRY_MODULES``
(``mxnet_r_compat.rbridge.entry`` is already listed). The next run reinstalls the R package.
"""
