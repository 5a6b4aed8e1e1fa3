# kvstore.R: the key-value store (mx.kv.create). Values are kept on the Python side
# (engine/kvstore.py, dist/kvstore.py for "dist_sync"); pull writes the stored values into the
# given MXNDArrays in place.
# py: mxnet_r_compat.rbridge.rexec (kv_*)

#' Create a key-value store: "local" (and the other single-process kinds), or "dist_sync"
#' (and "dist_device_sync", the same here) shared by the workers of an MPI job.
#'
#' Its methods: `init(keys, values)`, `push(keys, dlist, priority)` (dlist: a list over
#' devices of lists of MXNDArrays, one per key; the devices' values are summed),
#' `pull(keys, dlist, priority)` (writes the stored values into every device's arrays),
#' `set.optimizer(optimizer)` (pushes then update the stored weights as gradients).
#' Its fields: `type`, `rank` (this worker, from 0) and `num.workers`.
#'
#' With "dist_sync" (a script started by `mpirun -np N mxnet-rscript x.R` or
#' `mxnet-launch -n N x.R`), `init` stores rank 0's values on every worker and `push` sums
#' over every worker's devices in rank order (docs/DISTRIBUTED.md); both must be called by
#' every worker. "dist_async" is an error: only synchronous training is supported.
#' @param type The kind, "local" by default.
#' @return An MXKVStore: a list of the methods and fields above.
#' @examples
#' kv <- mx.kv.create("local")
#' kv$init(c(0), list(mx.nd.ones(2)))
#' d <- list(list(mx.nd.ones(2)), list(mx.nd.ones(2)))
#' kv$push(c(0), d, 0); kv$pull(c(0), d, 0); as.array(d[[1]][[1]])   # 2 2
mx.kv.create <- function(type = "local") {
  h <- .mx_handle(.py("kv_create", type))
  info <- .py("kv_info", h$id)
  as_devices <- function(dlist) {
    if (is.mx.ndarray(dlist)) return(list(list(dlist)))
    lapply(dlist, function(d) if (is.mx.ndarray(d)) list(d) else d)
  }
  kv <- list(
    type = type,
    init = function(keys, values) {
      if (is.mx.ndarray(values)) values <- list(values)
      .py("kv_init", h$id, as.integer(keys), values)
      invisible(NULL)
    },
    push = function(keys, dlist, priority = 0) {
      .py("kv_push", h$id, as.integer(keys), as_devices(dlist), priority)
      invisible(NULL)
    },
    pull = function(keys, dlist, priority = 0) {
      values <- .py("kv_pull", h$id, as.integer(keys))
      for (d in as_devices(dlist)) {
        for (i in seq_along(values)) assign("data", get("data", envir = values[[i]]), envir = d[[i]])
      }
      invisible(NULL)
    },
    set.optimizer = function(optimizer) {
      .py("kv_set_optimizer", h$id, optimizer)
      invisible(NULL)
    },
    num.workers = as.integer(info[["num.workers"]]), rank = as.integer(info[["rank"]]),
    handle = h)
  class(kv) <- "MXKVStore"
  kv
}
