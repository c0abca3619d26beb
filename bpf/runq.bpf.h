/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Run-queue latency (USE: CPU saturation): from wakeup, or from being
 * preempted while runnable, to running again.  A histogram per CPU, summed
 * by user space each second.
 */
#ifndef PERFLENS_RUNQ_BPF_H
#define PERFLENS_RUNQ_BPF_H

#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u32);
	__type(value, u64);
} runq_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pl_khist);
} runq_hist SEC(".maps");

static __always_inline void runq_mark(u32 tid, u64 now)
{
	if (tid)
		bpf_map_update_elem(&runq_start, &tid, &now, BPF_ANY);
}

static __always_inline void runq_switch(struct task_struct *prev, bool runnable,
					struct task_struct *next, u64 now)
{
	u32 tid = BPF_CORE_READ(next, pid), zero = 0;
	struct pl_khist *h;
	u64 *ts;

	if (runnable)
		runq_mark(BPF_CORE_READ(prev, pid), now);
	ts = bpf_map_lookup_elem(&runq_start, &tid);
	if (!ts)
		return;
	h = bpf_map_lookup_elem(&runq_hist, &zero);
	if (h && now > *ts)
		pl_khist_add(h, now - *ts);
	bpf_map_delete_elem(&runq_start, &tid);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(pl_sched_wakeup, struct task_struct *p)
{
	runq_mark(BPF_CORE_READ(p, pid), bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(pl_sched_wakeup_new, struct task_struct *p)
{
	runq_mark(BPF_CORE_READ(p, pid), bpf_ktime_get_ns());
	return 0;
}

#endif
