#include "eventlog.h"

#include <errno.h>
#include <stdlib.h>

struct eventlog {
	size_t cap;
	size_t head;  /* slot the next push writes */
	size_t count;
	uint64_t total;
	uint64_t overwritten;
	struct pl_event *ev;
};

struct eventlog *eventlog_new(size_t cap)
{
	struct eventlog *log = NULL;

	if (cap == 0) {
		errno = EINVAL;
		goto fail;
	}
	log = calloc(1, sizeof(*log));
	if (!log)
		goto fail;
	/* calloc checks cap * size for overflow, malloc would not. */
	log->ev = calloc(cap, sizeof(*log->ev));
	if (!log->ev)
		goto fail;
	log->cap = cap;
	return log;
fail:
	eventlog_free(log);
	return NULL;
}

void eventlog_clear(struct eventlog *log)
{
	log->head = log->count = 0;
	log->total = log->overwritten = 0;
}

void eventlog_free(struct eventlog *log)
{
	if (!log)
		return;
	free(log->ev);
	free(log);
}

void eventlog_push(struct eventlog *log, const struct pl_event *ev)
{
	log->ev[log->head] = *ev;
	log->head = log->head + 1 == log->cap ? 0 : log->head + 1;
	log->total++;
	if (log->count < log->cap)
		log->count++;
	else
		log->overwritten++;
}

size_t eventlog_count(const struct eventlog *log)
{
	return log->count;
}

const struct pl_event *eventlog_get(const struct eventlog *log, size_t i)
{
	if (i >= log->count)
		return NULL;
	/* head - 1 is the newest; step back i more, wrapping below 0. */
	size_t back = i + 1;
	size_t idx = log->head >= back ? log->head - back : log->cap - (back - log->head);
	return &log->ev[idx];
}

uint64_t eventlog_total(const struct eventlog *log)
{
	return log->total;
}

uint64_t eventlog_overwritten(const struct eventlog *log)
{
	return log->overwritten;
}
