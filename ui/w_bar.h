/*
 * Horizontal bars and the latency histogram.  bar_len scales like the
 * sparkline: zero is empty, any non-zero value is at least one cell, the
 * largest fills the width, no overflow for huge values.
 */
#ifndef PERFLENS_UI_W_BAR_H
#define PERFLENS_UI_W_BAR_H

#include <stdint.h>

#include "../src/store/hist.h"
#include "draw.h"

/* Cells of a bar for v when max fills width. */
int bar_len(uint64_t v, uint64_t max, int width);
/* Fold a log-linear histogram into power-of-two buckets: out[e] counts the
 * values in [2^e, 2^(e+1)) (out[0] also holds 0 and 1). */
void hist_log2(const struct hist *h, uint64_t out[64]);
/* Draw a latency histogram of log2 buckets in r: one row per bucket from
 * the lowest to the highest non-empty one (merging rows when they do not
 * fit), with a label, a bar and the count. */
void hist_draw(struct rect r, const uint64_t log2[64], enum role bar);

#endif
