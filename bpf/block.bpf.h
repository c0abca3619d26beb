/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Block I/O, charged to the submitter.  Completions run mostly in IRQ or
 * idle context (1531 of 1604 in swapper here), and with a scheduler some
 * requests are issued by a kworker, so neither issue nor completion knows
 * who asked.  The submitter is captured at start, in its own context, keyed
 * by the request pointer:
 *   tp_btf/block_io_start (kernel >= 6.5) -> else
 *   tp_btf/block_rq_insert (misses requests that bypass the scheduler).
 * Issue and completion then only look the request up.
 *
 * Merges: a bio can be merged into a request another process started (in
 * the plug list or the scheduler), so the request's starter is not the only
 * submitter.  Each bio's submitter is noted at block_bio_queue (its own
 * context), and at issue the request's bio chain is walked: bytes are
 * summed per submitter (up to PL_BLK_SUBS), and a shared request is
 * reported as one event per submitter with its share of the bytes.
 *
 * Completion: under 8 parallel direct writers here, block_rq_complete was
 * not seen for a share of requests (2884 of 3216 issued in one run; bpftrace
 * alone saw the same).  So a request finishes at the first of
 * block_rq_complete and block_io_done (its accounting pair), and a request
 * whose completion was never seen is reported when its struct request is
 * reused (flagged, latency unknown, counted): its bytes are never lost.
 */
#ifndef PERFLENS_BLOCK_BPF_H
#define PERFLENS_BLOCK_BPF_H

#include "common.bpf.h"

#define PL_REQ_OP_MASK ((1u << 8) - 1) /* REQ_OP_BITS = 8 */

#define PL_BLK_SUBS 4
#define PL_BIO_WALK 16

struct pl_blk_sub {
	u64 cgroup_id;
	u32 pid;
	u32 tid;
	u32 bytes;
	u32 pad;
	char comm[PL_COMM_LEN];
};

struct pl_blk_start {
	struct pl_blk_sub subs[PL_BLK_SUBS]; /* [0] is the starter */
	u32 nsubs;
	u32 pad2;
	u64 start_ns;
	u64 issue_ns;
	u64 cgroup_id;
	u32 pid;
	u32 tid;
	u32 issuer_pid;
	u32 bytes;      /* at issue: completion may report 0 */
	s32 error;      /* from block_rq_complete */
	u8 flags;
	u8 skip;        /* filtered out: histogram only, no event */
	u8 pad[2];
	char comm[PL_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, struct pl_blk_start);
} blk_start SEC(".maps");

/* Submitter of each queued bio (LRU: bios of bio-based devices never issue). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, struct pl_blk_sub);
} blk_bios SEC(".maps");

/* Zero-filled source for new histogram entries (too big for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pl_blk_hist);
} blk_hist_zero SEC(".maps");

/* Every request, per device and op: the full distribution, read each second. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct pl_blk_hist_key);
	__type(value, struct pl_blk_hist);
} blk_hist SEC(".maps");

struct pl_blk_stacks {
	u16 un, kn;
	u64 u[PL_MAX_STACK];
	u64 k[PL_MAX_STACK];
};

/* Submitter stacks, only when --block-stacks. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct pl_blk_stacks);
} blk_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pl_blk_stacks);
} blk_scratch SEC(".maps");

static __always_inline u32 blk_dev(struct request *rq)
{
	struct block_device *part = BPF_CORE_READ(rq, part);
	struct gendisk *disk;

	if (part)
		return BPF_CORE_READ(part, bd_dev);
	disk = BPF_CORE_READ(rq, q, disk);
	if (!disk)
		return 0;
	return (BPF_CORE_READ(disk, major) << MINORBITS) | BPF_CORE_READ(disk, first_minor);
}

static __always_inline void blk_capture_stacks(void *ctx, u64 key)
{
	u32 zero = 0;
	struct pl_blk_stacks *s = bpf_map_lookup_elem(&blk_scratch, &zero);

	if (!s)
		return;
	s->un = pl_stack(ctx, s->u, BPF_F_USER_STACK);
	s->kn = pl_stack(ctx, s->k, 0);
	bpf_map_update_elem(&blk_stacks, &key, s, BPF_ANY);
}

/* Where a request went: from its struct request, or from a classic
 * tracepoint's record (the last fallback has no request pointer). */
struct blk_where {
	u64 sector;
	u32 dev;
	u32 op;
};

static __always_inline struct blk_where blk_where_rq(struct request *rq)
{
	struct blk_where w = { .sector = BPF_CORE_READ(rq, __sector), .dev = blk_dev(rq) };

	w.op = BPF_CORE_READ(rq, cmd_flags) & PL_REQ_OP_MASK;
	if (w.op > PL_BOP_DISCARD)
		w.op = PL_BOP_OTHER;
	return w;
}

