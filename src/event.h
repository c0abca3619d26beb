/*
 * The decoded event: what every source (live BPF, replay) hands to the
 * engine, and what stores, printers and views read.  Strings are raw bytes
 * from the traced system (hostile): sanitize before output.
 */
#ifndef PERFLENS_EVENT_H
#define PERFLENS_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/events.h"

#define PL_FILE_MAX 384 /* joined path, "…/" prefix included */

/* Event types made in user space (after the kernel's PL_EV_TYPE_MAX):
 * they reach the taps (printers, recorder) but not the per-type stores. */
#define PL_EV_INFLIGHT 10 /* an op still running past the threshold (u.io, lat = age) */
#define PL_EV_TICK 11     /* the 1 Hz saturation sample for u.tick.sec is in the store */
#define PL_EV_ALL_MAX 12

/* u.io.flags for PL_EV_INFLIGHT */
#define PL_INFLIGHT_CLOSED 0x80 /* it finished (its real event follows or came) */

struct pl_io_info {
	uint64_t start_ns;
	uint64_t lat_ns;
	uint64_t req_bytes;
	int64_t ret;
	uint64_t ino;
	uint64_t blocked_ns;
	uint64_t runq_ns;
	uint32_t dev;
	int32_t fd;
	uint32_t syscall_nr;
	uint32_t ustack_id; /* stack store id, 0 = none */
	uint32_t wstack_id;
	uint8_t flags;      /* PL_IOF_* */
	char file[PL_FILE_MAX];
};

struct pl_block_info {
	uint64_t start_ns;
	uint64_t issue_ns;
	uint64_t lat_ns;
	uint64_t queue_ns;  /* start -> issue, 0 when issue unseen */
	uint64_t sector;
	uint32_t dev;
	uint32_t bytes;
	uint32_t issuer_pid;
	int32_t error;
	uint32_t ustack_id;
	uint32_t kstack_id;
	uint8_t op;         /* enum pl_block_op */
	uint8_t flags;      /* PL_BLF_* */
	char devname[32];
};

struct pl_fork_info {
	uint32_t child_pid;
	uint64_t child_start_ns;
};

struct pl_exec_info {
	uint64_t start_ns;
	uint32_t old_pid;
	uint32_t ppid;
	char filename[PL_ARGS_LEN];
	char args[PL_ARGS_LEN]; /* argv joined with single spaces */
};

struct pl_exit_info {
	uint64_t start_ns;
	uint64_t lifetime_ns;
	uint32_t status;    /* raw wait status */
	uint32_t ppid;
};

struct pl_sample_info {
	uint32_t ustack_id;
	uint32_t kstack_id;
	uint32_t cpu;
};

struct pl_oom_info {
	uint64_t total_vm_pages;
	uint32_t uid;
	int32_t oom_score_adj;
	uint32_t killer_pid;
};

struct pl_tick_info {
	int64_t sec;        /* timeline second the sample describes */
};

struct pl_event {
	uint64_t ts_ns;     /* CLOCK_MONOTONIC at completion */
	uint64_t cgroup_id;
	uint32_t pid;
	uint32_t tid;
	uint16_t type;      /* enum pl_event_type */
	uint8_t kind;       /* enum pl_kind (io events) */
	char comm[PL_COMM_LEN + 1];
	union {
		struct pl_io_info io;
		struct pl_block_info blk;
		struct pl_fork_info fork;
		struct pl_exec_info exec;
		struct pl_exit_info exit;
		struct pl_sample_info sample;
		struct pl_tick_info tick;
		struct pl_oom_info oom;
	} u;
};

/* "read", "write", ...; "?" for an unknown type. */
const char *pl_type_name(unsigned type);
/* "file", "blockdev", "pipe", "socket", "tty", "other". */
const char *pl_kind_name(unsigned kind);
/* enum pl_kind for a name, or -1. */
int pl_kind_from_name(const char *name);
/* "read", "write", "flush", "discard", "other". */
const char *pl_block_op_name(unsigned op);
/* Storage I/O (file, blockdev) as opposed to waits on pipes/sockets/ttys. */
bool pl_kind_is_storage(unsigned kind);
/* Decode a wait status into exit code (-1 when killed), signal and core. */
void pl_exit_status(uint32_t status, int *code, int *sig, bool *core);

#endif
