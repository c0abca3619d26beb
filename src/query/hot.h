/*
 * Hot functions from the CPU samples: per process, per function, self
 * (the function was the leaf) and total (it was anywhere on the stack)
 * sample counts.  Folds resolved frames, so run it off the consumer and UI
 * threads (it may resolve stacks on demand), with the engine lock held.
 */
#ifndef PERFLENS_HOT_H
#define PERFLENS_HOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine.h"
#include "../stack_resolver.h"

#define HOT_NAME_MAX 128

struct hot_func {
	char name[HOT_NAME_MAX];
	bool kernel;
	uint64_t self;
	uint64_t total;
};

struct hot_proc {
	uint32_t pid;
	uint64_t samples;
	struct hot_func *funcs; /* sorted by self, then total, descending */
	size_t nfuncs;
};

struct hot_table {
	struct hot_proc *procs; /* sorted by samples, descending */
	size_t nprocs;
	uint64_t samples;
};

/* Build the table from e->agg (role cpu).  0 or -ENOMEM. */
int hot_build(struct engine *e, struct stack_resolver *r, struct hot_table *out);
void hot_free(struct hot_table *t);

#endif
