/* batches.h: an array iterator's batches, read in place from its source
 * arrays (float32 or float64, any strides) by the fused path. */

/* A 2-D view of an iterator's source array: sample i, value j is at
 * data[i * row_stride + j * col_stride] (strides in elements). */
typedef struct {
    const void *data;
    int is_double;      /* 0: float32, 1: float64 (converted as numpy casts) */
    int64_t row_stride;
    int64_t col_stride;
    int64_t width;      /* values per sample */
} mxc_source;

/* An array iterator: batch b holds samples order[b*batch_size ...]; a short last
 * batch keeps, past its samples, the rows the iterator's buffers held (pad_*). */
typedef struct {
    mxc_source data;
    mxc_source label;
    const int64_t *order;
    int64_t num_data;
    int64_t batch_size;
    const float *pad_data;   /* (batch_size, data.width) */
    const float *pad_label;  /* (batch_size, label.width) */
} mxc_batches;

/* The array iterator's own step: batch b's samples into data_out (batch_size, data.width)
 * and label_out (batch_size, label.width); rows past a short batch's samples keep what
 * they hold. */
int mxc_batches_gather(const mxc_batches *src, int64_t b, float *data_out, float *label_out);

/* Rows lo..hi-1 of batch b of the data (label = 0) or the labels (label = 1) into dst.
 * Rows past the batch's samples keep what dst holds (the previous batch of a run) or,
 * with first_of_run, take the iterator's buffer rows (pad_*), as the per-batch loop's
 * copies would. The caller has checked b, lo and hi against src. */
int mxc_batches_load(float *dst, const mxc_batches *src, int label, int64_t b, int64_t lo,
                     int64_t hi, int first_of_run);
