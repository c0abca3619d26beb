#include "w_heat.h"

#include <math.h>

static int clamp_row(int e, int lo_exp, int rows)
{
	int r = e - lo_exp;

	if (r < 0)
		return 0;
	return r >= rows ? rows - 1 : r;
}

int heat_row(uint64_t lat_ns, int lo_exp, int rows)
{
	int e = lat_ns < 2 ? 0 : 63 - __builtin_clzll(lat_ns);

	return rows <= 0 ? 0 : clamp_row(e, lo_exp, rows);
}

void heat_column(const uint64_t log2[64], int lo_exp, int rows, uint64_t *out)
{
	if (rows <= 0)
		return;
	for (int r = 0; r < rows; r++)
		out[r] = 0;
	for (int e = 0; e < 64; e++)
		out[clamp_row(e, lo_exp, rows)] += log2[e];
}

int heat_level(uint64_t count, uint64_t max, int levels)
{
	if (count == 0 || levels < 2)
		return 0;
	if (count >= max || max <= 1)
		return levels - 1;
	/* log(count)/log(max) is in [0, 1): spread it over levels 1..levels-1. */
	double f = log((double)count) / log((double)max);
	int lv = 1 + (int)(f * (levels - 1));

	return lv > levels - 1 ? levels - 1 : lv;
}
