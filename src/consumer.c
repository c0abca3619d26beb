#include "consumer.h"

#include <errno.h>
#include <string.h>

static int drain_locked(struct consumer *c)
{
	int r;

	engine_lock(c->eng);
	r = source_drain(c->src);
	engine_unlock(c->eng);
	return r;
}

static void *consumer_main(void *arg)
{
	struct consumer *c = arg;

	pthread_setname_np(pthread_self(), "pl-consumer"); /* for top -H, perf and gdb */

	while (!c->stop) {
		int r = source_wait(c->src, c->interval_ms);

		if (r >= 0)
			r = drain_locked(c);
		if (r == PL_SOURCE_EOF) {
			c->eof = true;
			break;
		}
		if (r < 0) {
			c->error = r;
			break;
		}
	}
	return NULL;
}

int consumer_start(struct consumer *c, struct pl_source *src, struct engine *eng, int interval_ms)
{
	int e;

	memset(c, 0, sizeof(*c));
	c->src = src;
	c->eng = eng;
	c->interval_ms = interval_ms;
	e = pthread_create(&c->thread, NULL, consumer_main, c);
	c->running = e == 0;
	return -e;
}

void consumer_stop(struct consumer *c)
{
	if (!c->running)
		return;
	c->stop = true;
	pthread_join(c->thread, NULL);
	c->running = false;
	if (!c->eof && !c->error)
		drain_locked(c);
}
