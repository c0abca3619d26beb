#include "series.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct series {
	size_t cap, nfields;
	size_t head;  /* slot of the newest sample */
	size_t count;
	int64_t *t;   /* cap timestamps, in the same block */
	double vals[]; /* cap * nfields */
};

struct series *series_new(size_t cap, size_t nfields)
{
	struct series *s;
	size_t vbytes, tbytes;

	if (cap == 0 || nfields == 0 || nfields > SERIES_MAX_FIELDS ||
	    __builtin_mul_overflow(cap, nfields * sizeof(double), &vbytes) ||
	    __builtin_mul_overflow(cap, sizeof(int64_t), &tbytes) ||
	    vbytes > SIZE_MAX - tbytes - sizeof(*s)) {
		errno = EINVAL;
		return NULL;
	}
	/* doubles first, then timestamps: both 8-byte aligned */
	s = calloc(1, sizeof(*s) + vbytes + tbytes);
	if (!s)
		return NULL;
	s->cap = cap;
	s->nfields = nfields;
	s->t = (int64_t *)(void *)(s->vals + cap * nfields);
	return s;
}

void series_clear(struct series *s)
{
	s->head = s->count = 0;
}

void series_free(struct series *s)
{
	free(s);
}

int series_push(struct series *s, int64_t t_sec, const double *vals)
{
	if (s->count && t_sec < s->t[s->head])
		return -EINVAL;
	if (!s->count || t_sec != s->t[s->head]) {
		s->head = s->count ? (s->head + 1) % s->cap : 0;
		if (s->count < s->cap)
			s->count++;
	}
	s->t[s->head] = t_sec;
	memcpy(s->vals + s->head * s->nfields, vals, s->nfields * sizeof(double));
	return 0;
}

const double *series_get(const struct series *s, size_t i, int64_t *t_sec)
{
	if (i >= s->count)
		return NULL;
	size_t slot = (s->head + s->cap - i) % s->cap;

	if (t_sec)
		*t_sec = s->t[slot];
	return s->vals + slot * s->nfields;
}

const double *series_latest(const struct series *s, int64_t *t_sec)
{
	return series_get(s, 0, t_sec);
}

size_t series_count(const struct series *s)
{
	return s->count;
}

size_t series_cap(const struct series *s)
{
	return s->cap;
}

size_t series_nfields(const struct series *s)
{
	return s->nfields;
}
