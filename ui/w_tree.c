#include "w_tree.h"

#include <stdlib.h>
#include <string.h>

#include "theme.h"

struct flat {
	const struct tree_item *items;
	size_t n;
	uint32_t *kids;     /* children grouped by parent, each group by key */
	uint32_t *first;    /* first[p]..first[p+1]: children of p */
	uint8_t *seen;
};

static const struct tree_item *sort_items;

static int by_key(const void *a, const void *b)
{
	uint64_t x = sort_items[*(const uint32_t *)a].key;
	uint64_t y = sort_items[*(const uint32_t *)b].key;

	if (x != y)
		return x < y ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static bool is_root(const struct tree_item *it, size_t n, uint32_t i)
{
	return it[i].parent == TREE_NONE || it[i].parent >= n || it[i].parent == i;
}

/* Children lists by counting sort on the parent (slot n holds the roots). */
static int build(struct flat *f)
{
	size_t n = f->n;
	uint32_t *pos = calloc(n + 2, sizeof(*pos));

	if (!pos)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		pos[(is_root(f->items, n, i) ? n : f->items[i].parent) + 1]++;
	for (size_t p = 0; p <= n; p++)
		pos[p + 1] += pos[p];
	memcpy(f->first, pos, (n + 2) * sizeof(*pos));
	for (uint32_t i = 0; i < n; i++)
		f->kids[pos[is_root(f->items, n, i) ? n : f->items[i].parent]++] = i;
	free(pos);
	sort_items = f->items;
	for (size_t p = 0; p <= n; p++)
		if (f->first[p + 1] - f->first[p] > 1)
			qsort(f->kids + f->first[p], f->first[p + 1] - f->first[p], sizeof(uint32_t),
			      by_key);
	return 0;
}

struct frame {
	uint32_t idx;
	uint16_t depth;
	bool last;
	bool hidden;    /* under a collapsed node: visited, not shown */
	uint64_t guides;
};

/* Pre-order walk from one root with an explicit stack (no recursion depth
 * limit); children are pushed in reverse so they pop in key order.  Nodes
 * under a collapsed one are still walked (hidden), so they are not taken
 * for the members of a cycle afterwards. */
static size_t walk(struct flat *f, uint32_t root, struct frame *stack,
		   bool (*collapsed)(uint32_t, void *), void *arg, struct tree_row *out, size_t w)
{
	size_t sp = 0;

	stack[sp++] = (struct frame){ root, 0, true, false, 0 };
	while (sp) {
		struct frame fr = stack[--sp];
		uint32_t a = f->first[fr.idx], b = f->first[fr.idx + 1];
		bool hide_kids = fr.hidden;

		if (f->seen[fr.idx])
			continue;
		f->seen[fr.idx] = 1;
		if (!fr.hidden) {
			struct tree_row *r = &out[w++];

			r->idx = fr.idx;
			r->depth = fr.depth;
			r->guides = fr.guides;
			r->flags = (uint8_t)((b > a ? TREE_HAS_KIDS : 0) | (fr.last ? TREE_LAST : 0));
			if (b > a && collapsed && collapsed(fr.idx, arg)) {
				r->flags |= TREE_COLLAPSED;
				hide_kids = true;
			}
		}
		uint64_t g = fr.guides;
		if (fr.depth > 0 && fr.depth <= TREE_GUIDE_DEPTH && !fr.last)
			g |= 1ull << (fr.depth - 1);
		for (uint32_t k = b; k-- > a;) {
			uint32_t c = f->kids[k];

			if (!f->seen[c])
				stack[sp++] = (struct frame){ c,
					(uint16_t)(fr.depth < UINT16_MAX ? fr.depth + 1 : fr.depth),
					k == b - 1, hide_kids, g };
		}
	}
	return w;
}

size_t tree_flatten(const struct tree_item *items, size_t n,
		    bool (*collapsed)(uint32_t idx, void *arg), void *arg, struct tree_row *out)
{
	struct flat f = { .items = items, .n = n };
	struct frame *stack = NULL;
	size_t w = 0;

	if (n == 0)
		return 0;
	f.kids = malloc(n * sizeof(*f.kids));
	f.first = malloc((n + 2) * sizeof(*f.first));
	f.seen = calloc(n, 1);
	/* Each item is pushed at most once per parent that lists it: n + 1. */
	stack = malloc((n + 1) * sizeof(*stack));
	if (!f.kids || !f.first || !f.seen || !stack || build(&f)) {
		w = (size_t)-1;
		goto out;
	}
	for (uint32_t k = f.first[n]; k < f.first[n + 1]; k++)
		w = walk(&f, f.kids[k], stack, collapsed, arg, out, w);
	/* Whatever is left hangs in a cycle: break it at its smallest index. */
	for (uint32_t i = 0; i < n; i++)
		if (!f.seen[i])
			w = walk(&f, i, stack, collapsed, arg, out, w);
out:
	free(f.kids);
	free(f.first);
	free(f.seen);
	free(stack);
	return w;
}

void tree_prefix(const struct tree_row *r, int max_depth, char *buf, size_t sz)
{
	size_t w = 0;
	int d = r->depth < max_depth ? r->depth : max_depth;

	if (!sz)
		return;
	buf[0] = '\0';
	for (int i = 0; i < d; i++) {
		const char *g;
		bool last_level = i == d - 1;

		if (last_level)
			g = theme_glyph(r->flags & TREE_LAST ? G_TREE_LAST : G_TREE_MID);
		else
			g = i < TREE_GUIDE_DEPTH && (r->guides >> i & 1) ? theme_glyph(G_TREE_PIPE) : " ";
		size_t gl = strlen(g), hl = strlen(theme_glyph(G_HLINE));
		if (w + gl + hl + 1 >= sz)
			break;
		memcpy(buf + w, g, gl);
		w += gl;
		if (last_level) {
			memcpy(buf + w, theme_glyph(G_HLINE), hl);
			w += hl;
		} else {
			buf[w++] = ' ';
		}
	}
	buf[w] = '\0';
}
