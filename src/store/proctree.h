/*
 * Process tree: processes keyed by (pid, start time), so a reused pid never
 * merges two processes.  Seeded from /proc, then kept current by fork, exec
 * and exit events.  Exited processes stay for keep_exited_ns (so short-lived
 * ones stay visible), then are evicted; when the table is full the oldest
 * exited process is evicted first, and a full table of live processes
 * counts the refusal in `refused`.
 *
 * Start times are task->start_boottime in ns; /proc's starttime (clock
 * ticks) is converted to the same unit, and identities compare in clock
 * ticks, the coarser of the two.
 */
#ifndef PERFLENS_PROCTREE_H
#define PERFLENS_PROCTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct proc_stats {
	uint64_t slow_count[PL_KIND_MAX]; /* read/write/sync over threshold */
	uint64_t slow_ns[PL_KIND_MAX];
	uint64_t block_count;
	uint64_t block_ns;
	uint64_t block_bytes;
	uint64_t samples;
};

struct proc_node {
	uint32_t pid;
	uint32_t ppid;
	uint64_t start_ns;      /* boottime ns (tick resolution when seeded) */
	char comm[PL_COMM_LEN + 1];
	char args[PL_ARGS_LEN]; /* argv joined by spaces, raw */
	bool exited;
	bool seeded;            /* known from /proc, not seen born */
	uint32_t exit_status;   /* raw wait status */
	uint64_t exit_ts_ns;    /* monotonic ns of the exit event */
	uint64_t lifetime_ns;
	struct proc_stats st;
	bool oom_killed;        /* chosen by the OOM killer (oom:mark_victim) */
};

struct proctree;

/* cap: processes held at most; keep_exited_ns: how long exited ones stay.
 * NULL with errno set (EINVAL for cap 0, ENOMEM). */
struct proctree *proctree_new(size_t cap, uint64_t keep_exited_ns);
/* Accepts NULL. */
void proctree_free(struct proctree *pt);
/* Back to empty, as new (replay seeks). */
void proctree_clear(struct proctree *pt);
/* Add every process under procfs_root ("/proc").  Returns how many were new
 * (ones already known from events are only completed), or -errno. */
int proctree_seed(struct proctree *pt, const char *procfs_root);
/* A child was born; fills only what an earlier exec/exit left unknown. */
void proctree_on_fork(struct proctree *pt, uint32_t ppid, uint32_t child, uint64_t child_start_ns,
		      const char *comm);
/* pid ran exec: name, args and (when non-zero) ppid are now current. */
void proctree_on_exec(struct proctree *pt, uint32_t pid, uint64_t start_ns, uint32_t ppid,
		      const char *comm, const char *args);
/* pid exited (ts_ns monotonic); its live children move to ppid 1. */
void proctree_on_exit(struct proctree *pt, uint32_t pid, uint64_t start_ns, uint32_t ppid,
		      uint32_t status, uint64_t ts_ns, uint64_t lifetime_ns);
/* The live process with this pid (else the newest exited one); NULL if unknown. */
struct proc_node *proctree_find(struct proctree *pt, uint32_t pid);
/* Same, creating a placeholder node (comm given) when unknown.  NULL when full. */
struct proc_node *proctree_get(struct proctree *pt, uint32_t pid, const char *comm);
/* Drop exited processes whose exit is older than keep_exited_ns before now_ns. */
size_t proctree_evict(struct proctree *pt, uint64_t now_ns);
/* Nodes held now, live and exited. */
size_t proctree_count(const struct proctree *pt);
/* Processes not stored because every slot held a live one. */
uint64_t proctree_refused(const struct proctree *pt);
/* Exited processes dropped, by age or to make room. */
uint64_t proctree_evicted(const struct proctree *pt);
/* Visit every node; stop early when fn returns non-zero.  fn must not add
 * or evict nodes. */
void proctree_foreach(struct proctree *pt, int (*fn)(struct proc_node *n, void *arg), void *arg);

#endif
