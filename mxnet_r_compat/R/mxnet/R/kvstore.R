# kvstore.R: the local key-value store (mx.kv.create). Values are kept on the Python side
# (engine/kvstore.py); pull writes the stored values into the given MXNDArrays in place.
# py: mxnet_r_compat.rbridge.rexec (kv_*)

#' Create a key-value store: "local" (and the other single-process kinds).
#'
#' Its methods: `init(keys, values)`, `push(keys, dlist, priority)` (dlist: a list over
#' devices of lists of MXNDArrays, one per key; the devices' values are summed),
#' `pull(keys, dlist, priority)` (writes the stored values into every device's arrays),
#' `set.optimizer(optimizer)` (pushes then update the stored weights as gradients).
#' @param type The kind, "local" by default.
#' @return An MXKVStore.
#' @examples
#' kv <- mx.kv.create("local")
#' kv$init(c(0), list(mx.nd.ones(2)))
#' d <- list(list(mx.nd.ones(2)), list(mx.nd.ones(2)))
#' kv$push(c(0), d, 0); kv$pull(c(0), d, 0); as.array(d[[1]][[1]])   # 2 2
mx.kv.create <- function(type = "local") {
  h <- .mx_handle(.py("kv_create", type))
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
    num.workers = 1L, rank = 0L, handle = h)
  class(kv) <- "MXKVStore"
  kv
}
