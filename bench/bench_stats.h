/* The sort and median every benchmark reports its figures through. */
#ifndef PERFLENS_BENCH_STATS_H
#define PERFLENS_BENCH_STATS_H

#include <stddef.h>
#include <stdlib.h>

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v in place; an even count averages the middle pair. */
static inline double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
