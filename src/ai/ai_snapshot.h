/*
 * What the AI is told, copied out of the stores.  The engine lock is held
 * only while numbers and ids are copied (top-N selections, no sorting of
 * whole stores, no symbolization, no I/O); stack frames are resolved after
 * it is released (entries never move, frames are published atomically).
 * perflens' own pid is left out of every list.  Strings are raw here: the
 * prompt scrubs and sanitizes them.
 */
#ifndef PERFLENS_AI_SNAPSHOT_H
#define PERFLENS_AI_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "../event.h"
#include "../findings/findings.h"
#include "ai_iostat.h"

struct engine;
struct stack_resolver;

#define AI_SNAP_IO 24
#define AI_SNAP_PROCS 32       /* the heaviest, plus their ancestors */
#define AI_SNAP_TOP_PROCS 14
#define AI_SNAP_STACKS 12
#define AI_SNAP_HOT 10
#define AI_SNAP_DEVS 8
#define AI_SNAP_STUCK 4
#define AI_SNAP_DSTATE 4
#define AI_SNAP_FINDINGS 8     /* open findings, worst first */
#define AI_HOT_STACKS 512      /* CPU stacks folded into hot functions */
#define AI_CMDLINE_MAX 200
#define AI_FRAMES_MAX 640

/* Classes of the [delta] lines. */
enum ai_cls {
	AI_CLS_READ,   /* read on files and block devices */
	AI_CLS_WRITE,
	AI_CLS_SYNC,
	AI_CLS_WAIT,   /* read/write on pipes, sockets, ttys: often idle waiting */
	AI_CLS_BLOCK,  /* block requests */
	AI_CLS_MAX,
};

struct ai_win_stat {
	uint64_t count, bytes, total_ns;
	uint64_t p50_ns, p99_ns, max_ns;
};

struct ai_proc {
	uint32_t pid, ppid;
	char comm[PL_COMM_LEN + 1];
	char argv0[64];                /* basename of argv[0] */
	char cmdline[AI_CMDLINE_MAX];  /* only with full_cmdline */
	bool exited;
	int exit_code, exit_sig;
	bool top;                      /* ranked itself (else: an ancestor) */
	uint64_t score;
	uint64_t storage_count, storage_ns, wait_count, wait_ns;
	uint64_t block_count, block_ns, block_bytes, samples;
	bool has_ipc, has_miss;        /* hardware counters only */
	double ipc, miss_pct;
};

struct ai_stack {
	uint8_t role;                  /* enum stack_role */
	uint32_t pid, ustack_id, kstack_id;
	char comm[PL_COMM_LEN + 1];
	uint64_t count, weight;
	char frames[AI_FRAMES_MAX];    /* root first, ';'-joined, " | k: " before kernel */
};

struct ai_hot {
	char func[128];
	bool kernel;
	uint32_t pid;
	char comm[PL_COMM_LEN + 1];
	uint64_t self;
};

struct ai_dev {
	char name[32];
	int rotational;
	double util_pct, qdepth, iops, rbps, wbps;
	uint64_t p50_us, p99_us, max_us, in_flight;
};

struct ai_stuck {
	uint32_t pid;
	char comm[PL_COMM_LEN + 1];
	uint8_t type, kind;
	uint64_t age_ns;
	char file[AI_IO_NAME_MAX];
};

struct ai_dstate {
	uint32_t pid, count;
	char comm[PL_COMM_LEN + 1];
};

struct ai_snapshot {
	/* [sys] */
	uint32_t self_pid;             /* left out everywhere, ppid links included */
	char host[65], kernel[65];
	int cpus;
	double uptime_s;
	uint64_t events;
	uint64_t threshold_ns, block_threshold_ns;
	char pmu[32];
	uint64_t drops_lost, drops_late, log_overwritten, proc_refused, stack_refused, agg_refused;
	uint64_t io_pruned;
	double self_cpu_pct, self_bpf_pct, self_rss_mb, self_ring_pct;
	/* [delta]: the last win_s seconds, the win_s before, and the whole run */
	unsigned win_s;
	struct ai_win_stat now[AI_CLS_MAX], before[AI_CLS_MAX], run[AI_CLS_MAX];
	/* saturation */
	bool psi_ok;
	double psi_cpu, psi_io, psi_io_full, psi_mem, psi_mem_full; /* some/full avg10, % */
	bool runq_ok;
	double runq_p99_us, runq_max_us;
	struct ai_dev devs[AI_SNAP_DEVS];
	int ndevs;
	uint32_t dstate_total;
	struct ai_dstate dstate[AI_SNAP_DSTATE];
	int ndstate;
	struct ai_stuck stuck[AI_SNAP_STUCK];
	int nstuck, stuck_total;
	/* [io], [proc], [stacks], [hot] */
	struct ai_io_row io[AI_SNAP_IO];
	int nio;
	struct ai_proc procs[AI_SNAP_PROCS];
	int nprocs;
	struct ai_stack stacks[AI_SNAP_STACKS];
	int nstacks;
	struct ai_hot hot[AI_SNAP_HOT];
	int nhot;
	uint64_t cpu_samples;          /* CPU samples, perflens' own left out (the hot base) */
	/* [findings]: the rule engine's open findings, worst first; evidence
	 * naming perflens' own pid is left out, and a stack's name holds its
	 * leaf frame (so a stack not in [stacks] still says something). */
	bool have_findings;            /* a rule engine runs (not in replay or tests) */
	struct findings_health health;
	struct finding findings[AI_SNAP_FINDINGS];
	int nfindings, findings_open;  /* kept, and open in all */
};

struct ai_snap_opts {
	struct engine *eng;
	struct ai_iostat *io;          /* NULL: no [io] lines */
	struct stack_resolver *res;    /* NULL: only frames resolved already */
	uint32_t self_pid;
	unsigned win_s;                /* the [delta] window */
	bool full_cmdline;
	bool mark;                     /* restart the io rows' "recent" counts */
	uint64_t threshold_ns, block_threshold_ns;
	const char *pmu;
	uint64_t (*drops)(void *ctx);  /* events the source lost; NULL: 0 */
	void *drops_ctx;
	struct findings *findings;     /* NULL: no [findings] section */
};

/* Fill out (zeroed first).  0 or -ENOMEM. */
int ai_snapshot_take(const struct ai_snap_opts *o, struct ai_snapshot *out);
/* The [findings] part of ai_snapshot_take (ai_snap_findings.c): copied
 * under the findings' own lock, never the engine lock.  0 or -ENOMEM. */
int ai_snapshot_findings(const struct ai_snap_opts *o, struct ai_snapshot *out);

#endif
