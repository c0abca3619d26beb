/* The headless printer: a writer thread turning queued events into JSON lines. */
#ifndef PERFLENS_JSON_WRITER_H
#define PERFLENS_JSON_WRITER_H

#include <pthread.h>
#include <stdio.h>

#include "evqueue.h"
#include "json_out.h"

struct json_writer {
	struct evqueue q;
	pthread_t thread;
	FILE *out;
	struct json_out_ctx ctx;
	uint64_t written;
	uint64_t dropped;   /* queue full: valid after stop */
	int error;          /* first write error (-errno), e.g. EPIPE */
	bool running;
};

int json_writer_start(struct json_writer *w, FILE *out, size_t cap, const struct json_out_ctx *ctx);
/* An engine tap (ctx = writer): queue the event, dropping when full. */
void json_writer_tap(void *ctx, const struct pl_event *ev);
/* Print what is queued, then join and free the queue (dropped is kept). */
void json_writer_stop(struct json_writer *w);

#endif
