/*
 * Saturation store (USE method): what the 1 Hz sampler learns about the
 * system besides events -- PSI, run-queue latency, per-device IOPS,
 * throughput, latency percentiles, utilisation and queue depth, D-state
 * tasks, operations stuck right now, and perflens' own cost.  Each series
 * keeps the last `window` seconds (fixed at creation); the device table and
 * the in-flight list are bounded and count what they leave out.
 * Written by the sampler under the engine lock; read by printers and views.
 */
#ifndef PERFLENS_SATSTORE_H
#define PERFLENS_SATSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../event.h"
#include "hist.h"
#include "series.h"

#define SAT_MAX_DEVS 32
#define SAT_MAX_INFLIGHT 256
#define SAT_MAX_DSTATE 16
#define SAT_MAX_OPS 256
#define SAT_MAX_PMC 512  /* processes with counters kept: those with most cycles */
#define SAT_MAX_FAULTS 32 /* most-sampled live processes whose /proc faults are read */
#define SAT_TICK_RING 64 /* rendered ticks kept for printers lagging behind */

/* Fields of the per-second series. */
enum sat_psi_field {
	SAT_PSI_CPU_SOME10, SAT_PSI_CPU_FULL10, SAT_PSI_IO_SOME10, SAT_PSI_IO_FULL10,
	SAT_PSI_MEM_SOME10, SAT_PSI_MEM_FULL10,
	SAT_PSI_CPU_SOME, SAT_PSI_CPU_FULL, SAT_PSI_IO_SOME, SAT_PSI_IO_FULL,
	SAT_PSI_MEM_SOME, SAT_PSI_MEM_FULL, /* % of the last second, from the totals */
	SAT_PSI_NFIELDS,
};
enum sat_runq_field { SAT_RUNQ_COUNT, SAT_RUNQ_P50_US, SAT_RUNQ_P99_US, SAT_RUNQ_MAX_US,
		      SAT_RUNQ_NFIELDS };
enum sat_dev_field { SAT_DEV_IOPS, SAT_DEV_RBPS, SAT_DEV_WBPS, SAT_DEV_P99_US, SAT_DEV_UTIL,
		     SAT_DEV_QDEPTH, SAT_DEV_NFIELDS };
enum sat_self_field { SAT_SELF_CPU_PCT, SAT_SELF_BPF_PCT, SAT_SELF_RSS_MB, SAT_SELF_RING_FILL_PCT,
		      SAT_SELF_EVENTS_S, SAT_SELF_NFIELDS };

struct sat_dev {
	char name[32];
	uint32_t dev;            /* kernel dev_t */
	int rotational;          /* 1, 0, or -1 unknown */
	/* last second, from the kernel histograms (every request) */
	double iops, rbps, wbps;
	uint64_t p50_us, p90_us, p99_us, max_us;
	double queue_us, service_us;  /* mean start->issue and issue->complete */
	/* last second, from /proc/diskstats */
	double util_pct, qdepth;
	uint64_t in_flight;
	/* since start */
	struct hist lat;         /* every request */
	uint64_t requests, bytes;
	uint64_t queue_ns, service_ns;
	struct series *ts;       /* enum sat_dev_field */
};

struct sat_inflight {
	uint32_t pid, tid;
	char comm[PL_COMM_LEN + 1];
	uint8_t type, kind;
	int32_t fd;
	uint64_t start_ns;       /* monotonic */
	uint64_t age_ns;         /* at the last scan */
	uint64_t emitted_age_ns; /* age at the last "inflight" line */
	char file[PL_FILE_MAX];
};

/* --all-ops: every I/O syscall of a process, not only the slow tail. */
struct sat_ops {
	uint32_t pid;
	uint8_t type;            /* PL_EV_READ/WRITE/SYNC */
	uint64_t count;
	uint64_t p50_ns, p90_ns, p99_ns, max_ns, sum_ns;
};

/* Per-process counters (bpf/pmc.bpf.h), cumulative since start. */
struct sat_pmc {
	uint32_t pid;
	struct pl_pmc_counts c;
};

/* Page faults and context switches from /proc, last second. */
struct sat_faults {
	uint32_t pid;
	uint64_t minflt, majflt, ctx_switches;
};

struct sat_dstate {
	uint32_t pid, count;
	char comm[PL_COMM_LEN + 1];
};

struct satstore {
	unsigned window;
	int64_t last_sec;        /* -1 before the first sample */
	bool psi_available;
	struct series *psi;      /* enum sat_psi_field */
	struct series *runq;     /* enum sat_runq_field */
	struct hist runq_all;    /* since start */
	bool runq_available;
	struct sat_dev devs[SAT_MAX_DEVS];
	int ndevs;
	uint64_t devs_left_out;
	struct sat_inflight inflight[SAT_MAX_INFLIGHT];
	int ninflight;
	uint64_t inflight_left_out;  /* stuck ops beyond the list's cap, last scan */
	double inflight_scan_ms;
	uint32_t dstate_total;
	struct sat_dstate dstate[SAT_MAX_DSTATE];
	int ndstate;
	struct sat_ops ops[SAT_MAX_OPS];
	int nops;
	uint64_t ops_left_out;
	char pmc_source[16];     /* "hardware", "software", "unavailable", "off", or "" (replay) */
	char pmc_note[200];      /* what the stand-ins count, or why unavailable */
	struct sat_pmc pmc[SAT_MAX_PMC]; /* sorted by pid */
	int npmc;
	uint64_t pmc_left_out;   /* processes past SAT_MAX_PMC, last read */
	uint64_t pmc_procs_full; /* slices not counted: the kernel map was full */
	struct sat_faults faults[SAT_MAX_FAULTS];
	int nfaults;
	struct series *self;     /* enum sat_self_field */
	double self_cpu_pct, self_bpf_pct, self_ring_fill_pct;
	uint64_t self_rss_bytes, bpf_run_ns, bpf_run_cnt;
	/* Each second's tick as JSON text: the printer and the recorder read the
	 * second they were told about, not whatever is newest by then. */
	struct {
		int64_t sec;
		char *json;
	} ticks[SAT_TICK_RING];
};

struct satstore *satstore_new(unsigned window_s);
void satstore_free(struct satstore *s);
/* Back to empty, as new (replay seeks). */
void satstore_clear(struct satstore *s);
/* Keep the rendered tick for sec (json taken over, freed on reuse). */
void satstore_put_tick(struct satstore *s, int64_t sec, char *json);
/* The rendered tick for sec, or NULL when never kept or already reused. */
const char *satstore_get_tick(const struct satstore *s, int64_t sec);
/* The counters of pid, or NULL (never counted, or not among the kept ones). */
const struct sat_pmc *satstore_pmc(const struct satstore *s, uint32_t pid);
/* The /proc faults of pid, or NULL (not among the most sampled, or gone). */
const struct sat_faults *satstore_faults(const struct satstore *s, uint32_t pid);
/* The device entry for name, created when new; NULL when the table is full. */
struct sat_dev *satstore_dev(struct satstore *s, const char *name);

#endif
