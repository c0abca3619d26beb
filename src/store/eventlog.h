/*
 * Event log: a bounded ring of the most recent events (cap fixed at
 * creation).  The oldest is overwritten when full; overwritten counts how
 * many, so nothing leaves silently.
 */
#ifndef PERFLENS_EVENTLOG_H
#define PERFLENS_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct eventlog;

/* A log holding the last cap (>= 1) events.  NULL with errno on failure. */
struct eventlog *eventlog_new(size_t cap);
/* Accepts NULL. */
void eventlog_free(struct eventlog *log);
/* Back to empty, as new (replay seeks). */
void eventlog_clear(struct eventlog *log);
/* Copy ev in as the newest, overwriting the oldest when full. */
void eventlog_push(struct eventlog *log, const struct pl_event *ev);
/* Events held now (<= cap). */
size_t eventlog_count(const struct eventlog *log);
/* i = 0 is the newest; NULL when i >= count. */
const struct pl_event *eventlog_get(const struct eventlog *log, size_t i);
/* Events ever pushed. */
uint64_t eventlog_total(const struct eventlog *log);
/* Events pushed out by newer ones. */
uint64_t eventlog_overwritten(const struct eventlog *log);

#endif
