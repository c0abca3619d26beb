/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-process counters (IPC, cache-miss rate) without sampling: user space
 * opens counting perf events on every CPU and puts them in pmc_fds; at each
 * context switch the CPU's counters are read, and what they advanced since
 * the previous switch on this CPU is what the task switching out used.  So
 * the cost is a few counter reads per switch, filtered in the kernel, and
 * one bounded hash keyed by tgid (a full map is counted, never silent).
 */
#ifndef PERFLENS_PMC_BPF_H
#define PERFLENS_PMC_BPF_H

#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
	__uint(max_entries, PL_PMC_SLOTS); /* set to ncpu * PL_PMC_SLOTS by the loader */
} pmc_fds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pl_pmc_last);
} pmc_last SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, u32);
	__type(value, struct pl_pmc_counts);
} pmc_procs SEC(".maps");

/* Read this CPU's counters into last, leaving the advance since the previous
 * read in d.  False until the CPU has a previous read (nothing to charge). */
static __always_inline bool pmc_advance(struct pl_pmc_last *last, struct pl_pmc_counts *d)
{
	u32 base = bpf_get_smp_processor_id() * PL_PMC_SLOTS;
	struct bpf_perf_event_value v;
	bool primed = last->primed;

	for (int i = 0; i < PL_PMC_SLOTS; i++) {
		if (bpf_perf_event_read_value(&pmc_fds, base + i, &v, sizeof(v)))
			continue; /* offline when opened: stays zero */
		d->count[i] = v.counter - last->count[i];
		last->count[i] = v.counter;
		if (i % 2)
			continue;
		/* Group members share the leader's enabled/running times. */
		d->enabled_ns[i / 2] = v.enabled - last->enabled_ns[i / 2];
		d->running_ns[i / 2] = v.running - last->running_ns[i / 2];
		last->enabled_ns[i / 2] = v.enabled;
		last->running_ns[i / 2] = v.running;
	}
	last->primed = 1;
	return primed;
}

static __always_inline void pmc_charge(u32 tgid, const struct pl_pmc_counts *d)
{
	struct pl_pmc_counts *c = bpf_map_lookup_elem(&pmc_procs, &tgid);

	if (!c) {
		if (bpf_map_update_elem(&pmc_procs, &tgid, d, BPF_NOEXIST) == 0)
			return;
		c = bpf_map_lookup_elem(&pmc_procs, &tgid); /* raced with another CPU */
		if (!c) {
			stat_inc(PL_STAT_PMC_PROCS_FULL);
			return;
		}
	}
	/* The same process can switch out on two CPUs at once. */
	for (int i = 0; i < PL_PMC_SLOTS; i++)
		__sync_fetch_and_add(&c->count[i], d->count[i]);
	for (int g = 0; g < PL_PMC_GROUPS; g++) {
		__sync_fetch_and_add(&c->enabled_ns[g], d->enabled_ns[g]);
		__sync_fetch_and_add(&c->running_ns[g], d->running_ns[g]);
	}
}

/* At sched_switch, current is still the task switching out. */
static __always_inline void pmc_switch(void)
{
	u32 zero = 0, tgid = bpf_get_current_pid_tgid() >> 32;
	struct pl_pmc_last *last = bpf_map_lookup_elem(&pmc_last, &zero);
	struct pl_pmc_counts d = {};

	if (!last || !pmc_advance(last, &d))
		return;
	if (tgid == 0 || pl_skip_task(tgid))
		return;
	pmc_charge(tgid, &d);
}

#endif
