/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Maps, knobs and helpers shared by every perflens program. */
#ifndef PERFLENS_COMMON_BPF_H
#define PERFLENS_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "events.h"

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define MINORBITS 20

/* Set by the loader before load; the verifier sees them as constants. */
const volatile struct pl_config cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by the loader (--ring-size) */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PL_STAT_MAX);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

/* tgids traced when cfg.filter_pids; children added when cfg.follow_children. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, u32);
	__type(value, u8);
} pid_filter SEC(".maps");

static __always_inline void stat_inc(u32 idx)
{
	u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

/* Own tgid first: perflens never traces itself (unless --trace-self). */
static __always_inline bool pl_skip_task(u32 tgid)
{
	if (tgid == cfg.self_tgid)
		return true;
	if (cfg.filter_pids && !bpf_map_lookup_elem(&pid_filter, &tgid))
		return true;
	if (cfg.filter_cgroup &&
	    bpf_get_current_ancestor_cgroup_id(cfg.cgroup_level) != cfg.cgroup_id)
		return true;
	if (cfg.filter_comm) {
		char comm[PL_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		for (int i = 0; i < PL_COMM_LEN; i++) {
			if (comm[i] != cfg.comm_filter[i])
				return true;
			if (!comm[i])
				break;
		}
	}
	return false;
}

static __always_inline void pl_fill_hdr(struct pl_hdr *h, u16 type, u32 size)
{
	u64 id = bpf_get_current_pid_tgid();

	h->ts_ns = bpf_ktime_get_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = id >> 32;
	h->tid = (u32)id;
	h->type = type;
	h->version = PL_ABI_VERSION;
	h->size = size;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline void *pl_reserve(u32 size, u32 type)
{
	void *rec = bpf_ringbuf_reserve(&rb, size, 0);

	if (!rec)
		stat_inc(PL_STAT_DROP_READ + type - PL_EV_READ);
	return rec;
}

/*
 * Never wake the consumer per event (that costs 6-18 us per op here); it
 * drains on a 10 ms timer.  Past half full, force a wakeup so a burst does
 * not overflow before the timer fires.
 */
static __always_inline void pl_submit(void *rec)
{
	u64 avail = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	u64 size = bpf_ringbuf_query(&rb, BPF_RB_RING_SIZE);

	if (avail > size / 2) {
		stat_inc(PL_STAT_FORCED_WAKEUPS);
		bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	} else {
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	}
}

/* Add one value to a kernel-side histogram (shared by several CPUs). */
static __always_inline void pl_khist_add(struct pl_khist *h, u64 v)
{
	u32 i = pl_hist_bucket(v);

	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum_ns, v);
	if (v > h->max_ns)
		h->max_ns = v; /* racy max: off by one sample at worst */
	if (i < PL_HIST_BUCKETS)
		__sync_fetch_and_add(&h->b[i], 1);
}

/* Stack capture into the reservation, capped by --stack-depth. */
static __always_inline u16 pl_stack(void *ctx, u64 *buf, u64 flags)
{
	u32 sz = cfg.stack_depth * sizeof(u64);
	long n;

	if (sz == 0)
		return 0;
	if (sz > PL_MAX_STACK * sizeof(u64))
		sz = PL_MAX_STACK * sizeof(u64);
	n = bpf_get_stack(ctx, buf, sz, flags);
	return n > 0 ? n / sizeof(u64) : 0;
}

#endif
