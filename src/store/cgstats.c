#include "cgstats.h"

#include <stdlib.h>
#include <string.h>

struct cgstats {
	struct cg_entry *e;
	uint32_t *slots; /* index + 1 */
	size_t cap, nslots, n;
	uint64_t refused;
};

struct cgstats *cgstats_new(size_t cap)
{
	struct cgstats *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cap = cap;
	c->nslots = 1;
	while (c->nslots < cap * 2)
		c->nslots <<= 1;
	c->e = calloc(cap, sizeof(*c->e));
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	if (!c->e || !c->slots) {
		cgstats_free(c);
		return NULL;
	}
	return c;
}

void cgstats_clear(struct cgstats *c)
{
	memset(c->e, 0, c->n * sizeof(*c->e)); /* entries past n were never used */
	memset(c->slots, 0, c->nslots * sizeof(*c->slots));
	c->n = 0;
	c->refused = 0;
}

void cgstats_free(struct cgstats *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->slots);
	free(c);
}

static struct cg_entry *lookup(struct cgstats *c, uint64_t id)
{
	size_t mask = c->nslots - 1, i = (size_t)((id * 0x9e3779b97f4a7c15ull) >> 17) & mask;
	uint32_t s;

	for (; (s = c->slots[i]); i = (i + 1) & mask)
		if (c->e[s - 1].id == id)
			return &c->e[s - 1];
	if (c->n >= c->cap) {
		c->refused++;
		return NULL;
	}
	c->e[c->n].id = id;
	c->slots[i] = (uint32_t)++c->n;
	return &c->e[c->n - 1];
}

void cgstats_account(struct cgstats *c, const struct pl_event *ev)
{
	struct cg_entry *g;

	if (ev->type < PL_EV_READ || ev->type > PL_EV_SAMPLE || ev->type == PL_EV_FORK ||
	    ev->type == PL_EV_EXEC || ev->type == PL_EV_EXIT)
		return;
	g = lookup(c, ev->cgroup_id);
	if (!g)
		return;
	switch (ev->type) {
	case PL_EV_BLOCK:
		g->block_count++;
		g->block_ns += ev->u.blk.lat_ns;
		g->block_bytes += ev->u.blk.bytes;
		break;
	case PL_EV_SAMPLE:
		g->samples++;
		break;
	default:
		if (pl_kind_is_storage(ev->kind)) {
			g->storage_count++;
			g->storage_ns += ev->u.io.lat_ns;
		} else {
			g->wait_count++;
			g->wait_ns += ev->u.io.lat_ns;
		}
	}
}

size_t cgstats_count(const struct cgstats *c)
{
	return c->n;
}

struct cg_entry *cgstats_at(struct cgstats *c, size_t i)
{
	return i < c->n ? &c->e[i] : NULL;
}

uint64_t cgstats_refused(const struct cgstats *c)
{
	return c->refused;
}
