#include "evqueue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int evqueue_init(struct evqueue *q, size_t cap)
{
	size_t c = 1;

	memset(q, 0, sizeof(*q));
	while (c < cap)
		c <<= 1;
	q->ring = calloc(c, sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->cap = c;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	return 0;
}

void evqueue_destroy(struct evqueue *q)
{
	if (!q->ring)
		return;
	free(q->ring);
	q->ring = NULL;
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

static void wake(struct evqueue *q)
{
	pthread_mutex_lock(&q->lock);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

bool evqueue_push(struct evqueue *q, const struct pl_event *ev)
{
	uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
	uint64_t t = atomic_load_explicit(&q->tail, memory_order_acquire);

	if (atomic_load_explicit(&q->closed, memory_order_relaxed) || h - t >= q->cap) {
		atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
		return false;
	}
	q->ring[h & (q->cap - 1)] = *ev;
	/* Release: the writer that sees the new head sees the event. */
	atomic_store_explicit(&q->head, h + 1, memory_order_release);
	atomic_fetch_add_explicit(&q->pushed, 1, memory_order_relaxed);
	if (h + 1 - t == q->cap / 2)
		wake(q);
	return true;
}

static size_t take(struct evqueue *q, struct pl_event *out, size_t max)
{
	uint64_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint64_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	size_t n = h - t < max ? (size_t)(h - t) : max;

	for (size_t i = 0; i < n; i++)
		out[i] = q->ring[(t + i) & (q->cap - 1)];
	atomic_store_explicit(&q->tail, t + n, memory_order_release);
	return n;
}

size_t evqueue_pop_timed(struct evqueue *q, struct pl_event *out, size_t max, int timeout_ms)
{
	struct timespec until;
	size_t n = take(q, out, max);

	if (n || atomic_load(&q->closed))
		return n ? n : take(q, out, max);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	until.tv_sec += timeout_ms / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&q->lock);
	/* A push between take() and here may not wake us: the timeout bounds it. */
	if (!atomic_load(&q->closed))
		pthread_cond_timedwait(&q->cond, &q->lock, &until);
	pthread_mutex_unlock(&q->lock);
	return take(q, out, max);
}

bool evqueue_finished(struct evqueue *q)
{
	return atomic_load(&q->closed) &&
	       atomic_load(&q->head) == atomic_load(&q->tail);
}

void evqueue_close(struct evqueue *q)
{
	atomic_store(&q->closed, true);
	wake(q);
}

uint64_t evqueue_dropped(struct evqueue *q)
{
	return atomic_load(&q->dropped);
}
