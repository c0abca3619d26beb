/*
 * Tree flattening for the process tree: items name their parent by index;
 * the result is the pre-order list of rows to draw, with depth and the
 * guide lines, skipping the descendants of collapsed nodes.  Siblings are
 * ordered by their key.  Items whose parent is missing (or themselves) are
 * roots; a cycle (which a racy snapshot can produce) is broken rather than
 * looped on, so every item appears exactly once unless hidden by a
 * collapsed ancestor.
 */
#ifndef PERFLENS_UI_W_TREE_H
#define PERFLENS_UI_W_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TREE_NONE UINT32_MAX
#define TREE_GUIDE_DEPTH 64

struct tree_item {
	uint32_t parent; /* index of the parent, or TREE_NONE */
	uint64_t key;    /* sibling order (the pid) */
};

enum {
	TREE_HAS_KIDS = 1,
	TREE_COLLAPSED = 2, /* has kids and they are hidden */
	TREE_LAST = 4,      /* last of its siblings */
};

struct tree_row {
	uint32_t idx;     /* item index */
	uint16_t depth;
	uint8_t flags;
	uint64_t guides;  /* bit d: the ancestor at depth d has siblings below */
};

/*
 * Flatten n items into out (room for n rows).  collapsed(idx, arg) may be
 * NULL (nothing collapsed).  Returns the rows written, or (size_t)-1 when
 * out of memory.
 */
size_t tree_flatten(const struct tree_item *items, size_t n,
		    bool (*collapsed)(uint32_t idx, void *arg), void *arg, struct tree_row *out);
/* The indentation for a row: guides and the branch glyph ("│ ├─"), in the
 * current glyph set; at most max_depth levels are drawn. */
void tree_prefix(const struct tree_row *r, int max_depth, char *buf, size_t sz);

#endif
