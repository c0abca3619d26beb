/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where an in-flight I/O op waited.  Stacks taken at syscall exit only show
 * the exit path, so: at switch-out of a task that is mid-operation, note the
 * time and whether it blocked; at switch-in, account the wait (blocked vs
 * runnable) and, when this is the op's longest wait so far and at least a
 * quarter of the threshold, take the kernel stack of the task being switched
 * in — that is where it sat (e.g. anon_pipe_read <- vfs_read <- ksys_read).
 */
#ifndef PERFLENS_OFFCPU_BPF_H
#define PERFLENS_OFFCPU_BPF_H

#include "io.bpf.h"
#include "runq.bpf.h"
#include "pmc.bpf.h"

static __always_inline void offcpu_switch_out(struct task_struct *prev, bool blocked, u64 now)
{
	u32 tid = BPF_CORE_READ(prev, pid);
	struct pl_inflight *v = bpf_map_lookup_elem(&inflight, &tid);

	if (!v)
		return;
	v->off_ts = now;
	v->off_blocked = blocked;
}

static __always_inline void offcpu_switch_in(struct task_struct *next, u64 now)
{
	u32 tid = BPF_CORE_READ(next, pid);
	struct pl_inflight *v = bpf_map_lookup_elem(&inflight, &tid);
	u64 wait;

	if (!v || !v->off_ts)
		return;
	wait = now - v->off_ts;
	v->off_ts = 0;
	if (v->off_blocked)
		v->blocked_ns += wait;
	else
		v->runq_ns += wait;
	if (wait <= v->max_wait_ns || wait < cfg.threshold_ns / 4 || !cfg.stack_depth)
		return;
	v->max_wait_ns = wait;

	struct pl_wait_stack *ws = bpf_map_lookup_elem(&wait_stacks, &tid);
	struct pl_wait_stack zero = {};

	if (!ws) {
		bpf_map_update_elem(&wait_stacks, &tid, &zero, BPF_NOEXIST);
		ws = bpf_map_lookup_elem(&wait_stacks, &tid);
		if (!ws)
			return;
	}
	long n = bpf_get_task_stack(next, ws->ips, sizeof(ws->ips), 0);

	v->wstack_n = n > 0 ? n / sizeof(u64) : 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(pl_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	u64 now = bpf_ktime_get_ns();
	bool blocked = !preempt && prev_state != 0;

	/* One program for every user of the switch: one attach, one run.  Each
	 * test is on a load-time constant, so what is off costs nothing. */
	if (cfg.stack_depth) {
		offcpu_switch_out(prev, blocked, now);
		offcpu_switch_in(next, now);
	}
	if (cfg.runqlat)
		runq_switch(prev, !blocked, next, now);
	if (cfg.pmc)
		pmc_switch();
	return 0;
}

#endif
