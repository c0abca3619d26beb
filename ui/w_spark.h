/*
 * Sparkline: one cell per value, eight block heights.  Scaling is relative
 * to the largest value shown: zero stays blank, any non-zero value gets at
 * least the lowest block (a single event must be visible), the largest
 * gets a full block, and huge values never overflow.
 */
#ifndef PERFLENS_UI_W_SPARK_H
#define PERFLENS_UI_W_SPARK_H

#include <stddef.h>
#include <stdint.h>

#include "theme.h"

/* Levels 0..levels-1 for n values (levels >= 2). */
void spark_scale(const uint64_t *v, size_t n, unsigned levels, uint8_t *out);
/* Draw n values (n <= 512) as n cells at (y, x). */
void spark_draw(int y, int x, const uint64_t *v, size_t n, enum role r);

#endif
