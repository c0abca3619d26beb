#include "ai_iostat.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/hist.h"

struct io_ent {
	uint32_t pid;
	uint16_t type;
	uint8_t kind;
	uint32_t dev;
	uint64_t ino;
	char comm[PL_COMM_LEN + 1];
	char name[AI_IO_NAME_MAX];
	uint64_t count, total_ns, bytes, errors, mark;
	struct hist h;
};

/* Entries live in a pool and never move while in use: pruning hands the
 * lighter half back to the spare list instead of moving 1.5 KiB entries. */
struct ai_iostat {
	struct io_ent *pool;
	uint64_t *hv;     /* per pool entry: its key's hash */
	uint64_t *wt;     /* per pool entry: its weight (compact: pruning never touches entries) */
	uint32_t *live;   /* pool indices in use */
	uint32_t *spare;  /* pool indices free */
	uint64_t *w;      /* scratch for pruning */
	size_t n, nspare, cap;
	uint32_t *slot;   /* open addressing: pool index + 1, 0 = empty */
	size_t nslots;    /* power of two, >= 2 * cap */
	uint64_t pruned;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t key_hash(uint32_t pid, uint16_t type, uint8_t kind, uint32_t dev, uint64_t ino)
{
	return mix(mix((uint64_t)pid << 32 | (uint64_t)type << 8 | kind) ^ ((uint64_t)dev << 1) ^
		   mix(ino));
}

static bool key_eq(const struct io_ent *x, uint32_t pid, uint16_t type, uint8_t kind, uint32_t dev,
		   uint64_t ino)
{
	return x->pid == pid && x->type == type && x->kind == kind && x->dev == dev && x->ino == ino;
}

struct ai_iostat *ai_iostat_new(size_t cap)
{
	struct ai_iostat *s;

	if (cap < 16 || cap > UINT32_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cap = cap;
	s->nslots = 1;
	while (s->nslots < 2 * cap)
		s->nslots <<= 1;
	s->pool = calloc(cap, sizeof(*s->pool));
	s->hv = calloc(cap, sizeof(*s->hv));
	s->wt = calloc(cap, sizeof(*s->wt));
	s->live = calloc(cap, sizeof(*s->live));
	s->spare = calloc(cap, sizeof(*s->spare));
	s->w = calloc(cap, sizeof(*s->w));
	s->slot = calloc(s->nslots, sizeof(*s->slot));
	if (!s->pool || !s->hv || !s->wt || !s->live || !s->spare || !s->w || !s->slot) {
		ai_iostat_free(s);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < cap; i++)
		s->spare[s->nspare++] = (uint32_t)(cap - 1 - i);
	return s;
}

void ai_iostat_free(struct ai_iostat *s)
{
	if (!s)
		return;
	free(s->pool);
	free(s->hv);
	free(s->wt);
	free(s->live);
	free(s->spare);
	free(s->w);
	free(s->slot);
	free(s);
}

static void reindex(struct ai_iostat *s)
{
	memset(s->slot, 0, s->nslots * sizeof(*s->slot));
	for (size_t i = 0; i < s->n; i++) {
		size_t h = s->hv[s->live[i]] & (s->nslots - 1);

		while (s->slot[h])
			h = (h + 1) & (s->nslots - 1);
		s->slot[h] = s->live[i] + 1;
	}
}

/* Waits on pipes, sockets and ttys are mostly a process idling for input:
 * they rank below storage time of the same length (as in the process
 * ranking of the prompt). */
static uint64_t weight(const struct io_ent *x)
{
	return x->type == PL_EV_BLOCK || pl_kind_is_storage(x->kind) ? x->total_ns
								     : x->total_ns / 8;
}

/* The k-th largest of a[0..n) (k < n); a is reordered. */
static uint64_t kth_largest(uint64_t *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint64_t pivot = a[lo + (hi - lo) / 2], t;
		size_t i = lo, j = hi;

		while (i <= j) {
			while (a[i] > pivot)
				i++;
			while (a[j] < pivot)
				j--;
			if (i <= j) {
				t = a[i];
				a[i++] = a[j];
				a[j] = t;
				if (j-- == 0)
					break;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];
	}
	return a[k];
}

/* Keep the heavier half; the rest goes back to the spare list. */
static void prune(struct ai_iostat *s)
{
	size_t keep = s->n / 2, kept = 0, at_edge;
	uint64_t edge;

	for (size_t i = 0; i < s->n; i++)
		s->w[i] = s->wt[s->live[i]];
	edge = kth_largest(s->w, s->n, keep - 1);
	at_edge = keep;
	for (size_t i = 0; i < s->n; i++) /* how many above the edge: the rest of keep ties */
		at_edge -= s->wt[s->live[i]] > edge;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t idx = s->live[i];
		uint64_t w = s->wt[idx];

		if (w > edge || (w == edge && at_edge && at_edge--))
			s->live[kept++] = idx;
		else
			s->spare[s->nspare++] = idx;
	}
	s->pruned += s->n - kept;
	s->n = kept;
	reindex(s);
}

/* The pool index of the key's entry, created when new.  Probes compare the
 * compact hashes first, so a miss never touches an entry. */
static uint32_t lookup(struct ai_iostat *s, uint32_t pid, uint16_t type, uint8_t kind,
		       uint32_t dev, uint64_t ino)
{
	uint64_t hv = key_hash(pid, type, kind, dev, ino);
	size_t h = hv & (s->nslots - 1);
	struct io_ent *x;
	uint32_t idx;

	for (; s->slot[h]; h = (h + 1) & (s->nslots - 1)) {
		idx = s->slot[h] - 1;
		if (s->hv[idx] == hv && key_eq(&s->pool[idx], pid, type, kind, dev, ino))
			return idx;
	}
	if (!s->nspare) {
		prune(s);
		return lookup(s, pid, type, kind, dev, ino);
	}
	idx = s->spare[--s->nspare];
	s->hv[idx] = hv;
	s->wt[idx] = 0;
	x = &s->pool[idx];
	memset(x, 0, sizeof(*x));
	x->pid = pid;
	x->type = type;
	x->kind = kind;
	x->dev = dev;
	x->ino = ino;
	s->live[s->n++] = idx;
	s->slot[h] = idx + 1;
	return idx;
}

/* The last AI_IO_NAME_MAX-1 bytes of a long path: the file name matters. */
static void set_name(struct io_ent *x, const char *name, size_t max)
{
	size_t n = strnlen(name, max);

	if (n >= sizeof(x->name)) {
		name += n - (sizeof(x->name) - 1);
		n = sizeof(x->name) - 1;
	}
	memcpy(x->name, name, n); /* not snprintf: this runs on the consumer thread */
	x->name[n] = '\0';
}

static void add_io(struct ai_iostat *s, const struct pl_event *ev)
{
	const struct pl_io_info *io = &ev->u.io;
	unsigned kind = ev->kind < PL_KIND_MAX ? ev->kind : PL_KIND_OTHER;
	uint32_t idx = lookup(s, ev->pid, ev->type, (uint8_t)kind, io->dev, io->ino);
	struct io_ent *x = &s->pool[idx];

	if (!x->count) {
		memcpy(x->comm, ev->comm, sizeof(x->comm));
		set_name(x, io->file, sizeof(io->file));
	}
	x->count++;
	x->total_ns += io->lat_ns;
	x->bytes += io->ret > 0 ? (uint64_t)io->ret : 0;
	x->errors += (io->flags & PL_IOF_ERR) != 0;
	hist_add(&x->h, io->lat_ns);
	s->wt[idx] = weight(x);
}

static void add_block(struct ai_iostat *s, const struct pl_event *ev)
{
	const struct pl_block_info *b = &ev->u.blk;
	uint32_t idx = lookup(s, ev->pid, PL_EV_BLOCK, b->op, b->dev, 0);
	struct io_ent *x = &s->pool[idx];

	if (!x->count) {
		memcpy(x->comm, ev->comm, sizeof(x->comm));
		set_name(x, b->devname, sizeof(b->devname));
	}
	x->count++;
	x->total_ns += b->lat_ns;
	x->bytes += b->bytes;
	x->errors += b->error != 0;
	hist_add(&x->h, b->lat_ns);
	s->wt[idx] = weight(x);
}

void ai_iostat_add(struct ai_iostat *s, const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		add_io(s, ev);
		break;
	case PL_EV_BLOCK:
		add_block(s, ev);
		break;
	}
}

