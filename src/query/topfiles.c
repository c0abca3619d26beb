#include "topfiles.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evscan.h"

/* Open addressing, linear probing; a slot is empty when count == 0. */
struct topfiles {
	struct topfile *slot;
	size_t nslots;     /* power of two, >= 2 * cap */
	size_t cap;
	size_t n;
	struct topdev dev[TOPFILES_MAX_DEVS];
	size_t ndev;
	uint64_t dev_overflow;
	unsigned kinds;    /* files of these kinds are kept */
	uint64_t seen;     /* log seq we have read up to */
	uint64_t *scratch_tot; /* prune: totals to select the cut from */
	struct topfile *spare; /* prune: the table being rebuilt */
	bool started;
	uint64_t missed;
	uint64_t pruned;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Files without an inode number (anonymous) are told apart by name. */
static uint64_t key_hash(uint8_t kind, uint32_t dev, uint64_t ino, const char *name)
{
	return mix(ino ? ino * 31 + dev : name_hash(name)) ^ kind;
}

static bool same(const struct topfile *f, uint8_t kind, uint32_t dev, uint64_t ino,
		 const char *name)
{
	if (f->kind != kind || f->dev != dev || f->ino != ino)
		return false;
	return ino || strcmp(f->name, name) == 0;
}

struct topfiles *topfiles_new(size_t cap)
{
	struct topfiles *tf;
	size_t ns = 32;

