/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * PMU sampling: user space opens one perf event per CPU (hardware cycles
 * where the CPU exposes them, else the software cpu-clock) and attaches
 * this program; each sample carries both stacks.  The idle task is skipped.
 */
#ifndef PERFLENS_PMU_BPF_H
#define PERFLENS_PMU_BPF_H

#include "common.bpf.h"

SEC("perf_event")
int pl_pmu_sample(struct bpf_perf_event_data *ctx)
{
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pl_sample_event *e;

	if (tgid == 0 || pl_skip_task(tgid))
		return 0;
	e = pl_reserve(sizeof(*e), PL_EV_SAMPLE);
	if (!e)
		return 0;
	pl_fill_hdr(&e->h, PL_EV_SAMPLE, sizeof(*e));
	e->cpu = bpf_get_smp_processor_id();
	e->ustack_n = pl_stack(ctx, e->ustack, BPF_F_USER_STACK);
	e->kstack_n = pl_stack(ctx, e->kstack, 0);
	pl_submit(e);
	return 0;
}

#endif
