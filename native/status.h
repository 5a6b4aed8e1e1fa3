/* status.h: status codes returned by every mxc_* function. */
enum {
    MXC_OK = 0,
    MXC_ERR_NULL_PTR = 1, /* a required pointer was NULL */
    MXC_ERR_SHAPE = 2,    /* an extent was < 1 or extents disagree */
    MXC_ERR_VALUE = 3,    /* a hyper-parameter or enum value out of range */
    MXC_ERR_NUMERIC = 4,  /* a non-finite value where one is not allowed */
    MXC_ERR_INTERNAL = 5, /* a bug in the core; please report */
    MXC_ERR_STATE = 6,    /* a state struct breaks its invariants (e.g. a damaged saved state) */
    MXC_ERR_IO = 7        /* a file could not be opened or read (the caller has errno) */
};

/* Static English text for a status code; never NULL. */
const char *mxc_status_str(int code);
