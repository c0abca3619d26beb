/*
 * Bounded time series: the last cap samples, each a timestamp (seconds) and
 * nfields doubles whose meaning the caller defines (e.g. PSI some/full per
 * resource).  A ring: once full, each push overwrites the oldest sample.  At
 * one push a second, cap samples cover cap seconds; a second with no push
 * leaves no slot, so read the timestamps rather than assume the spacing.
 * Memory: one block of about cap * (8 + 8 * nfields) bytes, fixed at creation.
 * Not synchronised: the caller locks if several threads use one series.
 */
#ifndef PERFLENS_SERIES_H
#define PERFLENS_SERIES_H

#include <stddef.h>
#include <stdint.h>

#define SERIES_MAX_FIELDS 256

struct series;

/* A series of cap (>= 1) samples of nfields (1..SERIES_MAX_FIELDS) doubles.
 * NULL with errno EINVAL or ENOMEM. */
struct series *series_new(size_t cap, size_t nfields);
/* Accepts NULL. */
void series_free(struct series *s);
/* Back to empty (replay seeks). */
void series_clear(struct series *s);
/* Append a sample of nfields values taken at t_sec.  A push for the same
 * second as the newest sample replaces it; an older second is refused
 * (-EINVAL), so samples stay in time order.  0 on success. */
int series_push(struct series *s, int64_t t_sec, const double *vals);
/* Sample i, newest first (0 = newest); its second into *t_sec if not NULL.
 * NULL when i >= series_count(). */
const double *series_get(const struct series *s, size_t i, int64_t *t_sec);
/* The newest sample (series_get(s, 0, t_sec)). */
const double *series_latest(const struct series *s, int64_t *t_sec);
/* Samples held: min(pushes, cap). */
size_t series_count(const struct series *s);
/* cap and nfields as given to series_new. */
size_t series_cap(const struct series *s);
size_t series_nfields(const struct series *s);

#endif
