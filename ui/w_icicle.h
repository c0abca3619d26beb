/*
 * Icicle (top-down flame graph) from folded stacks: lines of
 * "root;caller;callee WEIGHT", the format flamegraph.pl reads.  Identical
 * frames under the same parent merge; siblings are ordered by name (as in
 * flame graphs, so the picture is stable from frame to frame); widths are
 * proportional to weight and boxes narrower than a cell are dropped.
 * Parsing and layout are pure; the stacks view draws the boxes.
 */
#ifndef PERFLENS_UI_W_ICICLE_H
#define PERFLENS_UI_W_ICICLE_H

#include <stddef.h>
#include <stdint.h>

struct icicle;

struct icicle_box {
	uint32_t node;
	int depth;        /* 0 = the root ("all") */
	int x, w;         /* columns */
	const char *name; /* raw frame text (sanitize before drawing) */
	uint64_t value;   /* weight including descendants */
};

/* Parse folded text (len bytes).  Malformed lines are skipped and
 * counted.  NULL on ENOMEM. */
struct icicle *icicle_parse(const char *folded, size_t len);
void icicle_free(struct icicle *ic);
uint64_t icicle_total(const struct icicle *ic);
size_t icicle_nodes(const struct icicle *ic);
size_t icicle_skipped(const struct icicle *ic);
/*
 * Lay out the subtree under node `zoom` (0 = root) in width columns, down
 * to max_depth rows (the zoomed node is depth 0).  Returns boxes written
 * (at most max), parents before children.
 */
size_t icicle_layout(const struct icicle *ic, uint32_t zoom, int width, int max_depth,
		     struct icicle_box *out, size_t max);
/* Parent of a node (0 for the root). */
uint32_t icicle_parent(const struct icicle *ic, uint32_t node);

#endif