	if (cap < 16 || cap > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (ns < 2 * cap)
		ns <<= 1;
	tf = calloc(1, sizeof(*tf));
	if (!tf)
		return NULL;
	tf->slot = calloc(ns, sizeof(*tf->slot));
	if (!tf->slot) {
		free(tf);
		errno = ENOMEM;
		return NULL;
	}
	tf->nslots = ns;
	tf->cap = cap;
	tf->kinds = PL_KINDS_ALL;
	return tf;
}

void topfiles_free(struct topfiles *tf)
{
	if (!tf)
		return;
	free(tf->slot);
	free(tf->spare);
	free(tf->scratch_tot);
	free(tf);
}

/* Keep the tail of a long path: the file name is what tells files apart. */
static void copy_tail(char *dst, const char *src)
{
	size_t len = strlen(src);

	if (len < TOPFILES_NAME_MAX) {
		memcpy(dst, src, len + 1);
		return;
	}
	src += len - (TOPFILES_NAME_MAX - 4);
	/* Do not start inside a UTF-8 sequence. */
	while ((*src & 0xc0) == 0x80)
		src++;
	memcpy(dst, "...", 3);
	strcpy(dst + 3, src);
}

static struct topfile *probe(struct topfiles *tf, uint8_t kind, uint32_t dev, uint64_t ino,
			     const char *name)
{
	size_t mask = tf->nslots - 1;
	size_t i = key_hash(kind, dev, ino, name) & mask;

	while (tf->slot[i].count && !same(&tf->slot[i], kind, dev, ino, name))
		i = (i + 1) & mask;
	return &tf->slot[i];
}

/* The k-th smallest of v[0..n) (k < n), reordering v: Hoare quickselect
 * with a median-of-three pivot, O(n) on average. */
static uint64_t select_kth(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		uint64_t a = v[lo], b = v[mid], c = v[hi];
		uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint64_t t = v[i];

				v[i++] = v[j];
				v[j] = t;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/*
 * Drop the files with the least slow time until half the cap is left.
 * Amortized over the cap/2 insertions between prunes, this is a few tens
 * of ns per new file; the scratch buffers are kept between prunes.
 */
static void prune(struct topfiles *tf)
{
	struct topfile *old = tf->slot;
	size_t k = 0, keep = tf->cap / 2;
	uint64_t cut;

	if (!tf->scratch_tot) {
		tf->scratch_tot = malloc((tf->cap + tf->cap / 2) * sizeof(*tf->scratch_tot));
		tf->spare = calloc(tf->nslots, sizeof(*tf->spare));
		if (!tf->scratch_tot || !tf->spare)
			return; /* keep going over cap rather than lose data: retried next add */
	}
	for (size_t i = 0; i < tf->nslots; i++)
		if (old[i].count)
			tf->scratch_tot[k++] = old[i].total_ns;
	if (k <= keep)
		return;
	cut = select_kth(tf->scratch_tot, k, k - keep);
	tf->slot = tf->spare;
	tf->n = 0;
	/* Above the cut first, then ties at the cut while room is left.  The
	 * ties are taken from a rotating start, not from slot 0: keeping the
	 * lowest slots would pack the new table's front into one long probe run. */
	for (int pass = 0; pass < 2; pass++) {
		size_t start = pass ? (size_t)(tf->pruned * 0x9E3779B97F4A7C15ull) & (tf->nslots - 1) : 0;

		for (size_t j = 0; j < tf->nslots; j++) {
			struct topfile *f = &old[(start + j) & (tf->nslots - 1)];

			if (!f->count || (pass == 0 ? f->total_ns <= cut : f->total_ns != cut))
				continue;
			if (tf->n >= keep)
				break;
			*probe(tf, f->kind, f->dev, f->ino, f->name) = *f;
			tf->n++;
		}
	}
	tf->pruned += k - tf->n;
	/* The old table becomes the next spare: only the used slots need clearing. */
	for (size_t i = 0; i < tf->nslots; i++)
		old[i].count = 0;
	tf->spare = old;
}

static void add_file(struct topfiles *tf, const struct pl_event *ev)
{
	const struct pl_io_info *io = &ev->u.io;
	uint8_t kind = ev->kind < PL_KIND_MAX ? ev->kind : PL_KIND_OTHER;
	char name[TOPFILES_NAME_MAX];
	struct topfile *f;

	copy_tail(name, io->file);
	if (tf->n >= tf->cap)
		prune(tf);
	f = probe(tf, kind, io->dev, io->ino, name);
	if (!f->count) {
		if (tf->n >= tf->cap + tf->cap / 2)
			return; /* prune failed for lack of memory: refuse newcomers */
		memcpy(f->name, name, sizeof(name));
		f->kind = kind;
		f->dev = io->dev;
		f->ino = io->ino;
		tf->n++;
	}
	f->count++;
	f->total_ns += io->lat_ns;
	if (io->lat_ns > f->max_ns)
		f->max_ns = io->lat_ns;
	if (io->ret > 0)
		f->bytes += (uint64_t)io->ret;
}

static void add_block(struct topfiles *tf, const struct pl_event *ev)
{
	const struct pl_block_info *b = &ev->u.blk;
	struct topdev *d = NULL;

	for (size_t i = 0; i < tf->ndev; i++)
		if (tf->dev[i].dev == b->dev) {
			d = &tf->dev[i];
			break;
		}
	if (!d) {
		if (tf->ndev == TOPFILES_MAX_DEVS) {
			tf->dev_overflow++;
			return;
		}
		d = &tf->dev[tf->ndev++];
		memset(d, 0, sizeof(*d));
		d->dev = b->dev;
		memcpy(d->name, b->devname, sizeof(d->name));
		d->name[sizeof(d->name) - 1] = '\0';
	}
	d->count++;
	d->total_ns += b->lat_ns;
	d->bytes += b->bytes;
	hist_add(&d->h, b->lat_ns);
}

void topfiles_set_kinds(struct topfiles *tf, unsigned kinds_mask)
{
	tf->kinds = kinds_mask;
}

void topfiles_add(struct topfiles *tf, const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		if (tf->kinds & (1u << (ev->kind < PL_KIND_MAX ? ev->kind : PL_KIND_OTHER)))
			add_file(tf, ev);
		break;
	case PL_EV_BLOCK:
		add_block(tf, ev);
		break;
	default:
		break;
	}
}

void topfiles_update(struct topfiles *tf, const struct eventlog *log)
{
	uint64_t total = eventlog_total(log);
	uint64_t oldest = total - eventlog_count(log);

	if (!tf->started) {
		tf->seen = oldest; /* what the log already holds counts too */
		tf->started = true;
	}
	if (tf->seen < oldest) {
		tf->missed += oldest - tf->seen;
		tf->seen = oldest;
	}
	for (; tf->seen < total; tf->seen++) {
		const struct pl_event *ev = evlog_by_seq(log, tf->seen);

		if (ev)
			topfiles_add(tf, ev);
	}
}

/* Insert into a descending top-n list by total_ns (n is small). */
#define TOP_INSERT(out, have, n, item)                                         \
	do {                                                                   \
		size_t _p = (have);                                            \
		while (_p > 0 && (out)[_p - 1].total_ns < (item)->total_ns)    \
			_p--;                                                  \
		if (_p >= (n))                                                 \
			break;                                                 \
		size_t _last = (have) < (n) ? (have) : (n) - 1;               \
		memmove(&(out)[_p + 1], &(out)[_p], (_last - _p) * sizeof(*(out))); \
		(out)[_p] = *(item);                                           \
		if ((have) < (n))                                              \
			(have)++;                                              \
	} while (0)

size_t topfiles_files(const struct topfiles *tf, unsigned kinds_mask, struct topfile *out,
		      size_t n)
{
	size_t have = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < tf->nslots; i++) {
		const struct topfile *f = &tf->slot[i];

		if (f->count && (kinds_mask & (1u << f->kind)))
			TOP_INSERT(out, have, n, f);
	}
	return have;
}

size_t topfiles_devices(const struct topfiles *tf, struct topdev *out, size_t n)
{
	size_t have = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < tf->ndev; i++)
		TOP_INSERT(out, have, n, &tf->dev[i]);
	return have;
}

uint64_t topfiles_missed(const struct topfiles *tf)
{
	return tf->missed;
}

uint64_t topfiles_pruned(const struct topfiles *tf)
{
	return tf->pruned;
}
