/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Process lifecycle.  tp_btf gives both task structs at fork, so threads
 * (child->pid != child->tgid) are told apart from processes; the classic
 * tracepoint only has thread ids.  Exit is reported once per process: the
 * tracepoint carries group_dead on newer kernels (6.18 here; the loader
 * checks the tracepoint's BTF prototype); without it, signal->live reaching
 * zero says the same.
 */
#ifndef PERFLENS_PROC_BPF_H
#define PERFLENS_PROC_BPF_H

#include "common.bpf.h"
#include "io.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pl_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	u32 ptgid = BPF_CORE_READ(parent, tgid);
	u32 cpid = BPF_CORE_READ(child, pid);
	struct pl_fork_event *e;
	u8 one = 1;

	if (cpid != BPF_CORE_READ(child, tgid) || ptgid == cfg.self_tgid)
		return 0;
	if (cfg.follow_children && bpf_map_lookup_elem(&pid_filter, &ptgid))
		bpf_map_update_elem(&pid_filter, &cpid, &one, BPF_ANY);
	if (pl_skip_task(ptgid))
		return 0;
	e = pl_reserve(sizeof(*e), PL_EV_FORK);
	if (!e)
		return 0;
	pl_fill_hdr(&e->h, PL_EV_FORK, sizeof(*e));
	e->child_pid = cpid;
	e->child_start_ns = BPF_CORE_READ(child, start_boottime);
	e->pad = 0;
	pl_submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pl_proc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct pl_exec_event *e;
	u64 a0, a1, len;
	long n;

	if (pl_skip_task(BPF_CORE_READ(p, tgid)))
		return 0;
	e = pl_reserve(sizeof(*e), PL_EV_EXEC);
	if (!e)
		return 0;
	pl_fill_hdr(&e->h, PL_EV_EXEC, sizeof(*e));
	e->start_ns = BPF_CORE_READ(p, start_boottime);
	e->old_pid = old_pid;
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->pad = 0;
	n = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	e->filename_len = n > 0 ? n : 0;
	/* The new image's argv is in place by now. */
	a0 = BPF_CORE_READ(p, mm, arg_start);
	a1 = BPF_CORE_READ(p, mm, arg_end);
	len = a1 > a0 ? a1 - a0 : 0;
	if (len > sizeof(e->args))
		len = sizeof(e->args);
	e->args_len = 0;
	if (len && !bpf_probe_read_user(e->args, len, (void *)a0))
		e->args_len = len;
	pl_submit(e);
	return 0;
}

static __always_inline int proc_exit(struct task_struct *p, bool group_dead)
{
	u32 tid = BPF_CORE_READ(p, pid);
	u32 tgid = BPF_CORE_READ(p, tgid);
	struct pl_exit_event *e;

	/* A thread killed mid-syscall never reaches sys_exit. */
	bpf_map_delete_elem(&inflight, &tid);
	bpf_map_delete_elem(&wait_stacks, &tid);
	if (!group_dead || tgid == cfg.self_tgid)
		return 0;
	if (pl_skip_task(tgid))
		goto out;
	e = pl_reserve(sizeof(*e), PL_EV_EXIT);
	if (!e)
		goto out;
	pl_fill_hdr(&e->h, PL_EV_EXIT, sizeof(*e));
	e->start_ns = BPF_CORE_READ(p, start_boottime);
	e->lifetime_ns = bpf_ktime_get_ns() - BPF_CORE_READ(p, start_time);
	e->exit_code = BPF_CORE_READ(p, exit_code);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	pl_submit(e);
out:
	if (cfg.follow_children)
		bpf_map_delete_elem(&pid_filter, &tgid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pl_proc_exit_gd, struct task_struct *p, bool group_dead)
{
	return proc_exit(p, group_dead);
}

/* Kernels before group_dead was added to the tracepoint. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(pl_proc_exit_live, struct task_struct *p)
{
	return proc_exit(p, BPF_CORE_READ(p, signal, live.counter) == 0);
}

/* The OOM killer's victim: a finding, and a mark in the process tree. */
SEC("tp_btf/mark_victim")
int BPF_PROG(pl_oom_mark_victim, struct task_struct *tsk, uid_t uid)
{
	struct pl_oom_event *e;
	u32 tgid = BPF_CORE_READ(tsk, tgid);

	if (tgid == cfg.self_tgid)
		return 0;
	e = pl_reserve(sizeof(*e), PL_EV_OOM);
	if (!e)
		return 0;
	pl_fill_hdr(&e->h, PL_EV_OOM, sizeof(*e));
	e->killer_pid = e->h.pid;
	e->h.pid = tgid;
	e->h.tid = BPF_CORE_READ(tsk, pid);
	/* The victim's cgroup, not the allocating task's. */
	e->h.cgroup_id = BPF_CORE_READ(tsk, cgroups, dfl_cgrp, kn, id);
	BPF_CORE_READ_STR_INTO(&e->h.comm, tsk, comm);
	e->total_vm_pages = BPF_CORE_READ(tsk, mm, total_vm);
	e->uid = uid;
	e->oom_score_adj = BPF_CORE_READ(tsk, signal, oom_score_adj);
	e->pad = 0;
	pl_submit(e);
	return 0;
}

#endif
