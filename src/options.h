/* Command line and defaults. */
#ifndef PERFLENS_OPTIONS_H
#define PERFLENS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define PL_MAX_PIDS 64

enum pl_attach_pref {
	PL_ATTACH_AUTO = 0, /* probe, take the cheapest that loads */
	PL_ATTACH_RAW,      /* tp_btf (raw) tracepoints only */
	PL_ATTACH_CLASSIC,  /* classic tracepoints (tracefs); block: tp_btf/block_rq_insert */
	PL_ATTACH_LEGACY,   /* block: classic block tracepoints keyed by device+sector */
};

/* Per-process counters: hardware when the CPU has a PMU (auto), never
 * (off), or software stand-ins in the same slots to test the plumbing on
 * machines without one (software). */
enum pl_counters {
	PL_COUNTERS_AUTO = 0,
	PL_COUNTERS_OFF,
	PL_COUNTERS_SOFTWARE,
};

struct pl_options {
	uint64_t threshold_ns;
	uint64_t block_threshold_ns;
	uint32_t kinds_mask;
	uint32_t pids[PL_MAX_PIDS];
	int npids;
	bool follow_children;
	char comm[17];
	double duration_s;       /* 0: until interrupted */
	bool json;
	bool scrub;
	bool trace_self;
	int verbose;
	enum pl_attach_pref syscall_attach;
	enum pl_attach_pref block_attach;
	uint64_t ring_bytes;
	unsigned stack_depth;
	bool block_stacks;
	unsigned window_s;       /* timeline window */
	unsigned eventlog_cap;
	unsigned queue_cap;      /* writer queue, events */
	bool output_none;        /* --output none: count, print nothing per event */
	int top_n;
	unsigned frames;         /* TUI: quit after N frames (smoke runs); 0 = run */
	unsigned refresh_ms;     /* TUI redraw period */
	char pmu_event[32];      /* --pmu; "" with --no-pmu */
	unsigned pmu_freq;
	enum pl_counters counters; /* --counters: per-process IPC and cache-miss rate */
	bool counters_set;       /* --counters or --no-counters given */
	char folded_path[256];   /* --folded FILE */
	bool all_ops;            /* histograms of every I/O syscall per process */
	bool runqlat;            /* run-queue latency histogram */
	char cgroup_path[256];   /* --cgroup: only tasks under this v2 cgroup */
	uint64_t cgroup_id;      /* resolved from cgroup_path at start */
	int cgroup_level;
	char record_path[256];   /* --record FILE */
	uint64_t record_max;     /* --record-max SIZE; 0 = no cap */
	char replay_path[256];   /* --replay FILE */
	char replay_from[32];    /* --from T, --to T: as typed (replay_time.h) */
	char replay_to[32];
	char cast_path[256];     /* --cast FILE (the screen, asciicast v2) */
	/* AI (all optional; off unless an endpoint and a model are set) */
	char ai_url[512];
	char ai_model[128];
	char ai_key_file[256];
	double ai_interval_s;
	unsigned ai_budget;
	bool ai_full_cmdline;
	bool ai_anonymize;
	bool ai_dry_run;
	double replay_speed;     /* --speed (TUI replay) */
};

/* Parse argv.  Returns 0 to run, 1 when --help/--version already printed,
 * or 2 after printing one line naming the bad option to stderr. */
int options_parse(struct pl_options *o, int argc, char **argv);
void options_defaults(struct pl_options *o);

#endif
