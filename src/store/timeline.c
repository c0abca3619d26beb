#include "timeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct timeline {
	unsigned window;
	int64_t latest;
	uint64_t late_dropped;
	struct tl_second *slots; /* slot for second s: s % window */
};

struct timeline *timeline_new(unsigned window_s)
{
	struct timeline *tl = NULL;

	if (window_s == 0) {
		errno = EINVAL;
		goto fail;
	}
	tl = calloc(1, sizeof(*tl));
	if (!tl)
		goto fail;
	tl->slots = calloc(window_s, sizeof(*tl->slots));
	if (!tl->slots)
		goto fail;
	tl->window = window_s;
	timeline_clear(tl);
	return tl;
fail:
	timeline_free(tl);
	return NULL;
}

void timeline_clear(struct timeline *tl)
{
	tl->latest = -1;
	tl->late_dropped = 0;
	/* Slots are wiped lazily when claimed (claim_slot): marking them empty is enough. */
	for (unsigned i = 0; i < tl->window; i++)
		tl->slots[i].sec = -1;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	free(tl->slots);
	free(tl);
}

/* Oldest second still inside the window; everything before it is gone. */
static int64_t window_start(const struct timeline *tl)
{
	return tl->latest - (int64_t)tl->window + 1;
}

/*
 * The slot for sec, wiped first when it still holds an older second.
 * Reuse is lazy: a slot is cleared only when a new second claims it, so a
 * jump far ahead costs nothing for the seconds skipped over.
 */
static struct tl_second *claim_slot(struct timeline *tl, int64_t sec)
{
	struct tl_second *s = &tl->slots[sec % tl->window];

	if (s->sec != sec) {
		memset(s, 0, sizeof(*s));
		s->sec = sec;
	}
	return s;
}

static void cell_add(struct tl_cell *c, uint64_t lat_ns, uint64_t bytes)
{
	c->count++;
	c->total_ns += lat_ns;
	if (lat_ns > c->max_ns)
		c->max_ns = lat_ns;
	c->bytes += bytes;
	hist_add(&c->h, lat_ns);
}

static void second_account(struct tl_second *s, const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ:
	case PL_EV_WRITE:
	case PL_EV_SYNC: {
		/* An unknown kind is still an I/O that happened: keep it as "other". */
		unsigned kind = ev->kind < PL_KIND_MAX ? ev->kind : PL_KIND_OTHER;
		uint64_t bytes = ev->u.io.ret > 0 ? (uint64_t)ev->u.io.ret : 0;
		cell_add(&s->io[ev->type - PL_EV_READ][kind], ev->u.io.lat_ns, bytes);
		break;
	}
	case PL_EV_BLOCK:
		cell_add(&s->block, ev->u.blk.lat_ns, ev->u.blk.bytes);
		break;
	case PL_EV_FORK:
		s->forks++;
		break;
	case PL_EV_EXEC:
		s->execs++;
		break;
	case PL_EV_EXIT:
		s->exits++;
		break;
	default:
		break;
	}
}

void timeline_add(struct timeline *tl, int64_t sec, const struct pl_event *ev)
{
	if (sec < 0 || (tl->latest >= 0 && sec < window_start(tl))) {
		tl->late_dropped++;
		return;
	}
	if (sec > tl->latest)
		tl->latest = sec;
	second_account(claim_slot(tl, sec), ev);
}

const struct tl_second *timeline_get(const struct timeline *tl, int64_t sec)
{
	if (sec < 0 || sec > tl->latest || sec < window_start(tl))
		return NULL;
	const struct tl_second *s = &tl->slots[sec % tl->window];
	return s->sec == sec ? s : NULL;
}

int64_t timeline_latest(const struct timeline *tl)
{
	return tl->latest;
}

unsigned timeline_window(const struct timeline *tl)
{
	return tl->window;
}

uint64_t timeline_late_dropped(const struct timeline *tl)
{
	return tl->late_dropped;
}

const struct tl_cell *tl_second_cell(const struct tl_second *s, unsigned type, unsigned kind)
{
	switch (type) {
	case PL_EV_READ:
	case PL_EV_WRITE:
	case PL_EV_SYNC:
		return kind < PL_KIND_MAX ? &s->io[type - PL_EV_READ][kind] : NULL;
	case PL_EV_BLOCK:
		return &s->block;
	default:
		return NULL;
	}
}
