#include "idnames.h"

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

struct idnames {
	struct cgroup_cache *cgc;
	char proc_root[64];
	struct cg_slot cg[IDNAMES_CG];   /* direct-mapped caches: a miss costs one read */
	struct pid_slot pids[IDNAMES_PIDS];
};

struct idnames *idnames_new(const char *v2_root, const char *proc_root)
{
	struct idnames *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	if (v2_root && *v2_root)
		n->cgc = cgroup_cache_new(v2_root, CGROUP_MAX_DIRS);
	snprintf(n->proc_root, sizeof(n->proc_root), "%s", proc_root);
	return n;
}

void idnames_free(struct idnames *n)
{
	if (!n)
		return;
	cgroup_cache_free(n->cgc);
	free(n);
}

const char *idnames_cgroup(struct idnames *n, uint64_t id)
{
	struct cg_slot *s = &n->cg[id % IDNAMES_CG];

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

	if (s->pid != pid) {
		s->pid = pid;
		s->nspid = nspid_read(n->proc_root, pid);
	}
	return s->nspid && s->nspid != pid ? s->nspid : 0;
}
