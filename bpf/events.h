/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one event ABI between the BPF programs and user space.
 *
 * Every record that crosses the ring buffer starts with struct pl_hdr.
 * Fields are fixed width, largest first, so the layout is the same for
 * clang -target bpf and for the host compiler (user space _Static_asserts
 * the sizes in src/event_decode.c).  Bump PL_ABI_VERSION on any change.
 */
#ifndef PERFLENS_EVENTS_H
#define PERFLENS_EVENTS_H

#ifndef __VMLINUX_H__
/* User space: the same widths, spelled as the host's stdint types. */
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#endif

#define PL_ABI_VERSION 1
#define PL_COMM_LEN 16
/* Path components are written leaf first, NUL separated; see pl_io_event. */
#define PL_PATH_LEN 512
#define PL_PATH_SOFT 256 /* the walk stops once this much is written */
#define PL_PATH_DEPTH 16 /* dentries walked at most */
#define PL_ARGS_LEN 256
#define PL_MAX_STACK 32  /* frames reserved per stack; --stack-depth caps */

enum pl_event_type {
	PL_EV_READ = 1,
	PL_EV_WRITE = 2,
	PL_EV_SYNC = 3,
	PL_EV_BLOCK = 4,
	PL_EV_FORK = 5,
	PL_EV_EXEC = 6,
	PL_EV_EXIT = 7,
	PL_EV_SAMPLE = 8,
	PL_EV_OOM = 9,
	PL_EV_TYPE_MAX = 10,
};

/* What an fd points at, read from the inode mode (never from the path). */
enum pl_kind {
	PL_KIND_FILE = 0,
	PL_KIND_BLOCKDEV = 1,
	PL_KIND_PIPE = 2,
	PL_KIND_SOCKET = 3,
	PL_KIND_TTY = 4,
	PL_KIND_OTHER = 5,
	PL_KIND_MAX = 6,
};
#define PL_KINDS_ALL ((1u << PL_KIND_MAX) - 1)

enum pl_block_op {
	PL_BOP_READ = 0,
	PL_BOP_WRITE = 1,
	PL_BOP_FLUSH = 2,
	PL_BOP_DISCARD = 3,
	PL_BOP_OTHER = 4,
};

/* Flags in pl_io_event.flags */
#define PL_IOF_PATH_CUT (1u << 0)   /* dentry walk hit its bound: prefix ".../" */
#define PL_IOF_ERR (1u << 1)        /* ret is a negative errno */
/* Flags in pl_block_event.flags */
#define PL_BLF_OTHER_ISSUER (1u << 0) /* issued from another task's context */
#define PL_BLF_KTHREAD (1u << 1)      /* submitter is a kernel thread (writeback) */
#define PL_BLF_NO_SUBMITTER (1u << 2) /* start not seen: submitter unknown */
#define PL_BLF_SHARED (1u << 3)       /* merged request: bytes are this submitter's share */
#define PL_BLF_NO_COMPLETION (1u << 4) /* completion never seen: latency unknown (0) */

struct pl_hdr {
	u64 ts_ns;     /* CLOCK_MONOTONIC (bpf_ktime_get_ns) at completion */
	u64 cgroup_id; /* cgroup v2 id of the task */
	u32 pid;       /* tgid */
	u32 tid;
	u16 type;      /* enum pl_event_type */
	u16 version;   /* PL_ABI_VERSION */
	u32 size;      /* bytes of the whole record */
	char comm[PL_COMM_LEN];
};

/* read, write, sync: one slow I/O syscall */
struct pl_io_event {
	struct pl_hdr h;
	u64 start_ns;
	u64 lat_ns;
	u64 req_bytes;   /* requested (sum of iovecs for vectored calls) */
	s64 ret;         /* bytes returned, or -errno */
	u64 ino;
	u64 blocked_ns;  /* time switched out while blocked (off-CPU) */
	u64 runq_ns;     /* time runnable but waiting for a CPU */
	u32 dev;         /* st_dev, kernel encoding (major << 20 | minor) */
	s32 fd;
	u32 syscall_nr;
	u16 ustack_n;    /* valid frames in ustack */
	u16 wstack_n;    /* valid frames in wstack */
	u16 path_len;    /* bytes used in path */
	u8 kind;         /* enum pl_kind */
	u8 flags;        /* PL_IOF_* */
	u8 path_depth;   /* components in path */
	u8 pad[3];
	u64 ustack[PL_MAX_STACK]; /* user stack of the issuing thread */
	u64 wstack[PL_MAX_STACK]; /* kernel stack of the longest wait */
	/* Leaf first, NUL separated: "f.txt\0dir\0home\0". User space joins. */
	char path[PL_PATH_LEN];
};

