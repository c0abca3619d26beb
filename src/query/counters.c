#include "counters.h"

#include <stdio.h>
#include <string.h>

static double scale(uint64_t raw, uint64_t enabled, uint64_t running)
{
	if (!running)
		return 0;
	if (running >= enabled)
		return (double)raw;
	return (double)raw * ((double)enabled / (double)running);
}

void counter_ratios(const struct pl_pmc_counts *c, struct counter_ratios *r)
{
	memset(r, 0, sizeof(*r));
	r->counted_pct = 100;
	for (int g = 0; g < PL_PMC_GROUPS; g++) {
		uint64_t en = c->enabled_ns[g], run = c->running_ns[g];
		double pct = en ? 100.0 * (double)(run < en ? run : en) / (double)en : 100;

		if (pct < r->counted_pct)
			r->counted_pct = pct;
		for (int i = 2 * g; i < 2 * g + 2; i++)
			r->scaled[i] = scale(c->count[i], en, run);
	}
	r->multiplexed = r->counted_pct < 100;
	/* Same group: the enabled/running factor cancels, so use the raw counts. */
	r->has_ipc = c->count[PL_PMC_CYCLES] > 0;
	if (r->has_ipc)
		r->ipc = (double)c->count[PL_PMC_INSTRUCTIONS] / (double)c->count[PL_PMC_CYCLES];
	r->has_miss = c->count[PL_PMC_CACHE_REFS] > 0;
	if (r->has_miss)
		r->miss_pct = 100.0 * (double)c->count[PL_PMC_CACHE_MISSES] /
			      (double)c->count[PL_PMC_CACHE_REFS];
}

/* A ratio with its decimals and unit, or "-" when it is undefined. */
static const char *fmt_ratio(bool has, int decimals, const char *unit, double v, char *buf,
			     size_t sz)
{
	if (has)
		snprintf(buf, sz, "%.*f%s", decimals, v, unit);
	else
		snprintf(buf, sz, "-");
	return buf;
}

const char *counter_fmt_ipc(const struct counter_ratios *r, char *buf, size_t sz)
{
	return fmt_ratio(r->has_ipc, 2, "", r->ipc, buf, sz);
}

const char *counter_fmt_miss(const struct counter_ratios *r, char *buf, size_t sz)
{
	return fmt_ratio(r->has_miss, 1, "%", r->miss_pct, buf, sz);
}

const char *counter_fmt_line(const struct counter_ratios *r, char *buf, size_t sz)
{
	char ipc[32], miss[32];

	counter_fmt_ipc(r, ipc, sizeof(ipc));
	counter_fmt_miss(r, miss, sizeof(miss));
	if (r->multiplexed)
		snprintf(buf, sz, "IPC %s  cache-miss %s  (counted %.0f%% of the time)", ipc, miss,
			 r->counted_pct);
	else
		snprintf(buf, sz, "IPC %s  cache-miss %s", ipc, miss);
	return buf;
}
