#include "pmu.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct pmu_event {
	const char *name;
	unsigned type;
	unsigned long long config;
};

static const struct pmu_event events[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
};

static const struct pmu_event *find_event(const char *name)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(events[i].name, name))
			return &events[i];
	return NULL;
}

bool pmu_event_known(const char *name)
{
	return find_event(name) != NULL;
}

static int open_on_cpu(const struct pmu_event *ev, unsigned freq, int cpu)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = ev->type,
		.config = ev->config,
		.freq = ev->type != PERF_TYPE_SOFTWARE || ev->config == PERF_COUNT_SW_CPU_CLOCK,
	};

	/* Page faults are counted events: sample every Nth instead of at a rate. */
	if (a.freq)
		a.sample_freq = freq;
	else
		a.sample_period = 100;
	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Open ev on every CPU; -errno of the first failure (offline CPUs skipped). */
static int open_all(struct pmu *p, const struct pmu_event *ev, unsigned freq)
{
	for (int cpu = 0; cpu < p->ncpu; cpu++) {
		p->fds[cpu] = open_on_cpu(ev, freq, cpu);
		if (p->fds[cpu] < 0 && errno != ENODEV)
			return -errno;
	}
	return 0;
}

static void close_fds(struct pmu *p)
{
	for (int cpu = 0; cpu < p->ncpu; cpu++) {
		if (p->fds[cpu] >= 0)
			close(p->fds[cpu]);
		p->fds[cpu] = -1;
	}
}

static int attach_all(struct pmu *p, struct bpf_program *prog, char *err, size_t errsz)
{
	for (int cpu = 0; cpu < p->ncpu; cpu++) {
		if (p->fds[cpu] < 0)
			continue;
		p->links[cpu] = bpf_program__attach_perf_event(prog, p->fds[cpu]);
		if (!p->links[cpu]) {
			int e = -errno;

			snprintf(err, errsz, "attaching the PMU sampler on CPU %d failed: %s", cpu,
				 strerror(-e));
			return e;
		}
	}
	return 0;
}

int pmu_open(struct pmu *p, struct bpf_program *prog, const char *event, unsigned freq,
	     char *err, size_t errsz)
{
	const struct pmu_event *ev = find_event(event), *fb = find_event("cpu-clock");
	int e;

	memset(p, 0, sizeof(*p));
	p->ncpu = libbpf_num_possible_cpus();
	if (!ev || p->ncpu <= 0) {
		snprintf(err, errsz, "unknown PMU event '%s'", event);
		return -EINVAL;
	}
	p->fds = malloc(p->ncpu * sizeof(*p->fds));
	p->links = calloc(p->ncpu, sizeof(*p->links));
	if (!p->fds || !p->links) {
		e = -ENOMEM;
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	for (int cpu = 0; cpu < p->ncpu; cpu++)
		p->fds[cpu] = -1;
	e = open_all(p, ev, freq);
	if (e && ev->type == PERF_TYPE_HARDWARE) {
		/* No hardware PMU exposed (VMs): sample on the CPU clock instead. */
		snprintf(p->fallback, sizeof(p->fallback),
			 "hardware event %s unavailable (%s): sampling cpu-clock instead", event,
			 strerror(-e));
		close_fds(p);
		ev = fb;
		e = open_all(p, ev, freq);
	}
	if (e) {
		snprintf(err, errsz, "perf_event_open(%s) failed: %s", ev->name, strerror(-e));
		goto fail;
	}
	e = attach_all(p, prog, err, errsz);
	if (e)
		goto fail;
	snprintf(p->event, sizeof(p->event), "%s", ev->name);
	p->hardware = ev->type == PERF_TYPE_HARDWARE;
	snprintf(p->path, sizeof(p->path), "perf_event/%s@%uHz", ev->name, freq);
	return 0;
fail:
	pmu_close(p);
	return e;
}

void pmu_close(struct pmu *p)
{
	for (int cpu = 0; p->links && cpu < p->ncpu; cpu++)
		bpf_link__destroy(p->links[cpu]);
	if (p->fds)
		close_fds(p);
	free(p->links);
	free(p->fds);
	p->links = NULL;
	p->fds = NULL;
}
