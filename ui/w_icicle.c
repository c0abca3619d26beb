#include "w_icicle.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct ic_node {
	char *name;
	uint64_t value;
	uint32_t parent;
	uint32_t first_kid, next;  /* 0 = none (node 0 is the root, never a kid) */
};

struct icicle {
	struct ic_node *n;
	size_t count, cap;
	uint32_t *hash;            /* (parent, name) -> node, open addressing */
	size_t hcap;
	size_t skipped;
};

static uint64_t hash_of(uint32_t parent, const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ parent;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

static int grow_hash(struct icicle *ic)
{
	size_t ncap = ic->hcap ? ic->hcap * 2 : 256;
	uint32_t *nh = calloc(ncap, sizeof(*nh));

	if (!nh)
		return -1;
	for (uint32_t i = 1; i < ic->count; i++) {
		size_t j = hash_of(ic->n[i].parent, ic->n[i].name, strlen(ic->n[i].name)) & (ncap - 1);

		while (nh[j])
			j = (j + 1) & (ncap - 1);
		nh[j] = i;
	}
	free(ic->hash);
	ic->hash = nh;
	ic->hcap = ncap;
	return 0;
}

static uint32_t add_node(struct icicle *ic, uint32_t parent, const char *s, size_t len)
{
	struct ic_node *nd;

	if (ic->count == ic->cap) {
		size_t ncap = ic->cap ? ic->cap * 2 : 64;
		struct ic_node *nn = realloc(ic->n, ncap * sizeof(*nn));

		if (!nn)
			return 0;
		ic->n = nn;
		ic->cap = ncap;
	}
	nd = &ic->n[ic->count];
	memset(nd, 0, sizeof(*nd));
	nd->name = strndup(s, len);
	if (!nd->name)
		return 0;
	nd->parent = parent;
	return (uint32_t)ic->count++;
}

/* Insert a new child keeping siblings sorted by name. */
static void link_kid(struct icicle *ic, uint32_t parent, uint32_t kid)
{
	uint32_t *at = &ic->n[parent].first_kid;

	while (*at && strcmp(ic->n[*at].name, ic->n[kid].name) < 0)
		at = &ic->n[*at].next;
	ic->n[kid].next = *at;
	*at = kid;
}

static uint32_t child(struct icicle *ic, uint32_t parent, const char *s, size_t len)
{
	size_t j;
	uint32_t k;

	if ((ic->count + 1) * 2 > ic->hcap && grow_hash(ic))
		return 0;
	j = hash_of(parent, s, len) & (ic->hcap - 1);
	for (; ic->hash[j]; j = (j + 1) & (ic->hcap - 1)) {
		struct ic_node *nd = &ic->n[ic->hash[j]];

		if (nd->parent == parent && strncmp(nd->name, s, len) == 0 && nd->name[len] == '\0')
			return ic->hash[j];
	}
	k = add_node(ic, parent, s, len);
	if (!k)
		return 0;
	ic->hash[j] = k;
	link_kid(ic, parent, k);
	return k;
}

/* "a;b;c 123": the weight is the last space-separated field. */
static int parse_line(struct icicle *ic, const char *s, size_t len)
{
	size_t sp = len;
	uint64_t w = 0;
	uint32_t node = 0;

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	sp = len;
	while (sp && s[sp - 1] != ' ')
		sp--;
	if (sp == 0 || sp == len)
		return 1;
	for (size_t i = sp; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) || w > (UINT64_MAX - 9) / 10)
			return 1;
		w = w * 10 + (uint64_t)(s[i] - '0');
	}
	len = sp - 1;
	if (len == 0)
		return 1;
	ic->n[0].value += w;
	for (size_t a = 0; a < len;) {
		size_t b = a;

		while (b < len && s[b] != ';')
			b++;
		if (b > a) {
			node = child(ic, node, s + a, b - a);
			if (!node)
				return -1;
			ic->n[node].value += w;
		}
		a = b + 1;
	}
	return 0;
}

struct icicle *icicle_parse(const char *folded, size_t len)
{
	struct icicle *ic = calloc(1, sizeof(*ic));
	size_t pos = 0;

	if (!ic)
		return NULL;
	/* The root is node 0 (add_node returns 0 only for it, or on failure). */
	if (add_node(ic, 0, "all", 3) != 0 || ic->count != 1 || grow_hash(ic))
		goto fail;
	while (pos < len) {
		const char *nl = memchr(folded + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (folded + pos)) : len - pos;
		int r = parse_line(ic, folded + pos, n);

		if (r < 0)
			goto fail;
		if (r > 0 && n > 0)
			ic->skipped++;
		pos += n + 1;
	}
	return ic;
fail:
	icicle_free(ic);
	return NULL;
}

void icicle_free(struct icicle *ic)
{
	if (!ic)
		return;
	for (size_t i = 0; i < ic->count; i++)
		free(ic->n[i].name);
	free(ic->n);
	free(ic->hash);
	free(ic);
}

uint64_t icicle_total(const struct icicle *ic)
{
	return ic->n[0].value;
}

size_t icicle_nodes(const struct icicle *ic)
{
	return ic->count;
}

size_t icicle_skipped(const struct icicle *ic)
{
	return ic->skipped;
}

uint32_t icicle_parent(const struct icicle *ic, uint32_t node)
{
	return node < ic->count ? ic->n[node].parent : 0;
}

/* Column of cumulative weight cum in a box w wide holding total, rounded. */
static int edge(uint64_t cum, int w, uint64_t total)
{
	return (int)(((unsigned __int128)cum * (unsigned)w + total / 2) / total);
}

/* Breadth-first, so every parent's box comes before its children's. */
size_t icicle_layout(const struct icicle *ic, uint32_t zoom, int width, int max_depth,
		     struct icicle_box *out, size_t max)
{
	size_t w = 0, r = 0;

	if (zoom >= ic->count || width <= 0 || max_depth <= 0 || max == 0)
		return 0;
	out[w++] = (struct icicle_box){ zoom, 0, 0, width, ic->n[zoom].name, ic->n[zoom].value };
	while (r < w) {
		struct icicle_box p = out[r++];
		uint64_t cum = 0;

		if (p.depth + 1 >= max_depth || p.value == 0)
			continue;
		for (uint32_t k = ic->n[p.node].first_kid; k; k = ic->n[k].next) {
			const struct ic_node *nd = &ic->n[k];
			/* Edges from cumulative weight, so rounding never drifts. */
			int x0 = p.x + edge(cum, p.w, p.value);
			int x1 = p.x + edge(cum + nd->value, p.w, p.value);

			cum += nd->value;
			if (x1 - x0 < 1)
				continue;
			if (w == max)
				return w;
			out[w++] = (struct icicle_box){ k, p.depth + 1, x0, x1 - x0, nd->name, nd->value };
		}
	}
	return w;
}
