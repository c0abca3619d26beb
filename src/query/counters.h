/*
 * Per-process counter ratios: IPC (instructions per cycle) and cache-miss
 * rate, from the raw counts the kernel side keeps (struct pl_pmc_counts).
 *
 * Multiplexing: when more events are asked for than the PMU has counters,
 * the kernel rotates them and a group counts only part of the time it is
 * enabled.  Absolute counts are then estimates, raw * enabled / running
 * (what perf stat prints).  Each ratio takes both counts from one group, so
 * the scaling cancels and the ratio is exact for the windows it counted;
 * counted_pct says how much of the time that was.
 */
#ifndef PERFLENS_QUERY_COUNTERS_H
#define PERFLENS_QUERY_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../bpf/events.h"

struct counter_ratios {
	double scaled[PL_PMC_SLOTS]; /* estimated totals; 0 when the group never ran */
	double ipc;                  /* instructions / cycles */
	double miss_pct;             /* 100 * misses / references */
	double counted_pct;          /* the less-counted group's running / enabled, % */
	bool has_ipc;                /* false: no cycles counted */
	bool has_miss;               /* false: no references counted */
	bool multiplexed;            /* a group counted less than all of its time */
};

void counter_ratios(const struct pl_pmc_counts *c, struct counter_ratios *r);
/* "1.23", or "-" without cycles.  Returns buf. */
const char *counter_fmt_ipc(const struct counter_ratios *r, char *buf, size_t sz);
/* "4.5%", or "-" without references.  Returns buf. */
const char *counter_fmt_miss(const struct counter_ratios *r, char *buf, size_t sz);
/* One line for a process: "IPC 1.23  cache-miss 4.5%" plus
 * "  (counted 50% of the time)" when multiplexed.  Returns buf. */
const char *counter_fmt_line(const struct counter_ratios *r, char *buf, size_t sz);

#endif
