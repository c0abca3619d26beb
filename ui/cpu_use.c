/*
 * How a process used the CPU, as the views say it: IPC and cache-miss rate
 * from the counters where they run, else page faults and context switches
 * from /proc (read by the sampler), and why IPC is missing.
 */
#include "tui_int.h"

#include <stdio.h>
#include <string.h>

#include "../src/query/counters.h"
#include "text.h"

static bool counters_run(const struct snap *s)
{
	return !strcmp(s->pmc_source, "hardware") || !strcmp(s->pmc_source, "software");
}

const char *cpu_use_why_no_ipc(const struct snap *s, char *buf, size_t sz)
{
	if (counters_run(s))
		snprintf(buf, sz, "%s", "");
	else if (!s->pmc_source[0])
		snprintf(buf, sz, "no IPC: counters are not in recordings");
	else if (!strcmp(s->pmc_source, "off"))
		snprintf(buf, sz, "no IPC: counters off (--counters auto turns them on)");
	else
		snprintf(buf, sz, "no IPC: counters unavailable (%s)", s->pmc_note);
	return buf;
}

const char *cpu_use_counters(const struct snap *s, const struct proc_row *r, char *buf, size_t sz)
{
	struct counter_ratios cr;
	char line[96];

	if (!counters_run(s))
		return cpu_use_why_no_ipc(s, buf, sz);
	if (!r->has_pmc) {
		snprintf(buf, sz, "IPC -  cache-miss -  (not counted yet)");
		return buf;
	}
	counter_ratios(&r->pmc, &cr);
	snprintf(buf, sz, "%s%s", counter_fmt_line(&cr, line, sizeof(line)),
		 !strcmp(s->pmc_source, "software") ? "  [software stand-ins]" : "");
	return buf;
}

const char *cpu_use_cells(const struct snap *s, const struct proc_row *r, char *buf, size_t sz)
{
	char ipc[16] = "-", miss[16] = "-", flt[16] = "-", csw[16] = "-";
	struct counter_ratios cr;

	if (counters_run(s) && r->has_pmc) {
		counter_ratios(&r->pmc, &cr);
		counter_fmt_ipc(&cr, ipc, sizeof(ipc));
		counter_fmt_miss(&cr, miss, sizeof(miss));
	}
	if (r->has_faults) {
		fmt_count(flt, sizeof(flt), r->minflt + r->majflt);
		fmt_count(csw, sizeof(csw), r->ctx_switches);
	}
	snprintf(buf, sz, "%6s %7s %7s %7s", ipc, miss, flt, csw);
	return buf;
}

const char *cpu_use_faults(const struct proc_row *r, char *buf, size_t sz)
{
	if (!r->has_faults)
		snprintf(buf, sz, "page faults, context switches: not read (only the %d most "
			 "sampled live processes)", SAT_MAX_FAULTS);
	else
		snprintf(buf, sz, "page faults %llu (%llu major)  context switches %llu",
			 (unsigned long long)(r->minflt + r->majflt), (unsigned long long)r->majflt,
			 (unsigned long long)r->ctx_switches);
	return buf;
}
