/* csv.c: the streaming numeric CSV reader of csv.h (mx.io.CSVIter).
 *
 * What it is: a line splitter over a caller-owned buffer that is refilled by
 * read(2), and a number parser whose fast path (up to 19 digits, at most 22
 * after the point, no exponent) computes the double strtod() would return;
 * anything else that looks like a number goes to strtod itself. What it is
 * not: a general CSV parser (no quoting, no text columns, no missing values).
 */
#define _POSIX_C_SOURCE 200809L
#include "mxc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 10^k for k <= 22: exact in double, so m / 10^k is one correctly rounded division. */
static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* ------------------------------------------------------------------------- */
/* errors */

static int fail_io(mxc_csv_reader *r) {
    r->err_kind = MXC_CSV_IO;
    r->err_errno = errno;
    return MXC_ERR_IO;
}

static int fail_line(mxc_csv_reader *r, int kind, int64_t field, int64_t count, const char *text,
                     int64_t len) {
    r->err_kind = kind;
    r->err_line = r->line;
    r->err_field = field;
    r->err_count = count;
    if (len > (int64_t)sizeof(r->err_text) - 1) len = (int64_t)sizeof(r->err_text) - 1;
    if (len > 0) memcpy(r->err_text, text, (size_t)len);
    r->err_text[len > 0 ? len : 0] = '\0';
    return MXC_ERR_VALUE;
}

/* ------------------------------------------------------------------------- */
/* the buffer */

/* Move the unparsed bytes to the front and read more after them (one read). */
static int fill(mxc_csv_reader *r) {
    if (r->begin > 0) {
        memmove(r->buf, r->buf + r->begin, (size_t)(r->end - r->begin));
        r->end -= r->begin;
        r->begin = 0;
    }
    for (;;) {
        ssize_t got = read(r->fd, r->buf + r->end, (size_t)(r->cap - r->end));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return fail_io(r);
        if (got == 0) r->eof = 1;
        r->end += got;
        return MXC_OK;
    }
}

/* Skip a UTF-8 byte-order mark at the start of the file. */
static int skip_bom(mxc_csv_reader *r) {
    if (!r->at_start) return MXC_OK;
    while (r->end - r->begin < 3 && !r->eof) {
        int rc = fill(r);
        if (rc) return rc;
    }
    const unsigned char *b = (const unsigned char *)r->buf + r->begin;
    if (r->end - r->begin >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) r->begin += 3;
    r->at_start = 0;
    return MXC_OK;
}

/* The next line starts at buf + begin; *len = its length without the '\n'
 * (a sentinel '\n' is written after a last line that has none), or -1 when
 * the file is done. */
static int next_line(mxc_csv_reader *r, int64_t *len) {
    int64_t scanned = 0;
    for (;;) {
        const char *from = r->buf + r->begin + scanned;
        const char *nl = memchr(from, '\n', (size_t)(r->end - r->begin - scanned));
        if (nl) {
            *len = nl - (r->buf + r->begin);
            return MXC_OK;
        }
        scanned = r->end - r->begin;
        if (r->eof) {
            *len = scanned ? scanned : -1;
            r->buf[r->end] = '\n';
            return MXC_OK;
        }
        if (scanned == r->cap)
            return fail_line(r, MXC_CSV_LINE_TOO_LONG, 0, 0, r->buf + r->begin, 16);
        int rc = fill(r);
        if (rc) return rc;
    }
}

static void advance(mxc_csv_reader *r, int64_t len) {
    r->begin += len + 1;
    if (r->begin > r->end) r->begin = r->end; /* the sentinel line */
    r->line++;
}

/* ------------------------------------------------------------------------- */
/* numbers */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

static const char *skip_blanks(const char *s, const char *q) {
    while (s < q && is_blank(*s)) s++;
    return s;
}

/* Case-insensitive prefix match of a word that the caller's sign may precede. */
static int word(const char *s, const char *q, const char *w) {
    int64_t n = (int64_t)strlen(w);
    if (q - s < n) return 0;
    for (int64_t i = 0; i < n; i++)
        if (lower(s[i]) != w[i]) return 0;
    return 1;
}

/* One decimal number (sign, digits, point, exponent; or nan / inf / infinity)
 * starting at s. Returns 1 and sets *v and *after, or 0 when s holds none.
 * The line ends with '\n' at q, so the digit loops need no bounds check. */
