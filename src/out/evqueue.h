/*
 * A bounded FIFO of events between the consumer thread and one writer
 * thread (JSON printer, recorder).  Push never blocks: when full the event
 * is dropped and counted, so a slow stdout or disk never stalls the ring
 * buffer drain.
 */
#ifndef PERFLENS_EVQUEUE_H
#define PERFLENS_EVQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct evqueue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pl_event *ring;
	size_t cap, head, len;
	uint64_t pushed, dropped;
	bool closed;
};

int evqueue_init(struct evqueue *q, size_t cap);
void evqueue_destroy(struct evqueue *q);
/* Copy ev in; false (and dropped++) when full or closed. */
bool evqueue_push(struct evqueue *q, const struct pl_event *ev);
/* Wait for up to max events (or close); copy them out.  0 once closed and empty. */
size_t evqueue_pop(struct evqueue *q, struct pl_event *out, size_t max);
/* Like evqueue_pop, but returns 0 after timeout_ms with nothing queued. */
size_t evqueue_pop_timed(struct evqueue *q, struct pl_event *out, size_t max, int timeout_ms);
/* True once closed and drained. */
bool evqueue_finished(struct evqueue *q);
/* No more pushes; pop drains what is left and then returns 0. */
void evqueue_close(struct evqueue *q);
uint64_t evqueue_dropped(struct evqueue *q);

#endif
