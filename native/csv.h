/* csv.h: a streaming reader of numeric CSV files (mx.io.CSVIter).
 *
 * A reader turns lines of comma-separated decimal numbers into float32 rows,
 * reading the file a chunk at a time into a buffer its caller owns, so the
 * memory it uses does not depend on the size of the file. Each value is the
 * double strtod() would read, rounded to float32 (what R's read.csv followed
 * by a float32 conversion gives). Blank lines are skipped; spaces and tabs
 * around a value, "\r\n" line ends and a UTF-8 byte-order mark are accepted.
 * Anything else (an empty field, text, a wrong count of values) stops the
 * read with MXC_ERR_VALUE and the reader's err_* fields say what and where.
 *
 * The reader holds an open file descriptor between mxc_csv_open and
 * mxc_csv_close; it allocates nothing. */

enum {
    MXC_CSV_NO_ERROR = 0,
    MXC_CSV_BAD_NUMBER = 1,    /* err_field: which value (1-based); err_text: the field */
    MXC_CSV_TOO_FEW = 2,       /* err_count: how many values the line has */
    MXC_CSV_TOO_MANY = 3,      /* err_count: how many values the line has */
    MXC_CSV_LINE_TOO_LONG = 4, /* no line end within the buffer: give a bigger one */
    MXC_CSV_IO = 5             /* open/read/lseek failed: err_errno */
};

typedef struct {
    int fd;             /* -1 when closed */
    char *buf;          /* caller-owned, cap + 1 bytes (the last one for a sentinel) */
    int64_t cap;
    int64_t begin;      /* unparsed bytes are buf[begin, end) */
    int64_t end;
    int64_t line;       /* line number (1-based) of buf[begin] */
    int eof;            /* the file has no more bytes to read */
    int at_start;       /* nothing read yet since open/rewind (byte-order mark check) */
    int err_kind;       /* MXC_CSV_*, set when a call fails */
    int err_errno;
    int64_t err_line;
    int64_t err_field;
    int64_t err_count;
    char err_text[48];  /* the offending field, NUL-terminated, cut to 47 bytes */
} mxc_csv_reader;

/* Open `path` for reading through `buf` (cap >= 64 bytes, plus one spare). */
int mxc_csv_open(mxc_csv_reader *r, const char *path, char *buf, int64_t cap);

/* Back to the first line. */
int mxc_csv_rewind(mxc_csv_reader *r);

/* Close the file (again: nothing happens). */
int mxc_csv_close(mxc_csv_reader *r);

/* Continue with a bigger buffer (after MXC_CSV_LINE_TOO_LONG): the unparsed
 * bytes move into `buf`, which must have cap + 1 bytes, cap > r->end - r->begin. */
int mxc_csv_set_buffer(mxc_csv_reader *r, char *buf, int64_t cap);

/* Read up to max_rows rows of exactly `width` values each into out
 * (row-major, out has max_rows * width floats). *n_read = rows read; fewer
 * than max_rows only at the end of the file, or on an error (rows before the
 * bad line are kept in out and counted). */
int mxc_csv_read_rows(float *out, int64_t *n_read, mxc_csv_reader *r, int64_t width,
                      int64_t max_rows);
