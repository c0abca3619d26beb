#include "kstats.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "skel.h"

#define KSTATS_BATCH 1024

void kstats_open(struct kstats *k, struct pl_loader *l)
{
	int fd = bpf_map__fd(l->skel->maps.rb);

	memset(k, 0, sizeof(*k));
	k->loader = l;
	/* Run-time accounting costs two clock reads per program run, only
	 * while this fd is open: perflens' own cost is worth knowing. */
	k->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	k->page = (size_t)sysconf(_SC_PAGESIZE);
	k->rb_size = bpf_map__max_entries(l->skel->maps.rb);
	k->rb_pages = mmap(NULL, 2 * k->page, PROT_READ, MAP_SHARED, fd, 0);
	if (k->rb_pages == MAP_FAILED) {
		/* Older kernels map the consumer page read-write only: two maps. */
		k->rb_pages = NULL;
	}
	k->batch_cap = KSTATS_BATCH;
	k->batch_keys = calloc(k->batch_cap, sizeof(*k->batch_keys));
	k->batch_vals = calloc(k->batch_cap, sizeof(*k->batch_vals));
	if (l->pmc.active) {
		k->pmc_keys = calloc(KSTATS_BATCH, sizeof(*k->pmc_keys));
		k->pmc_vals = calloc(KSTATS_BATCH, sizeof(*k->pmc_vals));
	}
}

void kstats_close(struct kstats *k)
{
	if (k->stats_fd >= 0)
		close(k->stats_fd);
	if (k->rb_pages)
		munmap(k->rb_pages, 2 * k->page);
	free(k->batch_keys);
	free(k->batch_vals);
	free(k->pmc_keys);
	free(k->pmc_vals);
	memset(k, 0, sizeof(*k));
	k->stats_fd = -1;
}

/* Every (key, value) of a hash map into out[i] = { key at 0, value at val_off }. */
static size_t dump_hash(struct bpf_map *m, size_t ksz, size_t vsz, void *out, size_t stride,
			size_t val_off, size_t max)
{
	char key[64], next[64];
	bool first = true;
	size_t n = 0;

	if (ksz > sizeof(key))
		return 0;
	while (n < max && !bpf_map__get_next_key(m, first ? NULL : key, next, ksz)) {
		char *slot = (char *)out + n * stride;

		if (!bpf_map__lookup_elem(m, next, ksz, slot + val_off, vsz, 0)) {
			memcpy(slot, next, ksz);
			n++;
		}
		memcpy(key, next, ksz);
		first = false;
	}
	return n;
}

size_t kstats_read_blk(struct kstats *k, struct kstats_blk *out, size_t max)
{
	return dump_hash(k->loader->skel->maps.blk_hist, sizeof(out->key), sizeof(out->h), out,
			 sizeof(*out), offsetof(struct kstats_blk, h), max);
}

/* A walk over a hash map in batches of up to KSTATS_BATCH entries. */
struct batch_cursor {
	int fd;
	bool first;
	uint32_t in, out;
};

/* The next batch into keys/vals, *count entries; non-zero after the last
 * (ENOENT) or on an error, with *count still valid. */
static int batch_next(struct batch_cursor *c, void *keys, void *vals, uint32_t *count)
{
	int err;

	*count = KSTATS_BATCH;
	err = bpf_map_lookup_batch(c->fd, c->first ? NULL : &c->in, &c->out, keys, vals, count,
				   NULL);
	c->in = c->out;
	c->first = false;
	return err;
}

/* Batched: a full map (8192 processes) is 8 calls, not 16k lookups. */
size_t kstats_read_pmc(struct kstats *k, struct kstats_pmc *out, size_t max)
{
	struct batch_cursor c = { bpf_map__fd(k->loader->skel->maps.pmc_procs), true, 0, 0 };
	uint32_t count;
	size_t n = 0;
	int err = 0;

	if (!k->loader->pmc.active || !k->pmc_keys || !k->pmc_vals)
		return 0;
	while (!err && n < max) {
		err = batch_next(&c, k->pmc_keys, k->pmc_vals, &count);
		for (uint32_t i = 0; i < count && n < max; i++) {
			out[n].pid = k->pmc_keys[i];
			out[n++].c = k->pmc_vals[i];
		}
	}
	return n;
}

static void khist_merge(struct pl_khist *dst, const struct pl_khist *src)
{
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	for (size_t i = 0; i < PL_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

int kstats_read_runq(struct kstats *k, struct pl_khist *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct pl_khist *per;
	uint32_t zero = 0;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0)
		return -EINVAL;
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map__lookup_elem(k->loader->skel->maps.runq_hist, &zero, sizeof(zero), per,
				 ncpu * sizeof(*per), 0))
		err = -errno;
	for (int c = 0; !err && c < ncpu; c++)
		khist_merge(out, &per[c]);
	free(per);
	return err;
}

size_t kstats_read_ops(struct kstats *k, struct kstats_ops *out, size_t max)
{
	return dump_hash(k->loader->skel->maps.ops_hist, sizeof(out->key), sizeof(out->h), out,
			 sizeof(*out), offsetof(struct kstats_ops, h), max);
}

size_t kstats_read_inflight(struct kstats *k, uint64_t before_ns, struct kstats_inflight *out,
			    size_t max)
{
	struct batch_cursor c = { bpf_map__fd(k->loader->skel->maps.inflight), true, 0, 0 };
	uint32_t count;
	size_t n = 0;
	int err = 0;

	if (!k->batch_keys || !k->batch_vals)
		return 0;
	while (!err) {
		err = batch_next(&c, k->batch_keys, k->batch_vals, &count);
		for (uint32_t i = 0; i < count && n < max; i++) {
			if (k->batch_vals[i].start_ns >= before_ns)
				continue;
			out[n].tid = k->batch_keys[i];
			out[n++].v = k->batch_vals[i];
		}
	}
	return n;
}

double kstats_ring_fill(struct kstats *k)
{
	const volatile uint64_t *cons, *prod;

	if (!k->rb_pages || !k->rb_size)
		return -1;
	cons = (const volatile uint64_t *)k->rb_pages;
	prod = (const volatile uint64_t *)((const char *)k->rb_pages + k->page);
	return (double)(*prod - *cons) / (double)k->rb_size;
}

int kstats_bpf_runtime(struct kstats *k, uint64_t *run_ns, uint64_t *run_cnt)
{
	struct bpf_program *p;

	*run_ns = *run_cnt = 0;
	if (k->stats_fd < 0)
		return -1;
	bpf_object__for_each_program(p, k->loader->skel->obj) {
		struct bpf_prog_info info = { 0 };
		uint32_t len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		*run_ns += info.run_time_ns;
		*run_cnt += info.run_cnt;
	}
	return 0;
}
