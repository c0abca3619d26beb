#include "folded.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/sanitize.h"

/* A frame made safe for the folded syntax: no ';', no newline, no escapes. */
static void put_frame(FILE *f, const char *name, const char *suffix)
{
	char clean[256];

	sanitize_display(clean, sizeof(clean), name, (size_t)-1);
	for (char *p = clean; *p; p++)
		if (*p == ';' || *p == ' ')
			*p = *p == ';' ? ':' : '_';
	fprintf(f, ";%s%s", clean, suffix);
}

/* Frames are stored leaf first; folded wants root first. */
static void put_stack(FILE *f, const struct stack_entry *e, const char *suffix)
{
	for (unsigned i = e ? e->nframes : 0; i-- > 0;) {
		char name[256];

		stack_frame_function(stack_entry_frame(e, i), name, sizeof(name));
		put_frame(f, name, suffix);
	}
}

static void put_comm(FILE *f, struct engine *e, uint32_t pid)
{
	struct proc_node *n = proctree_find(e->pt, pid);
	char buf[32];

	if (n && n->comm[0]) {
		put_frame(f, n->comm, "");
	} else {
		snprintf(buf, sizeof(buf), "pid-%u", pid);
		put_frame(f, buf, "");
	}
}

static uint64_t weight_of(const struct stackagg_entry *a)
{
	return a->role == STACK_ROLE_CPU ? a->weight : a->weight / 1000;
}

/* One line; the marker and comm frames are left out when marker is false. */
static void put_line(FILE *f, struct engine *e, struct stack_resolver *r,
		     const struct stackagg_entry *a, bool marker)
{
	if (marker) {
		fprintf(f, "[%s]", stack_role_name(a->role));
		put_comm(f, e, a->pid);
	}
	put_stack(f, a->ustack_id ? stack_resolve(r, a->ustack_id) : NULL, "");
	put_stack(f, a->kstack_id ? stack_resolve(r, a->kstack_id) : NULL, "_[k]");
	fprintf(f, " %llu\n", (unsigned long long)weight_of(a));
}

int folded_write(FILE *f, struct engine *e, struct stack_resolver *r)
{
	int lines = 0;

	for (size_t i = 0; i < stackagg_count(e->agg); i++) {
		const struct stackagg_entry *a = stackagg_get(e->agg, i);

		if (!weight_of(a))
			continue;
		put_line(f, e, r, a, true);
		lines++;
	}
	return ferror(f) ? -EIO : lines;
}

static int cmp_weight(const void *x, const void *y, void *agg)
{
	uint64_t a = stackagg_get(agg, *(const size_t *)x)->weight;
	uint64_t b = stackagg_get(agg, *(const size_t *)y)->weight;

	return a < b ? 1 : a > b ? -1 : 0;
}

int folded_write_role(FILE *f, struct engine *e, struct stack_resolver *r, int role,
		      uint32_t pid, size_t max)
{
	size_t n = 0, *idx = malloc((stackagg_count(e->agg) + 1) * sizeof(*idx));
	int lines = 0;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < stackagg_count(e->agg); i++) {
		const struct stackagg_entry *a = stackagg_get(e->agg, i);

		if (a->role == role && (!pid || a->pid == pid) && weight_of(a))
			idx[n++] = i;
	}
	qsort_r(idx, n, sizeof(*idx), cmp_weight, e->agg);
	for (size_t i = 0; i < n && i < max; i++, lines++)
		put_line(f, e, r, stackagg_get(e->agg, idx[i]), false);
	free(idx);
	return ferror(f) ? -EIO : lines;
}

int folded_write_file(const char *path, struct engine *e, struct stack_resolver *r)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;
	int n;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		n = -errno;
		close(fd);
		return n;
	}
	n = folded_write(f, e, r);
	if (fclose(f) && n >= 0)
		n = -errno;
	return n;
}