/* block: one request, charged to its submitter */
struct pl_block_event {
	struct pl_hdr h;
	u64 start_ns;   /* submit (io_start / insert) */
	u64 issue_ns;   /* dispatched to the driver; 0 if unseen */
	u64 lat_ns;     /* start -> complete */
	u64 sector;
	u32 dev;        /* kernel dev_t of the partition or disk */
	u32 bytes;
	u32 issuer_pid; /* tgid that ran block_rq_issue */
	s32 error;
	u16 ustack_n;
	u16 kstack_n;
	u8 op;          /* enum pl_block_op */
	u8 flags;       /* PL_BLF_* */
	u8 pad[2];
	u64 ustack[PL_MAX_STACK];
	u64 kstack[PL_MAX_STACK];
};

struct pl_fork_event {
	struct pl_hdr h;         /* pid = parent tgid */
	u64 child_start_ns;      /* task->start_boottime of the child */
	u32 child_pid;
	u32 pad;
};

struct pl_exec_event {
	struct pl_hdr h;
	u64 start_ns;            /* task->start_boottime */
	u32 old_pid;
	u16 filename_len;
	u16 args_len;            /* bytes in args, NUL separated */
	u32 ppid;
	u32 pad;
	char filename[PL_ARGS_LEN];
	char args[PL_ARGS_LEN];
};

struct pl_exit_event {
	struct pl_hdr h;
	u64 start_ns;            /* task->start_boottime */
	u64 lifetime_ns;
	u32 exit_code;           /* wait status: code << 8 | core 0x80 | signal */
	u32 ppid;
};

/* oom: the kernel's OOM killer chose a victim (oom:mark_victim) */
struct pl_oom_event {
	struct pl_hdr h;         /* pid/comm: the victim */
	u64 total_vm_pages;
	u32 uid;
	s32 oom_score_adj;
	u32 killer_pid;          /* the task whose allocation triggered it */
	u32 pad;
};

/* sample: one PMU (or cpu-clock) sample with both stacks */
struct pl_sample_event {
	struct pl_hdr h;
	u32 cpu;
	u16 ustack_n;
	u16 kstack_n;
	u64 ustack[PL_MAX_STACK];
	u64 kstack[PL_MAX_STACK];
};

/*
 * Value of the "inflight" hash (key: tid): one I/O syscall in progress.
 * Read by user space too, to report operations that are stuck right now.
 */
struct pl_inflight {
	u64 start_ns;
	u64 arg_ptr;     /* buf or iovec pointer */
	u64 arg_cnt;     /* count or iovcnt */
	u64 off_ts;      /* when it was switched out; 0 while on CPU */
	u64 blocked_ns;  /* off-CPU time in D/S state so far */
	u64 runq_ns;     /* preempted-but-runnable time so far */
	u64 max_wait_ns; /* longest single wait so far */
	u32 pid;
	s32 fd;
	u16 syscall_nr;
	u8 type;         /* PL_EV_READ/WRITE/SYNC */
	u8 off_blocked;  /* the current switch-out was a block, not a preemption */
	u16 wstack_n;
	u16 pad;
};

#include "hist_bucket.h"

/* A latency histogram kept in the kernel (log-linear, see hist_bucket.h). */
struct pl_khist {
	u64 count;
	u64 sum_ns;
	u64 max_ns;
	u32 b[PL_HIST_BUCKETS];
};

/* Key and value of the "blk_hist" map: every block request per device/op. */
struct pl_blk_hist_key {
	u32 dev;   /* kernel dev_t */
	u32 op;    /* enum pl_block_op */
};

