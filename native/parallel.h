/* parallel.h: worker threads for the ops that cut their work into parts (conv.c).
 *
 * An op cuts its work into a fixed number of parts that does not depend on the
 * thread count, and combines the parts' results in a fixed order, so it gives
 * the same bits with one thread or several. Threads are started and stopped only
 * by mxc_threads_set, never inside an op. */

/* Use n threads for parts: the calling thread and n - 1 workers (1 <= n <= 64); stops
 * the previous workers first. MXC_ERR_VALUE for n out of range, MXC_ERR_INTERNAL when a
 * thread cannot be started (then 1 thread is used). */
int mxc_threads_set(int n);

/* The number of threads parts run on (1 when no workers were started). */
int mxc_threads_get(void);

/* A part: `slot` says which thread runs it, 0 the calling thread, 1.. the workers, always
 * below the call's max_slots, so a part can use per-slot scratch memory. */
typedef void (*mxc_part_fn)(void *ctx, int64_t part, int slot);

/* fn(ctx, p, slot) for every p in [0, parts), each exactly once, spread over at most
 * max_slots threads (whichever take the next part first); returns when all have returned.
 * While another caller's parts are running, runs them all here, in slot 0. Many small
 * parts cost a little more than one per thread, but a worker that wakes late (a busy
 * machine) then only delays the end by one part. */
void mxc_parallel_parts(mxc_part_fn fn, void *ctx, int64_t parts, int max_slots);