void ai_iostat_tap(void *ctx, const struct pl_event *ev)
{
	ai_iostat_add(ctx, ev);
}

static void to_row(const struct io_ent *x, struct ai_io_row *r)
{
	r->pid = x->pid;
	r->type = x->type;
	r->kind = x->kind;
	r->dev = x->dev;
	r->ino = x->ino;
	memcpy(r->comm, x->comm, sizeof(r->comm));
	memcpy(r->name, x->name, sizeof(r->name));
	r->count = x->count;
	r->total_ns = x->total_ns;
	r->bytes = x->bytes;
	r->errors = x->errors;
	r->recent = x->count - x->mark;
	r->p50_ns = hist_percentile(&x->h, 50);
	r->p99_ns = hist_percentile(&x->h, 99);
	r->max_ns = x->h.max;
}

size_t ai_iostat_top(struct ai_iostat *s, uint32_t skip_pid, struct ai_io_row *out, size_t n,
		     int mark)
{
	const struct io_ent *top[64];
	size_t k = 0;

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < s->n; i++) {
		const struct io_ent *x = &s->pool[s->live[i]];
		uint64_t wx = s->wt[s->live[i]];
		size_t j;

		if ((k == n && wx <= weight(top[k - 1])) || x->pid == skip_pid)
			continue;
		j = k < n ? k++ : k - 1;
		for (; j > 0 && weight(top[j - 1]) < wx; j--)
			top[j] = top[j - 1];
		top[j] = x;
	}
	for (size_t i = 0; i < k; i++)
		to_row(top[i], &out[i]);
	if (mark)
		ai_iostat_mark(s);
	return k;
}

void ai_iostat_mark(struct ai_iostat *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->pool[s->live[i]].mark = s->pool[s->live[i]].count;
}

size_t ai_iostat_count(const struct ai_iostat *s)
{
	return s->n;
}

uint64_t ai_iostat_pruned(const struct ai_iostat *s)
{
	return s->pruned;
}