struct pl_blk_hist {
	u64 bytes;
	u64 queue_ns;    /* sum of start -> issue */
	u64 service_ns;  /* sum of issue -> complete */
	struct pl_khist lat;
};

/* Key of the "ops_hist" map (--all-ops): every I/O syscall per process/type. */
struct pl_ops_key {
	u32 pid;
	u32 type;  /* PL_EV_READ/WRITE/SYNC */
};

/* Shared knobs that live in .rodata; set by the loader before load. */
struct pl_config {
	u64 threshold_ns;
	u64 block_threshold_ns;
	u32 self_tgid;
	u32 kinds_mask;
	u32 filter_pids;        /* 1: only tgids in the pid filter map */
	u32 follow_children;
	u32 filter_comm;        /* 1: only comm == comm_filter */
	u32 has_group_dead;     /* sched_process_exit carries group_dead (6.x) */
	u32 stack_depth;        /* frames to capture, <= PL_MAX_STACK */
	u32 block_stacks;
	u32 all_ops;            /* per-(pid,type) histograms of every op */
	u32 runqlat;            /* run-queue latency histogram */
	u32 filter_cgroup;      /* 1: only tasks under cgroup_id */
	u32 cgroup_level;       /* ancestor level of cgroup_id */
	u64 cgroup_id;
	u32 pmc;                /* per-process counters at sched_switch */
	u32 pad_cfg;
	char comm_filter[PL_COMM_LEN];
};

/*
 * Per-process hardware counters (see bpf/pmc.bpf.h).  Two perf event groups
 * per CPU, each scheduled as a unit, so each ratio compares counts taken
 * over the same windows: {cycles, instructions} and {cache-references,
 * cache-misses}.  Slot i of CPU c sits at index c * PL_PMC_SLOTS + i of the
 * "pmc_fds" perf event array.
 */
enum pl_pmc_slot {
	PL_PMC_CYCLES = 0,
	PL_PMC_INSTRUCTIONS = 1,
	PL_PMC_CACHE_REFS = 2,
	PL_PMC_CACHE_MISSES = 3,
	PL_PMC_SLOTS = 4,
};
#define PL_PMC_GROUPS 2 /* group g leads at slot 2 * g */

/* Value of the "pmc_procs" hash (key: tgid): raw counts while on CPU, and
 * for each group how long it was enabled and how long it actually counted
 * (multiplexing); user space scales raw * enabled / running. */
struct pl_pmc_counts {
	u64 count[PL_PMC_SLOTS];
	u64 enabled_ns[PL_PMC_GROUPS];
	u64 running_ns[PL_PMC_GROUPS];
};

/* Per-CPU: the readings at the last switch on that CPU. */
struct pl_pmc_last {
	u64 count[PL_PMC_SLOTS];
	u64 enabled_ns[PL_PMC_GROUPS];
	u64 running_ns[PL_PMC_GROUPS];
	u64 primed;
};

/* Per-CPU counters, index by enum below (array map "stats"). */
enum pl_stat {
	PL_STAT_DROP_READ = 0,   /* ring buffer full, per event type ... */
	PL_STAT_DROP_WRITE,
	PL_STAT_DROP_SYNC,
	PL_STAT_DROP_BLOCK,
	PL_STAT_DROP_FORK,
	PL_STAT_DROP_EXEC,
	PL_STAT_DROP_EXIT,
	PL_STAT_DROP_SAMPLE,
	PL_STAT_DROP_OOM,
	PL_STAT_INFLIGHT_FULL,   /* in-flight map full: op not timed */
	PL_STAT_BLOCK_OTHER_ISSUER, /* request issued from another task */
	PL_STAT_BLOCK_NO_START,  /* completion without a seen start */
	PL_STAT_BLOCK_MAP_FULL,
	PL_STAT_FORCED_WAKEUPS,
	PL_STAT_BLOCK_SUBMITTERS_FULL, /* a merged request had more submitters than slots */
	PL_STAT_BLOCK_NO_COMPLETION,   /* reported when its request was reused instead */
	PL_STAT_PMC_PROCS_FULL,  /* per-process counter map full: a slice not counted */
	PL_STAT_MAX,
};

#endif
