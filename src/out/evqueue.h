/*
 * A bounded FIFO of events between the engine's taps and one writer thread
 * (JSON printer, recorder).  Single producer (taps run under the engine
 * lock, so pushes are serialised) and single consumer: a lock-free ring, so
 * a push is a copy and two atomic stores -- the writer copying a batch out
 * never stalls the consumer thread.  Push never blocks: when full the event
 * is dropped and counted.  The writer drains on its own timer
 * (evqueue_pop_timed) and is woken early only past half full, never per
 * event.
 */
#ifndef PERFLENS_EVQUEUE_H
#define PERFLENS_EVQUEUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"

struct evqueue {
	pthread_mutex_t lock;   /* only for sleeping and waking */
	pthread_cond_t cond;
	struct pl_event *ring;
	size_t cap;             /* a power of two */
	_Atomic uint64_t head;  /* next slot to write (producer) */
	_Atomic uint64_t tail;  /* next slot to read (consumer) */
	_Atomic uint64_t pushed, dropped;
	_Atomic bool closed;
};

/* cap is rounded up to a power of two.  0 or -ENOMEM. */
int evqueue_init(struct evqueue *q, size_t cap);
void evqueue_destroy(struct evqueue *q);
/* Copy ev in; false (and dropped++) when full or closed. */
bool evqueue_push(struct evqueue *q, const struct pl_event *ev);
/* Copy out up to max queued events, waiting up to timeout_ms when there are
 * none.  0 when none came (or the queue is closed and empty). */
size_t evqueue_pop_timed(struct evqueue *q, struct pl_event *out, size_t max, int timeout_ms);
/* True once closed and drained. */
bool evqueue_finished(struct evqueue *q);
/* No more pushes; the writer drains what is left. */
void evqueue_close(struct evqueue *q);
uint64_t evqueue_dropped(struct evqueue *q);

#endif