static int parse_number(double *v, const char **after, const char *s, const char *q) {
    const char *start = s;
    int neg = 0;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    if ((lower(*s) == 'i' || lower(*s) == 'n') &&
        (word(s, q, "infinity") || word(s, q, "inf") || word(s, q, "nan"))) {
        int is_nan = lower(*s) == 'n';
        s += word(s, q, "infinity") ? 8 : 3;
        *v = is_nan ? strtod("nan", NULL) : strtod(neg ? "-inf" : "inf", NULL);
        *after = s;
        return 1;
    }
    uint64_t m = 0;
    const char *digits = s;
    for (; is_digit(*s); s++) m = m * 10 + (uint64_t)(*s - '0');
    int64_t n_digits = s - digits, frac = 0;
    if (*s == '.') {
        const char *point = ++s;
        for (; is_digit(*s); s++) m = m * 10 + (uint64_t)(*s - '0');
        frac = s - point;
        n_digits += frac;
    }
    if (n_digits == 0) return 0;
    int slow = n_digits > 19; /* m may have wrapped: strtod decides */
    if (*s == 'e' || *s == 'E') {
        const char *e = s + 1;
        if (*e == '+' || *e == '-') e++;
        if (!is_digit(*e)) return 0;
        while (is_digit(*e)) e++;
        s = e;
        slow = 1;
    }
    *after = s;
    if (!slow && m <= ((uint64_t)1 << 53) && frac <= 22) {
        double x = (double)m;
        if (frac) x /= POW10[frac];
        *v = neg ? -x : x;
        return 1;
    }
    char *end = NULL;
    *v = strtod(start, &end);
    return end == s;
}

/* ------------------------------------------------------------------------- */
/* lines */

/* The field that starts at s, for an error message: up to the next comma. */
static int64_t field_len(const char *s, const char *q) {
    const char *e = s;
    while (e < q && *e != ',') e++;
    while (e > s && is_blank(e[-1])) e--;
    return e - s;
}

/* Parse the line [p, q) into row (width floats). *blank = 1 for an empty line. */
static int parse_line(float *row, int *blank, mxc_csv_reader *r, const char *p, const char *q,
                      int64_t width) {
    *blank = skip_blanks(p, q) == q;
    if (*blank) return MXC_OK;
    int64_t k = 0;
    for (const char *s = p;; k++) {
        s = skip_blanks(s, q);
        double v = 0.0;
        const char *after = s;
        int ok = parse_number(&v, &after, s, q);
        if (ok) after = skip_blanks(after, q);
        if (!ok || (after < q && *after != ','))
            return fail_line(r, MXC_CSV_BAD_NUMBER, k + 1, 0, s, field_len(s, q));
        if (k < width) row[k] = (float)v;
        if (after >= q) break;
        s = after + 1;
    }
    k++;
    if (k < width) return fail_line(r, MXC_CSV_TOO_FEW, 0, k, NULL, 0);
    if (k > width) return fail_line(r, MXC_CSV_TOO_MANY, 0, k, NULL, 0);
    return MXC_OK;
}

/* ------------------------------------------------------------------------- */
/* public API */

static void clear(mxc_csv_reader *r) {
    r->begin = r->end = 0;
    r->line = 1;
    r->eof = 0;
    r->at_start = 1;
    r->err_kind = MXC_CSV_NO_ERROR;
    r->err_errno = 0;
    r->err_line = r->err_field = r->err_count = 0;
    r->err_text[0] = '\0';
}

int mxc_csv_open(mxc_csv_reader *r, const char *path, char *buf, int64_t cap) {
    if (!r || !path || !buf) return MXC_ERR_NULL_PTR;
    if (cap < 64) return MXC_ERR_SHAPE;
    r->fd = -1;
    r->buf = buf;
    r->cap = cap;
    clear(r);
    r->fd = open(path, O_RDONLY);
    if (r->fd < 0) return fail_io(r);
    return MXC_OK;
}

int mxc_csv_rewind(mxc_csv_reader *r) {
    if (!r) return MXC_ERR_NULL_PTR;
    clear(r);
    if (r->fd < 0) {
        errno = EBADF;
        return fail_io(r);
    }
    if (lseek(r->fd, 0, SEEK_SET) < 0) return fail_io(r);
    return MXC_OK;
}

int mxc_csv_close(mxc_csv_reader *r) {
    if (!r) return MXC_ERR_NULL_PTR;
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
    return MXC_OK;
}

int mxc_csv_set_buffer(mxc_csv_reader *r, char *buf, int64_t cap) {
    if (!r || !buf) return MXC_ERR_NULL_PTR;
    int64_t n = r->end - r->begin;
    if (cap <= n || cap < 64) return MXC_ERR_SHAPE;
    memmove(buf, r->buf + r->begin, (size_t)n);
    r->buf = buf;
    r->cap = cap;
    r->begin = 0;
    r->end = n;
    return MXC_OK;
}

int mxc_csv_read_rows(float *out, int64_t *n_read, mxc_csv_reader *r, int64_t width,
                      int64_t max_rows) {
    if (!out || !n_read || !r) return MXC_ERR_NULL_PTR;
    if (width < 1 || max_rows < 1) return MXC_ERR_SHAPE;
    *n_read = 0;
    r->err_kind = MXC_CSV_NO_ERROR;
    if (r->fd < 0) {
        errno = EBADF;
        return fail_io(r);
    }
    int rc = skip_bom(r);
    while (!rc && *n_read < max_rows) {
        int64_t len = 0;
        rc = next_line(r, &len);
        if (rc || len < 0) break;
        const char *p = r->buf + r->begin;
        int blank = 0;
        rc = parse_line(out + *n_read * width, &blank, r, p, p + len, width);
        if (rc) break;
        advance(r, len);
        *n_read += !blank;
    }
    return rc;
}
