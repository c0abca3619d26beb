#include "selfstat.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"
#include "readfile.h"
#include "../util/monotime.h"

/* statm: "size resident shared text lib data dt", in pages. */
int selfstat_rss(const char *proc_dir, uint64_t *bytes)
{
	char path[512], buf[256];
	uint64_t size, resident;
	const char *p = buf;

	snprintf(path, sizeof(path), "%s/statm", proc_dir);
	ssize_t n = readfile(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (!readfile_u64(&p, &size) || *p != ' ')
		return -EINVAL;
	p++;
	if (!readfile_u64(&p, &resident))
		return -EINVAL;
	*bytes = resident * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

int selfstat_read(const char *proc_dir, struct selfstat_sample *out)
{
	char path[512], buf[1024];
	struct procstat st;

	snprintf(path, sizeof(path), "%s/stat", proc_dir);
	ssize_t n = readfile(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	out->wall_ns = monotime_ns();
	if (procstat_parse(buf, &st))
		return -EINVAL;
	out->cpu_ticks = st.utime_ticks + st.stime_ticks;
	out->threads = st.num_threads;
	return selfstat_rss(proc_dir, &out->rss_bytes);
}

double selfstat_cpu_pct(const struct selfstat_sample *prev, const struct selfstat_sample *cur)
{
	long ticks_per_s = sysconf(_SC_CLK_TCK); /* a constant in glibc, no syscall */

	if (cur->wall_ns <= prev->wall_ns || cur->cpu_ticks < prev->cpu_ticks || ticks_per_s <= 0)
		return 0;
	double cpu_s = (double)(cur->cpu_ticks - prev->cpu_ticks) / (double)ticks_per_s;
	double wall_s = (double)(cur->wall_ns - prev->wall_ns) / 1e9;

	return cpu_s / wall_s * 100.0;
}
