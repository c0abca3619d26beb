/*
 * Per-cgroup aggregates, so the summary and views rank containers and
 * services as well as processes.  Keyed by the cgroup v2 id the events
 * carry; the sampler fills in path and short name (file reads are not
 * allowed on the consumer thread).  Bounded: cap cgroups; events of
 * cgroups beyond it are counted in `refused`.
 */
#ifndef PERFLENS_CGSTATS_H
#define PERFLENS_CGSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct cg_entry {
	uint64_t id;
	uint64_t storage_count, storage_ns; /* slow ops on files and block devices */
	uint64_t wait_count, wait_ns;       /* slow ops on pipes, sockets, ttys, other */
	uint64_t block_count, block_ns, block_bytes;
	uint64_t samples;
	char path[256];                     /* "" until resolved */
	char name[64];
};

struct cgstats;

struct cgstats *cgstats_new(size_t cap);
void cgstats_free(struct cgstats *c);
/* Back to empty, as new (replay seeks). */
void cgstats_clear(struct cgstats *c);
void cgstats_account(struct cgstats *c, const struct pl_event *ev);
size_t cgstats_count(const struct cgstats *c);
struct cg_entry *cgstats_at(struct cgstats *c, size_t i);
uint64_t cgstats_refused(const struct cgstats *c);

#endif
