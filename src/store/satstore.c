#include "satstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct satstore *satstore_new(unsigned window_s)
{
	struct satstore *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->window = window_s;
	s->last_sec = -1;
	s->psi = series_new(window_s, SAT_PSI_NFIELDS);
	s->runq = series_new(window_s, SAT_RUNQ_NFIELDS);
	s->self = series_new(window_s, SAT_SELF_NFIELDS);
	if (!s->psi || !s->runq || !s->self) {
		satstore_free(s);
		return NULL;
	}
	return s;
}

void satstore_clear(struct satstore *s)
{
	unsigned window = s->window;
	struct series *psi = s->psi, *runq = s->runq, *self = s->self;

	for (int i = 0; i < s->ndevs; i++)
		series_free(s->devs[i].ts);
	for (int i = 0; i < SAT_TICK_RING; i++)
		free(s->ticks[i].json);
	/* Everything learnt goes; the window and the series' memory stay. */
	memset(s, 0, sizeof(*s));
	s->window = window;
	s->last_sec = -1;
	s->psi = psi;
	s->runq = runq;
	s->self = self;
	if (psi)
		series_clear(psi);
	if (runq)
		series_clear(runq);
	if (self)
		series_clear(self);
}

void satstore_free(struct satstore *s)
{
	if (!s)
		return;
	satstore_clear(s);
	series_free(s->psi);
	series_free(s->runq);
	series_free(s->self);
	free(s);
}

void satstore_put_tick(struct satstore *s, int64_t sec, char *json)
{
	size_t i = (size_t)sec % SAT_TICK_RING;

	free(s->ticks[i].json);
	s->ticks[i].sec = sec;
	s->ticks[i].json = json;
}

const char *satstore_get_tick(const struct satstore *s, int64_t sec)
{
	size_t i = (size_t)sec % SAT_TICK_RING;

	return s->ticks[i].json && s->ticks[i].sec == sec ? s->ticks[i].json : NULL;
}

struct sat_dev *satstore_dev(struct satstore *s, const char *name)
{
	struct sat_dev *d;

	for (int i = 0; i < s->ndevs; i++)
		if (!strcmp(s->devs[i].name, name))
			return &s->devs[i];
	if (s->ndevs >= SAT_MAX_DEVS) {
		s->devs_left_out++;
		return NULL;
	}
	d = &s->devs[s->ndevs];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->rotational = -1;
	d->ts = series_new(s->window, SAT_DEV_NFIELDS);
	if (!d->ts)
		return NULL;
	s->ndevs++;
	return d;
}

const struct sat_pmc *satstore_pmc(const struct satstore *s, uint32_t pid)
{
	int lo = 0, hi = s->npmc;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (s->pmc[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->npmc && s->pmc[lo].pid == pid ? &s->pmc[lo] : NULL;
}

const struct sat_faults *satstore_faults(const struct satstore *s, uint32_t pid)
{
	for (int i = 0; i < s->nfaults; i++)
		if (s->faults[i].pid == pid)
			return &s->faults[i];
	return NULL;
}