static __always_inline void blk_account(const struct blk_where *w, const struct pl_blk_start *s,
					u64 now, u32 bytes)
{
	struct pl_blk_hist_key k = { .dev = w->dev, .op = w->op };
	struct pl_blk_hist *h;

	h = bpf_map_lookup_elem(&blk_hist, &k);
	if (!h) {
		u32 z = 0;
		struct pl_blk_hist *zero = bpf_map_lookup_elem(&blk_hist_zero, &z);

		if (!zero)
			return;
		bpf_map_update_elem(&blk_hist, &k, zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&blk_hist, &k);
		if (!h)
			return;
	}
	__sync_fetch_and_add(&h->bytes, bytes);
	if (s->issue_ns) {
		__sync_fetch_and_add(&h->queue_ns, s->issue_ns - s->start_ns);
		__sync_fetch_and_add(&h->service_ns, now - s->issue_ns);
	}
	pl_khist_add(&h->lat, now - s->start_ns);
}

static __always_inline void blk_add_share(struct pl_blk_start *s, const struct pl_blk_sub *b,
					  u32 bytes)
{
	u32 i;

	for (i = 0; i < PL_BLK_SUBS; i++) {
		if (i >= s->nsubs)
			break;
		if (s->subs[i].pid == b->pid) {
			s->subs[i].bytes += bytes;
			return;
		}
	}
	if (i < PL_BLK_SUBS) {
		s->subs[i] = *b;
		s->subs[i].bytes = bytes;
		s->nsubs = i + 1;
		return;
	}
	stat_inc(PL_STAT_BLOCK_SUBMITTERS_FULL);
	s->subs[0].bytes += bytes;
}

/* Walk the bios of a request at dispatch: who contributed how many bytes. */
static __always_inline void blk_walk_bios(struct request *rq, struct pl_blk_start *s)
{
	struct bio *b = BPF_CORE_READ(rq, bio);

	for (int i = 0; i < PL_BIO_WALK && b; i++) {
		u64 key = (u64)b;
		u32 bytes = BPF_CORE_READ(b, bi_iter.bi_size);
		struct pl_blk_sub *sub = bpf_map_lookup_elem(&blk_bios, &key);

		if (sub) {
			blk_add_share(s, sub, bytes);
			bpf_map_delete_elem(&blk_bios, &key);
		} else {
			s->subs[0].bytes += bytes;
		}
		b = BPF_CORE_READ(b, bi_next);
	}
}

static __always_inline int blk_on_issue(struct request *rq)
{
	u64 key = (u64)rq;
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pl_blk_start *s = bpf_map_lookup_elem(&blk_start, &key);

	if (!s)
		return 0;
	s->issue_ns = bpf_ktime_get_ns();
	s->issuer_pid = tgid;
	s->bytes = BPF_CORE_READ(rq, __data_len);
	blk_walk_bios(rq, s);
	if (tgid != s->pid && !s->skip) {
		s->flags |= PL_BLF_OTHER_ISSUER;
		stat_inc(PL_STAT_BLOCK_OTHER_ISSUER);
	}
	return 0;
}

/* One block event, charged to sub (the whole request, or its share). */
static __always_inline void blk_emit(const struct blk_where *w, const struct pl_blk_start *s,
				     const struct pl_blk_sub *sub, u32 bytes, bool shared, u64 now,
				     u64 key)
{
	struct pl_block_event *e = pl_reserve(sizeof(*e), PL_EV_BLOCK);
	struct pl_blk_stacks *st;

	if (!e)
		return;
	/* The header describes the submitter, not whoever completes. */
	e->h.ts_ns = now;
	e->h.cgroup_id = sub->cgroup_id;
	e->h.pid = sub->pid;
	e->h.tid = sub->tid;
	e->h.type = PL_EV_BLOCK;
	e->h.version = PL_ABI_VERSION;
	e->h.size = sizeof(*e);
	__builtin_memcpy(e->h.comm, sub->comm, sizeof(e->h.comm));
	e->start_ns = s->start_ns;
	e->issue_ns = s->issue_ns;
	e->lat_ns = now - s->start_ns;
	e->sector = w->sector;
	e->dev = w->dev;
	e->bytes = bytes;
	e->issuer_pid = s->issuer_pid;
	e->error = s->error;
	e->op = w->op;
	/* "Issued by another task" is relative to this submitter. */
	e->flags = (s->flags & ~PL_BLF_OTHER_ISSUER) | (shared ? PL_BLF_SHARED : 0);
	if (s->issue_ns && sub->pid != s->issuer_pid)
		e->flags |= PL_BLF_OTHER_ISSUER;
	e->ustack_n = 0;
	e->kstack_n = 0;
	st = cfg.block_stacks && sub->pid == s->pid ? bpf_map_lookup_elem(&blk_stacks, &key) : NULL;
	if (st) {
		e->ustack_n = st->un > PL_MAX_STACK ? PL_MAX_STACK : st->un;
		e->kstack_n = st->kn > PL_MAX_STACK ? PL_MAX_STACK : st->kn;
		bpf_probe_read_kernel(e->ustack, sizeof(e->ustack), st->u);
		bpf_probe_read_kernel(e->kstack, sizeof(e->kstack), st->k);
	}
	pl_submit(e);
}

