/* Ring-buffer records (bpf/events.h) -> struct pl_event. */
#ifndef PERFLENS_EVENT_DECODE_H
#define PERFLENS_EVENT_DECODE_H

#include <stddef.h>

#include "event.h"

struct pl_stack_sink;

/*
 * Interns the stacks a record carries; returns a stack id (0 = none).
 * NULL sink: stacks are dropped.
 */
struct pl_stack_sink {
	uint32_t (*intern)(void *ctx, uint32_t pid, int is_kernel, const uint64_t *ips, unsigned n);
	void *ctx;
};

/* Decode one record.  0, or -EINVAL for a short, unknown or inconsistent
 * record (never reads past len). */
int event_decode(const void *data, size_t len, const struct pl_stack_sink *stacks,
		 struct pl_event *ev);

/* Join the leaf-first, NUL-separated components into an absolute path
 * ("/a/b/c"), prefixed with "…" when cut ("…/b/c").  Returns its length. */
size_t event_join_path(char *dst, size_t dstsz, const char *comps, size_t len, unsigned depth,
		       int cut);

#endif
