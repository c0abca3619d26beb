/*
 * Slow I/O per process and file (or device), with a latency histogram,
 * for the AI prompt's [io] lines: "pid 812 read /var/lib/pg/base/1 n=540
 * p50=1.2ms p99=48ms max=120ms".  No engine store keeps this pairing, and
 * scanning the event log for it would hold the engine lock for a million
 * events, so it is kept as events arrive: an engine tap, O(1) per event.
 *
 * Keys: (pid, op, kind, dev, ino) for read/write/sync; (pid, block op,
 * dev) for block requests, charged to their submitter.  Bounded: when the
 * table is full, the half with the least slow time is dropped (counted in
 * pruned), so heavy hitters stay.  Lock: the engine lock (taps run under
 * it; readers take it for ai_iostat_top).
 */
#ifndef PERFLENS_AI_IOSTAT_H
#define PERFLENS_AI_IOSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

#define AI_IO_NAME_MAX 160

/* One row as the prompt needs it (percentiles already computed). */
struct ai_io_row {
	uint32_t pid;
	uint16_t type;          /* PL_EV_READ/WRITE/SYNC, or PL_EV_BLOCK */
	uint8_t kind;           /* enum pl_kind (io); block: enum pl_block_op */
	uint32_t dev;
	uint64_t ino;
	char comm[PL_COMM_LEN + 1];
	char name[AI_IO_NAME_MAX]; /* path tail, or the device name (raw) */
	uint64_t count, total_ns, bytes, errors;
	uint64_t recent;        /* count since the previous ai_iostat_top with mark */
	uint64_t p50_ns, p99_ns, max_ns;
};

struct ai_iostat;

/* cap >= 16 rows.  NULL with errno. */
struct ai_iostat *ai_iostat_new(size_t cap);
void ai_iostat_free(struct ai_iostat *s);
/* Account one event (io and block; others are ignored). */
void ai_iostat_add(struct ai_iostat *s, const struct pl_event *ev);
/* An engine tap: ctx is the ai_iostat. */
void ai_iostat_tap(void *ctx, const struct pl_event *ev);
/* The n rows with the most slow time (waits on pipes, sockets and ttys
 * count an eighth: mostly idle waiting), slowest first, leaving out skip_pid.
 * mark: start counting `recent` again from now.  Returns rows written. */
size_t ai_iostat_top(struct ai_iostat *s, uint32_t skip_pid, struct ai_io_row *out, size_t n,
		     int mark);
/* Start counting `recent` again from now (the prompt was sent). */
void ai_iostat_mark(struct ai_iostat *s);
/* Rows held, and rows dropped to make room. */
size_t ai_iostat_count(const struct ai_iostat *s);
uint64_t ai_iostat_pruned(const struct ai_iostat *s);

#endif
