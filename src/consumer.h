/* The consumer thread: wait on the source, drain it into the engine. */
#ifndef PERFLENS_CONSUMER_H
#define PERFLENS_CONSUMER_H

#include <pthread.h>
#include <stdbool.h>

#include "engine.h"
#include "source.h"

struct consumer {
	pthread_t thread;
	struct pl_source *src;
	struct engine *eng;
	int interval_ms;      /* drain timer; 10 ms */
	volatile bool stop;
	volatile bool eof;    /* the source said it is finished */
	int error;            /* -errno that ended it, 0 otherwise */
	bool running;
};

int consumer_start(struct consumer *c, struct pl_source *src, struct engine *eng, int interval_ms);
/* Stop, drain what is left, join. */
void consumer_stop(struct consumer *c);

#endif
