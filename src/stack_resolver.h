/*
 * Resolves stacks to frame strings off the consumer and UI threads.  A
 * background thread picks up newly interned stacks every 10 ms: it first
 * snapshots /proc/PID/maps of their processes (so stacks of processes that
 * exit soon after still resolve), then formats and publishes the frames in
 * the stack store.  Printers may also resolve synchronously (idempotent).
 */
#ifndef PERFLENS_STACK_RESOLVER_H
#define PERFLENS_STACK_RESOLVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "store/stacks.h"

struct symbolizer;

#define RESOLVER_HINTS 4096

struct resolver_hint {
	uint32_t pid;
	uint64_t not_before_ns;
};

struct stack_resolver {
	pthread_t thread;
	pthread_mutex_t hint_lock;
	struct resolver_hint hints[RESOLVER_HINTS]; /* ring: pids to snapshot soon */
	size_t hint_head, hint_len;
	uint64_t hints_dropped;
	struct stackstore *ss;
	struct symbolizer *sym;
	uint32_t done_upto;   /* ids up to here were handed to the symbolizer */
	volatile bool stop;
	bool running;
	uint64_t resolved;
};

/* sym may be shared with other readers; the resolver does not own it.
 * sym NULL (replay): no thread; stacks must arrive with their frames. */
int stack_resolver_start(struct stack_resolver *r, struct stackstore *ss, struct symbolizer *sym);
void stack_resolver_stop(struct stack_resolver *r);
/*
 * An engine tap (ctx = resolver): remember exec'd and forked processes so
 * their maps are snapshotted while they live -- a short-lived process is
 * often gone by the time its stack is seen.  Exec hints wait 20 ms, so the
 * dynamic loader has mapped the libraries.  Cheap: a ring push.
 */
void stack_resolver_tap(void *ctx, const struct pl_event *ev);
/* Resolve one stack now if it is not yet (thread-safe). */
const struct stack_entry *stack_resolve(struct stack_resolver *r, uint32_t id);
/* Resolve everything interned so far (end of a headless run). */
void stack_resolve_all(struct stack_resolver *r);
/* The function part of a frame string: "read_site+0x1c (prog) a.c:3" ->
 * "read_site"; unresolved "libfoo.so+0x12" -> "libfoo.so".  Returns length. */
size_t stack_frame_function(const char *frame, char *dst, size_t dstsz);

#endif
