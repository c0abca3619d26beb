/*
 * Names for ids an event carries: the cgroup v2 path of a cgroup id and the
 * namespace pid of a host pid.  Both need /proc or cgroupfs reads, so the
 * printer's writer thread owns one of these (never the consumer thread).
 * Not thread-safe: one owner.
 *
 * A replay has no system to ask: its names come from the recording
 * (REC_NAMES frames), learnt while the file is scanned; lookups then only
 * read that table (safe from the printer thread once learning is over).
 */
#ifndef PERFLENS_IDNAMES_H
#define PERFLENS_IDNAMES_H

#include <stdint.h>

struct idnames;

/* v2_root: the cgroup v2 mount ("" or NULL: cgroups stay unnamed);
 * proc_root NULL: a learnt table only (replay), nothing is read. */
struct idnames *idnames_new(const char *v2_root, const char *proc_root);
void idnames_free(struct idnames *n);
/* The cgroup path ("/system.slice/x.service"), or NULL when unknown. */
const char *idnames_cgroup(struct idnames *n, uint64_t id);
/* The innermost namespace pid when it differs from pid, else 0. */
uint32_t idnames_nspid(struct idnames *n, uint32_t pid);
/* Learnt tables (proc_root NULL): a later entry for the same id wins.  0, or
 * -ENOMEM (then the name stays unknown). */
int idnames_learn_cgroup(struct idnames *n, uint64_t id, const char *path);
int idnames_learn_nspid(struct idnames *n, uint32_t pid, uint32_t nspid);

#endif
