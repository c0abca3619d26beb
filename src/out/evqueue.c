#include "evqueue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

size_t evqueue_pop(struct evqueue *q, struct pl_event *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&q->lock);
	while (!q->len && !q->closed)
		pthread_cond_wait(&q->cond, &q->lock);
	while (n < max && q->len) {
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
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
