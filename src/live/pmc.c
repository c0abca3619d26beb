#include "pmc.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../bpf/events.h"

struct pmc_event {
	const char *name;
	unsigned type;
	unsigned long long config;
};

/* Indexed by enum pl_pmc_slot; group leaders at even slots. */
static const struct pmc_event hardware[PL_PMC_SLOTS] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
};

/*
 * Stand-ins with the same shape (two groups of two, counting per CPU) whose
 * true per-process values /proc can confirm: CPU time, context switches,
 * page faults.  The ratios they give are not IPC or miss rates.
 */
static const struct pmc_event software[PL_PMC_SLOTS] = {
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
};

static int open_counter(const struct pmc_event *ev, int cpu, int group_fd)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = ev->type,
		.config = ev->config,
		/* Counting only: no sample_period, so no interrupts. */
	};

	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
}

/* Both groups on every CPU; -errno and the failing event's name, or 0.
 * Offline CPUs (ENODEV) are left out. */
static int open_all(struct pmc *p, const struct pmc_event *evs, const char **failed)
{
	for (int cpu = 0; cpu < p->ncpu; cpu++) {
		int *fd = &p->fds[cpu * PL_PMC_SLOTS];

		for (int i = 0; i < PL_PMC_SLOTS; i++) {
			int leader = i % 2 ? fd[i - 1] : -1;

			if (i % 2 && leader < 0)
				continue; /* the leader's CPU is offline */
			fd[i] = open_counter(&evs[i], cpu, leader);
			if (fd[i] < 0 && errno == ENODEV && !(i % 2))
				continue;
			if (fd[i] < 0) {
				*failed = evs[i].name;
				return -errno;
			}
		}
	}
	return 0;
}

static void close_fds(struct pmc *p)
{
	for (int i = 0; p->fds && i < p->ncpu * PL_PMC_SLOTS; i++) {
		if (p->fds[i] >= 0)
			close(p->fds[i]);
		p->fds[i] = -1;
	}
}

void pmc_open(struct pmc *p, enum pl_counters mode)
{
	const struct pmc_event *evs = mode == PL_COUNTERS_SOFTWARE ? software : hardware;
	const char *failed = "";
	int e;

	memset(p, 0, sizeof(*p));
	snprintf(p->source, sizeof(p->source), "off");
	if (mode == PL_COUNTERS_OFF)
		return;
	p->ncpu = libbpf_num_possible_cpus();
	if (p->ncpu > 0)
		p->fds = malloc((size_t)p->ncpu * PL_PMC_SLOTS * sizeof(*p->fds));
	if (!p->fds) {
		snprintf(p->source, sizeof(p->source), "unavailable");
		snprintf(p->note, sizeof(p->note), "cannot size the per-CPU counters");
		return;
	}
	for (int i = 0; i < p->ncpu * PL_PMC_SLOTS; i++)
		p->fds[i] = -1;
	e = open_all(p, evs, &failed);
	if (e) {
		close_fds(p);
		snprintf(p->source, sizeof(p->source), "unavailable");
		snprintf(p->note, sizeof(p->note), "%s%s: %s",
			 e == -ENOENT && evs == hardware ? "no hardware PMU: " : "cannot open ",
			 failed, strerror(-e));
		return;
	}
	p->active = true;
	snprintf(p->source, sizeof(p->source), "%s",
		 mode == PL_COUNTERS_SOFTWARE ? "software" : "hardware");
	if (mode == PL_COUNTERS_SOFTWARE)
		snprintf(p->note, sizeof(p->note),
			 "test stand-ins: cycles=cpu-clock ns, instructions=context-switches, "
			 "cache-references=cpu-clock ns, cache-misses=page-faults");
}

int pmc_install(struct pmc *p, int map_fd, char *err, size_t errsz)
{
	for (int i = 0; p->active && i < p->ncpu * PL_PMC_SLOTS; i++) {
		uint32_t key = (uint32_t)i;

		if (p->fds[i] < 0)
			continue;
		if (bpf_map_update_elem(map_fd, &key, &p->fds[i], BPF_ANY)) {
			int e = -errno;

			snprintf(err, errsz, "the kernel refused counter %d in pmc_fds: %s", i,
				 strerror(-e));
			return e;
		}
	}
	return 0;
}

void pmc_close(struct pmc *p)
{
	close_fds(p);
	free(p->fds);
	p->fds = NULL;
	p->active = false;
}
