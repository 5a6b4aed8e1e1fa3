/* batches.c: an array iterator's batches gathered in C (see batches.h). */
#include "mxc.h"
#include <string.h>

static void copy_row(float *dst, const mxc_source *s, int64_t row) {
    if (s->is_double) {
        const double *src = (const double *)s->data + row * s->row_stride;
        if (s->col_stride == 1)
            for (int64_t j = 0; j < s->width; j++) dst[j] = (float)src[j];
        else
            for (int64_t j = 0; j < s->width; j++) dst[j] = (float)src[j * s->col_stride];
    } else {
        const float *src = (const float *)s->data + row * s->row_stride;
        if (s->col_stride == 1)
            memcpy(dst, src, (size_t)s->width * sizeof(float));
        else
            for (int64_t j = 0; j < s->width; j++) dst[j] = src[j * s->col_stride];
    }
}

static void load_rows(float *dst, const mxc_source *s, const float *pad, const mxc_batches *src,
                      int64_t b, int64_t lo, int64_t hi, int first_of_run) {
    int64_t start = b * src->batch_size;
    int64_t len = src->num_data - start < src->batch_size ? src->num_data - start : src->batch_size;
    for (int64_t r = lo; r < hi; r++) {
        float *row = dst + (r - lo) * s->width;
        if (r < len)
            copy_row(row, s, src->order[start + r]);
        else if (first_of_run)
            memcpy(row, pad + r * s->width, (size_t)s->width * sizeof(float));
    }
}

int mxc_batches_load(float *dst, const mxc_batches *src, int label, int64_t b, int64_t lo,
                     int64_t hi, int first_of_run) {
    if (!dst || !src) return MXC_ERR_NULL_PTR;
    const mxc_source *s = label ? &src->label : &src->data;
    const float *pad = label ? src->pad_label : src->pad_data;
    if (!s->data || !src->order || (first_of_run && !pad)) return MXC_ERR_NULL_PTR;
    load_rows(dst, s, pad, src, b, lo, hi, first_of_run);
    return MXC_OK;
}

int mxc_batches_gather(const mxc_batches *src, int64_t b, float *data_out, float *label_out) {
    if (!src || !data_out || !label_out || !src->data.data || !src->label.data || !src->order)
        return MXC_ERR_NULL_PTR;
    if (src->batch_size < 1 || src->num_data < 1 || b < 0 ||
        b * src->batch_size >= src->num_data)
        return MXC_ERR_SHAPE;
    load_rows(data_out, &src->data, NULL, src, b, 0, src->batch_size, 0);
    load_rows(label_out, &src->label, NULL, src, b, 0, src->batch_size, 0);
    return MXC_OK;
}
