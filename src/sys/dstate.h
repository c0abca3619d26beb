/*
 * Tasks in uninterruptible sleep ('D': waiting on I/O, a lock, NFS, ...),
 * counted per process by reading PROC/PID/task/TID/stat for every thread.
 * Only the processes with the most D threads are kept (DSTATE_MAX_PROCS);
 * the total counts all of them.
 */
#ifndef PERFLENS_DSTATE_H
#define PERFLENS_DSTATE_H

#include <stdint.h>

#include "procstat.h"

#define DSTATE_MAX_PROCS 64

struct dstate_proc {
	uint32_t pid;
	uint32_t count; /* threads of pid in D state */
	char comm[PROCSTAT_COMM_MAX + 1];
};

struct dstate_result {
	uint32_t total;         /* D threads system-wide */
	uint32_t nprocs;        /* entries used in procs[] */
	uint32_t procs_with_d;  /* processes with any D thread (may be > nprocs) */
	uint32_t tasks_scanned; /* threads looked at */
	struct dstate_proc procs[DSTATE_MAX_PROCS]; /* most D threads first */
};

/* Scan proc_root ("/proc").  Processes and threads that exit during the scan
 * are skipped.  0, or -errno if proc_root cannot be opened. */
int dstate_scan(const char *proc_root, struct dstate_result *out);

#endif
