# hosted.R: library(mxnet) in a plain R session (Rscript, the R console, RStudio, knitr).
#
# Under mxnet-rscript the Python side fills `.bridge` when the namespace loads (zzz.R). In any
# other R session `.bridge` starts empty and the first call into Python starts it here,
# inside this R process, through reticulate; the Python side then attaches rpy2 to this R and
# fills `.bridge` exactly as under mxnet-rscript (mxnet_r_compat/rbridge/hosted.py). Loading
# the package therefore costs nothing; the first mx.* call that needs Python pays the start.
#
# Which Python: $MXNET_R_COMPAT_PYTHON, else the one `make setup` recorded in this package's
# DESCRIPTION (field Config/mxnet_r_compat/python, written by rbridge/rinstall.py).

.mx_python_field <- "Config/mxnet_r_compat/python"

#' Where the Python of mxnet_r_compat is looked for, and why there.
#'
#' @return list(path =, source =): the path of the python executable and a phrase saying
#'   where it came from (the environment variable or the path recorded at install).
#' @examples
#' mxnet:::.mx_python_location()$source
#' @noRd
.mx_python_location <- function() {
  env <- Sys.getenv("MXNET_R_COMPAT_PYTHON", "")
  if (nzchar(env)) {
    return(list(path = path.expand(env), source = "MXNET_R_COMPAT_PYTHON"))
  }
  recorded <- utils::packageDescription("mxnet", fields = .mx_python_field)
  if (is.na(recorded) || !nzchar(recorded)) recorded <- ""
  list(path = recorded, source = paste0("the path recorded by `make setup` in ",
                                        file.path(find.package("mxnet"), "DESCRIPTION")))
}

#' Stop with a message that names the problem and its fix (internal).
#'
#' @param ... Pieces of the message, pasted together.
#' @examples
#' try(mxnet:::.mx_setup_error("no Python"))
#' @noRd
.mx_setup_error <- function(...) {
  stop(structure(class = c("mx_setup_error", "error", "condition"),
                 list(message = paste0("mxnet: ", ...), call = NULL)))
}

#' Start the Python side in this R session (once; later calls return at once).
#'
#' Called by .py() when `.bridge` is empty. Checks, in order, that the Python executable
#' exists, that reticulate is installed, that this R session has not started another Python,
#' that rpy2 and mxnet_r_compat are importable in it; each failure is an error of class
#' "mx_setup_error" that says what to do.
#'
#' @return TRUE, invisibly.
#' @examples
#' mxnet:::.mx_start_python()
#' "fit" %in% ls(mxnet:::.bridge)   # TRUE
#' @noRd
.mx_start_python <- function() {
  if (length(ls(.bridge, all.names = TRUE))) return(invisible(TRUE))
  loc <- .mx_python_location()
  .mx_check_python_path(loc)
  if (!requireNamespace("reticulate", quietly = TRUE)) {
    .mx_setup_error("the R package 'reticulate' is needed to run mxnet in a plain R session ",
                    "and is not installed.\n  Install it with:  sudo apt-get install -y ",
                    "r-cran-reticulate   (or install.packages(\"reticulate\")),\n  or run ",
                    "the script with the project's .venv/bin/mxnet-rscript instead.")
  }
  .mx_use_python(loc)
  for (module in c("rpy2.rinterface", "mxnet_r_compat")) {
    if (!reticulate::py_module_available(module)) .mx_missing_module(module, loc)
  }
  hosted <- reticulate::import("mxnet_r_compat.rbridge.hosted", convert = FALSE)
  res <- tryCatch(hosted$attach(), error = function(e) e)
  if (inherits(res, "error")) {
    .mx_setup_error("starting Python from ", loc$path, " failed:\n",
                    conditionMessage(res))
  }
  invisible(TRUE)
}

.mx_check_python_path <- function(loc) {
  if (!nzchar(loc$path)) {
    .mx_setup_error("this copy of the R package (", find.package("mxnet"), ") does not ",
                    "record which Python to start: `make setup` did not install it.\n  Run ",
                    "`make setup` in the mxnet_r_compat checkout, or set ",
                    "MXNET_R_COMPAT_PYTHON to its .venv/bin/python.")
  }
  if (!file.exists(loc$path)) {
    .mx_setup_error("Python not found: ", loc$path, " does not exist (looked there because ",
                    "of ", loc$source, ").\n  If the mxnet_r_compat checkout or its .venv ",
                    "moved, run `make setup` in the checkout again (it records the new path), ",
                    "or set MXNET_R_COMPAT_PYTHON to its .venv/bin/python.")
  }
}

.mx_use_python <- function(loc) {
  if (!reticulate::py_available(initialize = FALSE)) {
    reticulate::use_python(loc$path, required = TRUE)
    # reticulate (1.28) looks for a Poetry or Pipenv project in the working directory before
    # it honours use_python(): any pyproject.toml there (this repository's root has one)
    # printed a warning that Poetry is missing. RETICULATE_PYTHON comes before that search;
    # it is set only while Python starts, then put back as it was.
    .mx_with_env(c(RETICULATE_PYTHON = loc$path), reticulate::py_available(initialize = TRUE))
  }
  if (!reticulate::py_available(initialize = TRUE)) {
    .mx_setup_error("reticulate could not start Python from ", loc$path, " (", loc$source,
                    "); see reticulate::py_config() for why.")
  }
  running <- reticulate::py_config()$python
  # a venv's python is a link to its base interpreter: the bin directory tells them apart
  same <- function(a, b) normalizePath(dirname(a), mustWork = FALSE) ==
    normalizePath(dirname(b), mustWork = FALSE)
  if (!same(running, loc$path)) {
    .mx_setup_error("this R session already runs another Python (", running, "), started ",
                    "by reticulate before mxnet needed ", loc$path, " (", loc$source, ").\n",
                    "  A session can host one Python only: call any mx.* function before ",
                    "other reticulate code, or point both at the same Python.")
  }
  invisible()
}

# Evaluate `expr` with the environment variables `vars` set, then restore them.
.mx_with_env <- function(vars, expr) {
  old <- Sys.getenv(names(vars), unset = NA, names = TRUE)
  on.exit({
    for (name in names(old)) {
      if (is.na(old[[name]])) Sys.unsetenv(name) else do.call(Sys.setenv, as.list(old[name]))
    }
  })
  do.call(Sys.setenv, as.list(vars))
  expr
}

.mx_missing_module <- function(module, loc) {
  if (module == "rpy2.rinterface") {
    .mx_setup_error("rpy2 is not installed in ", loc$path, " (", loc$source, ").\n  Install ",
                    "it with:  RPY2_CFFI_MODE=API ", loc$path, " -m pip install --no-cache-dir ",
                    "'rpy2-rinterface==3.6.5' 'rpy2-robjects==3.6.6'\n  (or run `make setup` ",
                    "in the mxnet_r_compat checkout).")
  }
  .mx_setup_error("the Python package mxnet_r_compat is not installed in ", loc$path, " (",
                  loc$source, ").\n  Run `make setup` in the mxnet_r_compat checkout, or set ",
                  "MXNET_R_COMPAT_PYTHON to the checkout's .venv/bin/python.")
}