/* Report a request and forget it.  lost: its completion was never seen
 * (it is being reused): latency unknown, reported only at threshold 0. */
static __always_inline void blk_report(const struct blk_where *w, struct pl_blk_start *s,
				       u64 key, u64 now, u32 nr_bytes, bool lost)
{
	bool shared = s->nsubs > 1;

	if (!nr_bytes)
		nr_bytes = s->bytes;
	if (!lost)
		blk_account(w, s, now, nr_bytes);
	if (s->skip || (lost ? cfg.block_threshold_ns != 0
			     : now - s->start_ns < cfg.block_threshold_ns))
		return;
	if (lost) {
		s->flags |= PL_BLF_NO_COMPLETION;
		now = s->start_ns;
	}
	for (u32 i = 0; i < PL_BLK_SUBS; i++) {
		if (i >= s->nsubs)
			break;
		if (shared && !s->subs[i].bytes)
			continue;
		blk_emit(w, s, &s->subs[i], shared ? s->subs[i].bytes : nr_bytes, shared, now, key);
	}
}

static __always_inline void blk_finish(struct request *rq, struct pl_blk_start *s, u64 key,
				       u64 now, u32 nr_bytes, bool lost)
{
	struct blk_where w = blk_where_rq(rq);

	blk_report(&w, s, key, now, nr_bytes, lost);
	bpf_map_delete_elem(&blk_start, &key);
	if (cfg.block_stacks)
		bpf_map_delete_elem(&blk_stacks, &key);
}

/* The first completion hook that sees the request finishes it. */
static __always_inline int blk_on_complete(struct request *rq, int error, u32 nr_bytes,
					   bool count_unknown)
{
	u64 key = (u64)rq;
	struct pl_blk_start *s = bpf_map_lookup_elem(&blk_start, &key);

	if (!s) {
		if (count_unknown)
			stat_inc(PL_STAT_BLOCK_NO_START);
		return 0;
	}
	if (error)
		s->error = error;
	blk_finish(rq, s, key, bpf_ktime_get_ns(), nr_bytes, false);
	return 0;
}

static __always_inline int blk_on_start(void *ctx, struct request *rq)
{
	u64 id = bpf_get_current_pid_tgid();
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct pl_blk_start s = {}, *old;
	u64 key = (u64)rq;

	/* The request was reused: its last use never completed in our view. */
	old = bpf_map_lookup_elem(&blk_start, &key);
	if (old) {
		stat_inc(PL_STAT_BLOCK_NO_COMPLETION);
		blk_finish(rq, old, key, bpf_ktime_get_ns(), 0, true);
	}
	/* Filtered-out submitters still count in the device histograms. */
	s.skip = pl_skip_task(id >> 32);
	s.start_ns = bpf_ktime_get_ns();
	s.cgroup_id = bpf_get_current_cgroup_id();
	s.pid = id >> 32;
	s.tid = (u32)id;
	if (BPF_CORE_READ(t, flags) & 0x00200000 /* PF_KTHREAD */)
		s.flags |= PL_BLF_KTHREAD;
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	s.subs[0].pid = s.pid;
	s.subs[0].tid = s.tid;
	s.subs[0].cgroup_id = s.cgroup_id;
	__builtin_memcpy(s.subs[0].comm, s.comm, sizeof(s.comm));
	s.nsubs = 1;
	if (bpf_map_update_elem(&blk_start, &key, &s, BPF_ANY)) {
		stat_inc(PL_STAT_BLOCK_MAP_FULL);
		return 0;
	}
	if (cfg.block_stacks && !s.skip)
		blk_capture_stacks(ctx, key);
	return 0;
}

