/*
 * cgroups for perflens: which layout the machine has, cgroup v2 id -> path
 * (bpf_get_current_cgroup_id() returns the v2 id, which on 64-bit kernels is
 * the inode number of the cgroup's directory in the v2 hierarchy, kernel
 * >= 5.5), a short display name per path, and a user-given path -> (id,
 * level) for the in-kernel --cgroup filter.
 *
 * Paths are relative to the v2 root and start with '/' ("/" is the root),
 * like the "0::" line of /proc/PID/cgroup.
 *
 * Not thread-safe: one thread (the 1 Hz sampler) owns a cache; lookups may
 * walk the hierarchy.
 */
#ifndef PERFLENS_CGROUP_H
#define PERFLENS_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CGROUP_MOUNTINFO "/proc/self/mountinfo"
#define CGROUP_MAX_DIRS 20000 /* default bound on the walk of the v2 tree */
#define CGROUP_ROOT_MAX 256

enum cgroup_layout {
	CGROUP_LAYOUT_LEGACY,  /* v1 only (or nothing): v2 ids cannot be resolved */
	CGROUP_LAYOUT_HYBRID,  /* v1 controllers + v2 at e.g. /sys/fs/cgroup/unified */
	CGROUP_LAYOUT_UNIFIED, /* v2 only, at /sys/fs/cgroup */
};

struct cgroup_mounts {
	enum cgroup_layout layout;
	char v2_root[CGROUP_ROOT_MAX]; /* v2 mount point; "" in the legacy layout */
	unsigned v1_mounts;            /* "cgroup" (v1) mounts seen */
};

/* Find the cgroup2 mount in a mountinfo file (CGROUP_MOUNTINFO) and classify
 * the layout.  When there are several cgroup2 mounts, one of the whole tree
 * (root "/") wins, /sys/fs/cgroup before /sys/fs/cgroup/unified before the
 * rest.  0, or -errno if the file cannot be read. */
int cgroup_detect(const char *mountinfo_path, struct cgroup_mounts *out);
/* Parse mountinfo text; same as cgroup_detect() otherwise. */
void cgroup_detect_text(const char *mountinfo, struct cgroup_mounts *out);
/* One line for the user: "hybrid: cgroup v1 controllers, v2 at ...". */
void cgroup_layout_describe(const struct cgroup_mounts *m, char *buf, size_t bufsz);

struct cgroup_cache;

/* A cache of id -> path for the v2 hierarchy at v2_root, walked now.  The
 * walk stops after max_dirs directories (0: CGROUP_MAX_DIRS).  NULL with
 * errno set (EINVAL for an empty root, or the walk's error). */
struct cgroup_cache *cgroup_cache_new(const char *v2_root, size_t max_dirs);
/* Accepts NULL. */
void cgroup_cache_free(struct cgroup_cache *c);
/* Walk the hierarchy again now, not rate-limited.  Cgroups in the cache
 * total, or -errno (the old contents then stay). */
int cgroup_cache_rebuild(struct cgroup_cache *c);
/* Cgroups cached. */
size_t cgroup_cache_count(const struct cgroup_cache *c);
/* True when the last walk hit max_dirs (deeper cgroups may be missing). */
bool cgroup_cache_truncated(const struct cgroup_cache *c);
/* Path of cgroup id into buf.  On a miss the hierarchy is walked again, but
 * at most once a second; ids still missing after a walk are remembered (v2
 * ids are never reused) so they cost no further walks.  0; -EAGAIN when the
 * miss was rate-limited (ask again later); -ENOENT when the cgroup is gone;
 * -ENAMETOOLONG when buf is too small. */
int cgroup_path(struct cgroup_cache *c, uint64_t id, char *buf, size_t bufsz);

/* Short display name of a v2 path: "docker:3f2a9c1b7d4e" for a container
 * (docker, containerd, cri-o, podman, lxc), "pod:<uid>" for a Kubernetes pod,
 * the innermost systemd unit ("nginx.service", "session-3.scope"), else the
 * last component; "/" for the root.  Truncated to bufsz. */
void cgroup_short_name(const char *path, char *buf, size_t bufsz);

/* Resolve a user-given cgroup (absolute under v2_root, or relative to it
 * with or without a leading '/') to its id (directory inode) and level
 * (depth below the v2 root: root 0, /a 1, /a/b 2), which is what
 * bpf_get_current_ancestor_cgroup_id(level) returns for tasks inside it.
 * 0; else -ENOENT (or -errno) with a one-line reason in msg. */
int cgroup_resolve(const char *v2_root, const char *user_path, uint64_t *id, int *level,
		   char *msg, size_t msgsz);

#endif
