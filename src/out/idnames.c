#include "idnames.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "../sys/cgroup.h"
#include "../sys/nspid.h"

#define IDNAMES_CG 512
#define IDNAMES_PIDS 1024

struct cg_slot {
	uint64_t id;
	char path[256];
	int known; /* 1 named, -1 looked up and not found */
	time_t missed_at; /* a miss is retried a second later: the cgroup may be new */
};

struct pid_slot {
	uint32_t pid, nspid;
};

/* A learnt name: cgroup id -> path, or pid -> namespace pid. */
struct learnt {
	uint64_t id;
	uint32_t nspid;
	char *path;
};

struct learnt_table {
	struct learnt *v;
	size_t n, cap;
};

struct idnames {
	struct cgroup_cache *cgc;
	bool learnt;                     /* names come only from the tables below */
	struct learnt_table cgroups, nspids;
	char proc_root[64];
	struct cg_slot cg[IDNAMES_CG];   /* direct-mapped caches: a miss costs one read */
	struct pid_slot pids[IDNAMES_PIDS];
};

struct idnames *idnames_new(const char *v2_root, const char *proc_root)
{
	struct idnames *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->learnt = !proc_root;
	if (v2_root && *v2_root && !n->learnt)
		n->cgc = cgroup_cache_new(v2_root, CGROUP_MAX_DIRS);
	snprintf(n->proc_root, sizeof(n->proc_root), "%s", proc_root ? proc_root : "");
	return n;
}

static void table_free(struct learnt_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
}

void idnames_free(struct idnames *n)
{
	if (!n)
		return;
	cgroup_cache_free(n->cgc);
	table_free(&n->cgroups);
	table_free(&n->nspids);
	free(n);
}

/* The entry for id (binary search: learnt in any order, kept sorted). */
static struct learnt *table_find(const struct learnt_table *t, uint64_t id, size_t *at)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return lo < t->n && t->v[lo].id == id ? &t->v[lo] : NULL;
}

static int table_put(struct learnt_table *t, uint64_t id, uint32_t nspid, const char *path)
{
	size_t at;
	struct learnt *e = table_find(t, id, &at);
	char *copy = path ? strdup(path) : NULL;

	if (path && !copy)
		return -ENOMEM;
	if (!e) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 64;
			struct learnt *v = realloc(t->v, cap * sizeof(*v));

			if (!v) {
				free(copy);
				return -ENOMEM;
			}
			t->v = v;
			t->cap = cap;
		}
		memmove(t->v + at + 1, t->v + at, (t->n - at) * sizeof(*t->v));
		t->n++;
		e = &t->v[at];
		*e = (struct learnt){ .id = id };
	}
	free(e->path);
	e->path = copy;
	e->nspid = nspid;
	return 0;
}

int idnames_learn_cgroup(struct idnames *n, uint64_t id, const char *path)
{
	return table_put(&n->cgroups, id, 0, path);
}

int idnames_learn_nspid(struct idnames *n, uint32_t pid, uint32_t nspid)
{
	return table_put(&n->nspids, pid, nspid, NULL);
}

const char *idnames_cgroup(struct idnames *n, uint64_t id)
{
	struct cg_slot *s = &n->cg[id % IDNAMES_CG];
	struct learnt *e;
	size_t at;

	if (n->learnt)
		return (e = table_find(&n->cgroups, id, &at)) ? e->path : NULL;
	if (!n->cgc)
		return NULL;
	if (s->id != id || !s->known || (s->known < 0 && time(NULL) > s->missed_at)) {
		s->id = id;
		s->known = cgroup_path(n->cgc, id, s->path, sizeof(s->path)) < 0 ? -1 : 1;
		s->missed_at = time(NULL);
	}
	return s->known > 0 ? s->path : NULL;
}

uint32_t idnames_nspid(struct idnames *n, uint32_t pid)
{
	struct pid_slot *s = &n->pids[pid % IDNAMES_PIDS];
	struct learnt *e;
	size_t at;

	if (n->learnt)
		return (e = table_find(&n->nspids, pid, &at)) && e->nspid != pid ? e->nspid : 0;
	if (s->pid != pid) {
		s->pid = pid;
		s->nspid = nspid_read(n->proc_root, pid);
	}
	return s->nspid && s->nspid != pid ? s->nspid : 0;
}