SEC("tp_btf/block_bio_queue")
int BPF_PROG(pl_block_bio_queue, struct bio *bio)
{
	u64 id = bpf_get_current_pid_tgid(), key = (u64)bio;
	struct pl_blk_sub sub = {};

	if (pl_skip_task(id >> 32))
		return 0;
	sub.pid = id >> 32;
	sub.tid = (u32)id;
	sub.cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(sub.comm, sizeof(sub.comm));
	bpf_map_update_elem(&blk_bios, &key, &sub, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(pl_block_io_start, struct request *rq)
{
	return blk_on_start(ctx, rq);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(pl_block_rq_insert, struct request *rq)
{
	return blk_on_start(ctx, rq);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(pl_block_rq_issue, struct request *rq)
{
	u64 key = (u64)rq;

	/* Flush requests never pass block_io_start: start them at issue, so the
	 * device histograms count every request /proc/diskstats counts. */
	if ((BPF_CORE_READ(rq, cmd_flags) & PL_REQ_OP_MASK) == PL_BOP_FLUSH &&
	    !bpf_map_lookup_elem(&blk_start, &key))
		blk_on_start(ctx, rq);
	return blk_on_issue(rq);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(pl_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	return blk_on_complete(rq, error, nr_bytes, true);
}

SEC("tp_btf/block_io_done")
int BPF_PROG(pl_block_io_done, struct request *rq)
{
	return blk_on_complete(rq, 0, 0, false);
}

/*
 * The last fallback: classic block tracepoints, keyed by device and sector
 * (no request pointer in their records).  The submitter is taken at
 * insert, in its own context; requests that bypass the scheduler are not
 * seen, and no submitter stacks are taken.
 */
struct pl_blk_ckey {
	u64 sector;
	u32 dev;
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pl_blk_ckey);
	__type(value, struct pl_blk_start);
} blk_classic SEC(".maps");

static __always_inline u32 blk_rwbs_op(const char *rwbs)
{
	switch (rwbs[0]) {
	case 'R': return PL_BOP_READ;
	case 'W': return PL_BOP_WRITE;
	case 'D': return PL_BOP_DISCARD;
	case 'F': return PL_BOP_FLUSH;
	}
	return PL_BOP_OTHER;
}

SEC("tracepoint/block/block_rq_insert")
int pl_tp_block_insert(struct trace_event_raw_block_rq *c)
{
	u64 id = bpf_get_current_pid_tgid();
	struct pl_blk_ckey k = { .sector = c->sector, .dev = c->dev };
	struct pl_blk_start s = {};

	s.skip = pl_skip_task(id >> 32);
	s.start_ns = bpf_ktime_get_ns();
	s.cgroup_id = bpf_get_current_cgroup_id();
	s.pid = s.subs[0].pid = id >> 32;
	s.tid = s.subs[0].tid = (u32)id;
	s.subs[0].cgroup_id = s.cgroup_id;
	s.nsubs = 1;
	s.bytes = c->bytes;
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	__builtin_memcpy(s.subs[0].comm, s.comm, sizeof(s.comm));
	if (bpf_map_update_elem(&blk_classic, &k, &s, BPF_ANY))
		stat_inc(PL_STAT_BLOCK_MAP_FULL);
	return 0;
}

SEC("tracepoint/block/block_rq_issue")
int pl_tp_block_issue(struct trace_event_raw_block_rq *c)
{
	struct pl_blk_ckey k = { .sector = c->sector, .dev = c->dev };
	struct pl_blk_start *s = bpf_map_lookup_elem(&blk_classic, &k);
	u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!s)
		return 0;
	s->issue_ns = bpf_ktime_get_ns();
	s->issuer_pid = tgid;
	if (tgid != s->pid && !s->skip) {
		s->flags |= PL_BLF_OTHER_ISSUER;
		stat_inc(PL_STAT_BLOCK_OTHER_ISSUER);
	}
	return 0;
}

SEC("tracepoint/block/block_rq_complete")
int pl_tp_block_complete(struct trace_event_raw_block_rq_completion *c)
{
	struct pl_blk_ckey k = { .sector = c->sector, .dev = c->dev };
	struct pl_blk_start *s = bpf_map_lookup_elem(&blk_classic, &k);
	struct blk_where w = { .sector = c->sector, .dev = c->dev };
	char rwbs[4];

	if (!s) {
		stat_inc(PL_STAT_BLOCK_NO_START);
		return 0;
	}
	bpf_probe_read_kernel(rwbs, sizeof(rwbs), c->rwbs);
	w.op = blk_rwbs_op(rwbs);
	s->error = c->error;
	blk_report(&w, s, 0, bpf_ktime_get_ns(), c->nr_sector << 9, false);
	bpf_map_delete_elem(&blk_classic, &k);
	return 0;
}

#endif
