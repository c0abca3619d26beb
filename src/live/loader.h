/*
 * The BPF lifecycle in one place: preflight checks, probing the attach
 * points, open -> knobs -> load -> attach, and teardown.  It says which path
 * is active for each concern.
 */
#ifndef PERFLENS_LOADER_H
#define PERFLENS_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "../options.h"
#include "pmc.h"
#include "pmu.h"

struct perflens_bpf;

struct pl_paths {
	const char *syscalls; /* "tp_btf" or "tracepoint" */
	const char *block;    /* "tp_btf/block_io_start" or "tp_btf/block_rq_insert" */
	const char *proc;     /* "tp_btf" */
	const char *exit;     /* "group_dead" or "signal_live" */
	const char *offcpu;   /* "tp_btf/sched_switch" */
	const char *pmu;      /* filled by the PMU module, "none" until then */
	const char *fallbacks;/* human text: what was tried and refused */
	const char *pmu_note; /* PMU fallback, or why sampling is off */
	const char *counters; /* per-process counters: hardware, software, unavailable, off */
	const char *counters_note; /* what the stand-ins count, or why unavailable */
};

struct pl_loader {
	struct perflens_bpf *skel;
	struct pl_paths paths;
	struct pmu pmu;
	bool pmu_on;
	struct pmc pmc;
	bool pmc_refused;         /* the kernel refused the counters in pmc_fds */
	char fallback_note[256];
	char pmu_note[256];       /* PMU fallback or why sampling is off */
};

/*
 * Open, load and attach.  On failure returns -errno and writes one line
 * (no trailing newline) into err saying what is wrong and how to fix it.
 */
int loader_open(struct pl_loader *l, const struct pl_options *o, char *err, size_t errsz);
void loader_close(struct pl_loader *l);
/* Sum the per-CPU counters (enum pl_stat) into out[PL_STAT_MAX]. */
int loader_read_stats(const struct pl_loader *l, uint64_t *out);
/* Install the libbpf print callback: everything with -v, else nothing. */
void loader_set_verbose(int verbose);

#endif
