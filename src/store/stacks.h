/*
 * Stack store: each distinct stack is kept once and referred to by id, so
 * the event log and recordings carry 4-byte ids, not 256-byte stacks.
 * User stacks are keyed with their pid (the same address means different
 * code in different processes); kernel stacks are shared.
 *
 * Bounded: cap stacks, fixed at creation; once full, new stacks get id 0
 * and are counted in `refused`.  Entries never move, so once an id is
 * returned, its ips may be read from any thread without the engine lock;
 * the resolved frame strings are published once, atomically.
 */
#ifndef PERFLENS_STACKS_H
#define PERFLENS_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct stack_entry {
	uint64_t ips[PL_MAX_STACK];
	uint32_t pid;           /* owner of a user stack; 0 for kernel stacks */
	uint8_t kernel;
	uint8_t n;
	uint64_t count;         /* events or samples that carried it */
	uint64_t total_ns;      /* latency of those events (0 for samples) */
	/* Resolved frames: "f0\0f1\0...", nframes strings; NULL until resolved. */
	char *_Atomic frames;
	unsigned nframes;
};

struct stackstore;

struct stackstore *stackstore_new(size_t cap);
void stackstore_free(struct stackstore *ss);
/* Zero every stack's use counts (replay seeks).  The stacks themselves stay:
 * ids are handed out once and read without the lock. */
void stackstore_clear_counts(struct stackstore *ss);
/* Id of this stack (1..cap), adding it if new; 0 when n == 0 or full. */
uint32_t stackstore_intern(struct stackstore *ss, uint32_t pid, bool kernel, const uint64_t *ips,
			   unsigned n);
/* Count one more use of a stack, with the latency it stands for. */
void stackstore_account(struct stackstore *ss, uint32_t id, uint64_t lat_ns);
/* The entry for id, or NULL. */
const struct stack_entry *stackstore_get(const struct stackstore *ss, uint32_t id);
/* Highest id handed out so far (ids are dense from 1). */
uint32_t stackstore_count(const struct stackstore *ss);
uint64_t stackstore_refused(const struct stackstore *ss);
/* Publish resolved frames for id (takes ownership of blob: n NUL-terminated
 * strings back to back).  Returns false, freeing blob, if already set. */
bool stackstore_set_frames(struct stackstore *ss, uint32_t id, char *blob, unsigned n);
/* The i-th resolved frame of e, or NULL when unresolved or out of range. */
const char *stack_entry_frame(const struct stack_entry *e, unsigned i);

#endif
