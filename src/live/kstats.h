/*
 * Reading what the BPF side keeps in maps, about once a second, from the
 * sampler thread: the per-device block histograms, the run-queue latency
 * histogram, per-process histograms of every op (--all-ops), operations in
 * flight, the ring buffer's fill, and the BPF programs' own run time.
 */
#ifndef PERFLENS_KSTATS_H
#define PERFLENS_KSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "../../bpf/events.h"
#include "loader.h"

struct kstats {
	struct pl_loader *loader;
	int stats_fd;        /* BPF_ENABLE_STATS handle; -1 when refused */
	void *rb_pages;      /* consumer + producer position pages */
	size_t page;
	uint64_t rb_size;
	struct pl_inflight *batch_vals;
	uint32_t *batch_keys;
	size_t batch_cap;
	uint32_t *pmc_keys;  /* per-process counter batches; NULL when counters are off */
	struct pl_pmc_counts *pmc_vals;
};

struct kstats_blk {
	struct pl_blk_hist_key key;
	struct pl_blk_hist h;       /* cumulative since start */
};

struct kstats_ops {
	struct pl_ops_key key;
	struct pl_khist h;
};

struct kstats_pmc {
	uint32_t pid;
	struct pl_pmc_counts c;
};

struct kstats_inflight {
	uint32_t tid;
	struct pl_inflight v;
};

/* Set up (maps stay owned by the loader).  Never fails hard: what cannot be
 * read is reported as unavailable. */
void kstats_open(struct kstats *k, struct pl_loader *l);
void kstats_close(struct kstats *k);
/* Cumulative block histograms; returns entries filled (<= max). */
size_t kstats_read_blk(struct kstats *k, struct kstats_blk *out, size_t max);
/* Cumulative run-queue histogram summed over CPUs; 0 or -errno. */
int kstats_read_runq(struct kstats *k, struct pl_khist *out);
/* Cumulative per-(pid, type) histograms of every op; entries filled. */
size_t kstats_read_ops(struct kstats *k, struct kstats_ops *out, size_t max);
/* Per-process counters, cumulative; entries filled.  0 when counters are off. */
size_t kstats_read_pmc(struct kstats *k, struct kstats_pmc *out, size_t max);
/* In-flight ops started before `before_ns` (monotonic); entries filled.
 * Uses batched lookups, so 10k threads in flight cost one pass. */
size_t kstats_read_inflight(struct kstats *k, uint64_t before_ns, struct kstats_inflight *out,
			    size_t max);
/* Fraction of the ring buffer holding unread records (0..1), or -1. */
double kstats_ring_fill(struct kstats *k);
/* Total run time and run count of every loaded program; -1 when stats are off. */
int kstats_bpf_runtime(struct kstats *k, uint64_t *run_ns, uint64_t *run_cnt);

#endif
