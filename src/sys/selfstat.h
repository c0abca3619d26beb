/*
 * perflens' own cost: CPU time, resident memory and threads of a process,
 * normally "/proc/self".  CPU comes from utime+stime in clock ticks
 * (sysconf(_SC_CLK_TCK), usually 100 Hz), so at 1 Hz one tick is 1%.
 */
#ifndef PERFLENS_SELFSTAT_H
#define PERFLENS_SELFSTAT_H

#include <stdint.h>

#define SELFSTAT_DIR "/proc/self"

struct selfstat_sample {
	uint64_t wall_ns;   /* CLOCK_MONOTONIC when read */
	uint64_t cpu_ticks; /* utime + stime */
	uint64_t rss_bytes; /* statm resident pages * page size */
	uint32_t threads;
};

/* Read DIR/stat and DIR/statm (DIR: SELFSTAT_DIR).  0, or -errno / -EINVAL. */
int selfstat_read(const char *proc_dir, struct selfstat_sample *out);
/* Resident memory only, from DIR/statm (cheap enough for a 1 Hz status line). */
int selfstat_rss(const char *proc_dir, uint64_t *bytes);
/* CPU used between two samples as a % of one vCPU (may exceed 100 with
 * several busy threads); 0 when no time passed. */
double selfstat_cpu_pct(const struct selfstat_sample *prev, const struct selfstat_sample *cur);

#endif
