#include "evqueue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int evqueue_init(struct evqueue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->ring = calloc(cap, sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->cap = cap;
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

bool evqueue_push(struct evqueue *q, const struct pl_event *ev)
{
	bool ok;

	pthread_mutex_lock(&q->lock);
	ok = !q->closed && q->len < q->cap;
	if (ok) {
		q->ring[(q->head + q->len) % q->cap] = *ev;
		q->len++;
		q->pushed++;
		/* Wake the writer once per batch, not per event. */
		if (q->len == 1)
			pthread_cond_signal(&q->cond);
	} else {
		q->dropped++;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

static size_t take(struct evqueue *q, struct pl_event *out, size_t max)
{
	size_t n = 0;

	while (n < max && q->len) {
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	return n;
}

size_t evqueue_pop(struct evqueue *q, struct pl_event *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	while (!q->len && !q->closed)
		pthread_cond_wait(&q->cond, &q->lock);
	n = take(q, out, max);
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t evqueue_pop_timed(struct evqueue *q, struct pl_event *out, size_t max, int timeout_ms)
{
	struct timespec until;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	until.tv_sec += timeout_ms / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&q->lock);
	while (!q->len && !q->closed)
		if (pthread_cond_timedwait(&q->cond, &q->lock, &until))
			break;
	n = take(q, out, max);
	pthread_mutex_unlock(&q->lock);
	return n;
}

bool evqueue_finished(struct evqueue *q)
{
	bool done;

	pthread_mutex_lock(&q->lock);
	done = q->closed && !q->len;
	pthread_mutex_unlock(&q->lock);
	return done;
}

void evqueue_close(struct evqueue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

uint64_t evqueue_dropped(struct evqueue *q)
{
	uint64_t d;

	pthread_mutex_lock(&q->lock);
	d = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return d;
}
