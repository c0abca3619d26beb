#include "hot.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static struct hot_proc *proc_slot(struct hot_table *t, uint32_t pid)
{
	struct hot_proc *p;

	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	p = realloc(t->procs, (t->nprocs + 1) * sizeof(*p));
	if (!p)
		return NULL;
	t->procs = p;
	p = &t->procs[t->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

static struct hot_func *func_slot(struct hot_proc *p, const char *name, bool kernel)
{
	struct hot_func *f;

	for (size_t i = 0; i < p->nfuncs; i++)
		if (p->funcs[i].kernel == kernel && !strcmp(p->funcs[i].name, name))
			return &p->funcs[i];
	f = realloc(p->funcs, (p->nfuncs + 1) * sizeof(*f));
	if (!f)
		return NULL;
	p->funcs = f;
	f = &p->funcs[p->nfuncs++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->kernel = kernel;
	return f;
}

/* Count one stack: leaf gets self, every distinct function gets total once. */
static int fold_stack(struct hot_proc *p, const struct stack_entry *e, uint64_t n, bool *leaf_done)
{
	size_t seen[PL_MAX_STACK]; /* indices: funcs may move on realloc */
	unsigned nseen = 0;

	for (unsigned i = 0; e && i < e->nframes; i++) {
		char name[HOT_NAME_MAX];
		struct hot_func *f;
		bool dup = false;

		stack_frame_function(stack_entry_frame(e, i), name, sizeof(name));
		f = func_slot(p, name, e->kernel);
		if (!f)
			return -ENOMEM;
		for (unsigned j = 0; j < nseen; j++)
			dup |= seen[j] == (size_t)(f - p->funcs);
		if (!dup) {
			f->total += n;
			if (nseen < PL_MAX_STACK)
				seen[nseen++] = (size_t)(f - p->funcs);
		}
		if (!*leaf_done) {
			f->self += n;
			*leaf_done = true;
		}
	}
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct hot_func *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	return x->total < y->total ? 1 : x->total > y->total ? -1 : 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct hot_proc *x = a, *y = b;

	return x->samples < y->samples ? 1 : x->samples > y->samples ? -1 : 0;
}

int hot_build(struct engine *e, struct stack_resolver *r, struct hot_table *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < stackagg_count(e->agg); i++) {
		const struct stackagg_entry *a = stackagg_get(e->agg, i);
		struct hot_proc *p;
		bool leaf_done = false;

		if (a->role != STACK_ROLE_CPU)
			continue;
		p = proc_slot(out, a->pid);
		if (!p)
			goto nomem;
		p->samples += a->count;
		out->samples += a->count;
		/* Kernel frames sit on top of the user frames: the leaf is there. */
		if (fold_stack(p, a->kstack_id ? stack_resolve(r, a->kstack_id) : NULL, a->count,
			       &leaf_done) ||
		    fold_stack(p, a->ustack_id ? stack_resolve(r, a->ustack_id) : NULL, a->count,
			       &leaf_done))
			goto nomem;
	}
	for (size_t i = 0; i < out->nprocs; i++)
		if (out->procs[i].nfuncs)
			qsort(out->procs[i].funcs, out->procs[i].nfuncs, sizeof(struct hot_func),
			      cmp_func);
	if (out->nprocs)
		qsort(out->procs, out->nprocs, sizeof(*out->procs), cmp_proc);
	return 0;
nomem:
	hot_free(out);
	return -ENOMEM;
}

void hot_free(struct hot_table *t)
{
	for (size_t i = 0; i < t->nprocs; i++)
		free(t->procs[i].funcs);
	free(t->procs);
	memset(t, 0, sizeof(*t));
}
