/*
 * Stack aggregates: how much each (role, pid, user stack, kernel stack)
 * stands for.  Roles keep the categories apart, so slow-op, wait, CPU and
 * block stacks never mix in a flame graph:
 *   slow  - user stack of a slow read/write/sync, weighted by its latency
 *   wait  - user stack + kernel stack where the op waited, weighted by the
 *           time it was blocked
 *   cpu   - user + kernel stack of a PMU sample, weight 1
 *   block - submitter stacks of a block request, weighted by its latency
 * Hot functions and folded output are derived from it by folding resolved
 * frames, so nothing is symbolized on the hot path.  Bounded: cap entries;
 * what finds no room is counted in refused.
 */
#ifndef PERFLENS_STACKAGG_H
#define PERFLENS_STACKAGG_H

#include <stddef.h>
#include <stdint.h>

enum stack_role {
	STACK_ROLE_SLOW = 0,
	STACK_ROLE_WAIT = 1,
	STACK_ROLE_CPU = 2,
	STACK_ROLE_BLOCK = 3,
	STACK_ROLE_MAX = 4,
};

struct stackagg_entry {
	uint32_t pid;
	uint32_t ustack_id;
	uint32_t kstack_id;
	uint8_t role;          /* enum stack_role */
	uint64_t count;        /* events or samples */
	uint64_t weight;       /* ns (slow, wait, block) or samples (cpu) */
};

struct stackagg;

struct stackagg *stackagg_new(size_t cap);
void stackagg_free(struct stackagg *sa);
/* Back to empty, as new (replay seeks). */
void stackagg_clear(struct stackagg *sa);
void stackagg_add(struct stackagg *sa, enum stack_role role, uint32_t pid, uint32_t ustack_id,
		  uint32_t kstack_id, uint64_t weight);
size_t stackagg_count(const struct stackagg *sa);
/* The i-th entry (0 <= i < count), in insertion order. */
const struct stackagg_entry *stackagg_get(const struct stackagg *sa, size_t i);
/* Total count per role, and what was refused. */
uint64_t stackagg_total(const struct stackagg *sa, enum stack_role role);
uint64_t stackagg_refused(const struct stackagg *sa);
/* "slow", "wait", "cpu", "block". */
const char *stack_role_name(enum stack_role role);

#endif
