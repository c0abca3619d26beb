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
	uint64_t seen;     /* log seq we have read up to */
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
	return tf;
}

void topfiles_free(struct topfiles *tf)
{
	if (!tf)
		return;
	free(tf->slot);
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Drop the files with the least slow time until half the cap is left. */
static void prune(struct topfiles *tf)
{
	uint64_t *tot = malloc(tf->n * sizeof(*tot));
	struct topfile *old = tf->slot;
	size_t k = 0, keep = tf->cap / 2;
	uint64_t cut;

	if (!tot)
		return; /* keep going over cap rather than lose data: retried next add */
	for (size_t i = 0; i < tf->nslots; i++)
		if (old[i].count)
			tot[k++] = old[i].total_ns;
	qsort(tot, k, sizeof(*tot), cmp_u64);
	cut = tot[k - keep];
	free(tot);
	tf->slot = calloc(tf->nslots, sizeof(*tf->slot));
	if (!tf->slot) {
		tf->slot = old;
		return;
	}
	tf->n = 0;
	for (size_t i = 0; i < tf->nslots; i++) {
		if (!old[i].count)
			continue;
		if (old[i].total_ns < cut || tf->n >= keep) {
			tf->pruned++;
			continue;
		}
		*probe(tf, old[i].kind, old[i].dev, old[i].ino, old[i].name) = old[i];
		tf->n++;
	}
	free(old);
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

void topfiles_add(struct topfiles *tf, const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
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
		tf->seen = total;
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
