/*
 * Latency heat map: time across, power-of-two latency buckets down, the
 * shade of a cell says how many events fell in it.  Bucketing and shading
 * are pure functions; the view draws the grid.
 */
#ifndef PERFLENS_UI_W_HEAT_H
#define PERFLENS_UI_W_HEAT_H

#include <stdint.h>

/* Row (0 = lowest) of a latency in a map of rows buckets, the lowest being
 * [2^lo_exp, 2^(lo_exp+1)).  Smaller latencies land in row 0, larger ones in
 * the top row. */
int heat_row(uint64_t lat_ns, int lo_exp, int rows);
/* Fold power-of-two counts (hist_log2) into rows the same way. */
void heat_column(const uint64_t log2[64], int lo_exp, int rows, uint64_t *out);
/* Shade 0..levels-1 for count on a log scale against max: 0 stays 0, any
 * non-zero count is at least 1, max is levels-1. */
int heat_level(uint64_t count, uint64_t max, int levels);

#endif
