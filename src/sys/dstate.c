#include "dstate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readfile.h"

/* Stat lines are ~300 bytes (one read(2) returns them whole); comm (<= 64)
 * and the state come first, so even a cut-off tail would do for the state. */
#define STAT_BUF 512

/* A /proc entry name that is a pid or tid. */
static bool parse_id(const char *name, uint32_t *id)
{
	uint64_t v;

	if (!readfile_u64(&name, &v) || *name || v == 0 || v > UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

/* D threads of a multi-threaded process, from PID/task/TID/stat each. */
static uint32_t count_d_threads(int proc_fd, uint32_t pid, uint32_t *scanned)
{
	char buf[STAT_BUF], rel[32];
	uint32_t d = 0, tid;
	struct dirent *de;
	DIR *dir = NULL;
	int task_fd;

	snprintf(rel, sizeof(rel), "%u/task", pid);
	task_fd = openat(proc_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (task_fd < 0)
		goto out; /* process exited meanwhile */
	dir = fdopendir(task_fd);
	if (!dir) {
		close(task_fd);
		goto out;
	}
	while ((de = readdir(dir))) {
		if (!parse_id(de->d_name, &tid))
			continue;
		snprintf(rel, sizeof(rel), "%u/stat", tid);
		if (readfile_once_at(task_fd, rel, buf, sizeof(buf)) < 0)
			continue; /* thread exited meanwhile */
		(*scanned)++;
		d += procstat_state(buf) == 'D';
	}
out:
	if (dir)
		closedir(dir); /* closes task_fd too */
	return d;
}

/* Keep the DSTATE_MAX_PROCS processes with most D threads: replace the
 * smallest entry when full (linear: the table is small and this is rare). */
static void top_insert(struct dstate_result *out, uint32_t pid, uint32_t count, const char *comm)
{
	uint32_t slot = out->nprocs;

	if (slot == DSTATE_MAX_PROCS) {
		slot = 0;
		for (uint32_t i = 1; i < DSTATE_MAX_PROCS; i++)
			if (out->procs[i].count < out->procs[slot].count)
				slot = i;
		if (out->procs[slot].count >= count)
			return;
	} else {
		out->nprocs++;
	}
	out->procs[slot].pid = pid;
	out->procs[slot].count = count;
	memcpy(out->procs[slot].comm, comm, sizeof(out->procs[slot].comm));
}

static int by_count_desc(const void *a, const void *b)
{
	const struct dstate_proc *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * PID/stat first: it gives the process's comm, and for a single-threaded
 * process (most of them, all kernel threads) the state too, which saves
 * opening the task directory (3 syscalls instead of 8).
 */
static void scan_process(struct dstate_result *out, int proc_fd, uint32_t pid)
{
	char buf[STAT_BUF], rel[32];
	struct procstat st;
	uint32_t d;

	snprintf(rel, sizeof(rel), "%u/stat", pid);
	if (readfile_once_at(proc_fd, rel, buf, sizeof(buf)) < 0 || procstat_parse(buf, &st))
		return; /* process exited meanwhile */
	if (st.num_threads <= 1) {
		out->tasks_scanned++;
		d = st.state == 'D';
	} else {
		d = count_d_threads(proc_fd, pid, &out->tasks_scanned);
	}
	if (d == 0)
		return;
	out->total += d;
	out->procs_with_d++;
	top_insert(out, pid, d, st.comm);
}

int dstate_scan(const char *proc_root, struct dstate_result *out)
{
	struct dirent *de;
	uint32_t pid;
	int err = 0;
	DIR *dir = opendir(proc_root);

	memset(out, 0, sizeof(*out));
	if (!dir) {
		err = -errno;
		goto out;
	}
	while ((de = readdir(dir)))
		if (parse_id(de->d_name, &pid))
			scan_process(out, dirfd(dir), pid);
	qsort(out->procs, out->nprocs, sizeof(out->procs[0]), by_count_desc);
out:
	if (dir)
		closedir(dir);
	return err;
}
