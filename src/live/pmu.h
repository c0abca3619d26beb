/*
 * PMU sampling setup: one perf event per online CPU with the BPF sampler
 * attached.  Hardware events are tried first; with no hardware PMU (as on
 * these VMs) it falls back to the software cpu-clock and says so.
 */
#ifndef PERFLENS_PMU_H
#define PERFLENS_PMU_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_program;
struct bpf_link;

struct pmu {
	int ncpu;
	int *fds;
	struct bpf_link **links;
	char event[32];     /* the event in use, e.g. "cycles" or "cpu-clock" */
	char path[96];      /* for the ready line: "perf_event/cycles@99Hz" */
	char fallback[160]; /* why the requested event was replaced, or "" */
	bool hardware;
};

/* Is this a name --pmu accepts? */
bool pmu_event_known(const char *name);
/* Open and attach.  0, or -errno with one line in err. */
int pmu_open(struct pmu *p, struct bpf_program *prog, const char *event, unsigned freq,
	     char *err, size_t errsz);
void pmu_close(struct pmu *p);

#endif
