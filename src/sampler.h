/*
 * The 1 Hz sampler thread: everything that needs file reads or map scans
 * and so may not run on the consumer or UI thread.  Each second it reads
 * the kernel histograms (devices, run queue), the in-flight map (stuck
 * ops), /proc/pressure, /proc/diskstats, D-state tasks and perflens' own
 * cost into the saturation store, names new cgroups and namespaced pids,
 * then passes "inflight" and "tick" events to the engine's taps.
 */
#ifndef PERFLENS_SAMPLER_H
#define PERFLENS_SAMPLER_H

#include <pthread.h>
#include <stdbool.h>

#include "engine.h"
#include "live/kstats.h"
#include "options.h"

struct sampler_state;
struct findings;

struct sampler {
	pthread_t thread;
	struct engine *eng;
	const struct pl_options *opts;
	struct kstats *ks;               /* NULL in replay: no kernel to read */
	struct sampler_state *st;
	struct findings *findings;       /* evaluated after each sample; NULL: none */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	bool running;
};

int sampler_start(struct sampler *s, struct engine *eng, const struct pl_options *o,
		  struct kstats *ks, struct findings *findings);
/* Stop promptly (the thread waits on a condition variable, not a sleep). */
void sampler_stop(struct sampler *s);
/* One sample now, on the calling thread (tests, benchmarks). */
void sampler_tick(struct sampler *s);

#endif
