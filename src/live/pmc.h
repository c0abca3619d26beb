/*
 * Per-process counters, the user-space half: open the counting perf events
 * (two groups per CPU, see bpf/pmc.bpf.h) before the BPF object is loaded,
 * so the loader knows whether to switch the kernel side on, then hand the
 * fds to the pmc_fds map.  Hardware where the CPU has a PMU; software
 * stand-ins in the same slots when asked (to test the plumbing on machines
 * without one); otherwise unavailable, and it says why.
 */
#ifndef PERFLENS_PMC_H
#define PERFLENS_PMC_H

#include <stdbool.h>
#include <stddef.h>

#include "../options.h"

struct pmc {
	int ncpu;
	int *fds;        /* ncpu * PL_PMC_SLOTS; -1 where not open */
	bool active;     /* the counters are open: the kernel side is on */
	char source[16]; /* "hardware", "software", "unavailable" or "off" */
	char note[200];  /* what the slots count, or why they are unavailable */
};

/* Open the counters on every CPU as mode asks.  Never fails hard: when they
 * cannot be opened, active stays false and note says why. */
void pmc_open(struct pmc *p, enum pl_counters mode);
/* Put the fds into the perf event array map (index cpu * PL_PMC_SLOTS + slot).
 * 0, or -errno with one line in err. */
int pmc_install(struct pmc *p, int map_fd, char *err, size_t errsz);
void pmc_close(struct pmc *p);

#endif
