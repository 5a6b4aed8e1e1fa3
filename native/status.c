/* status.c: text for the MXC_* status codes. */
#include "mxc.h"

const char *mxc_status_str(int code) {
    switch (code) {
    case MXC_OK: return "ok";
    case MXC_ERR_NULL_PTR: return "a required pointer was NULL";
    case MXC_ERR_SHAPE: return "invalid or inconsistent shape";
    case MXC_ERR_VALUE: return "value out of range";
    case MXC_ERR_NUMERIC: return "non-finite value";
    case MXC_ERR_INTERNAL: return "internal error";
    case MXC_ERR_STATE: return "invalid state (out-of-range index or length)";
    case MXC_ERR_IO: return "file could not be opened or read";
    default: return "unknown status code";
    }
}
