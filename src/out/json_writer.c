#include "json_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WRITER_BATCH 256

static void *writer_main(void *arg)
{
	struct json_writer *w = arg;
	struct pl_event *batch = malloc(WRITER_BATCH * sizeof(*batch));
	size_t n;

	pthread_setname_np(pthread_self(), "pl-json"); /* for top -H, perf and gdb */

	if (!batch) {
		w->error = -ENOMEM;
		return NULL;
	}
	/* Drain every 50 ms (or at half full): never a wakeup per event. */
	while ((n = evqueue_pop_timed(&w->q, batch, WRITER_BATCH, 50)) > 0 ||
	       !evqueue_finished(&w->q)) {
		for (size_t i = 0; i < n && !w->error; i++) {
			w->error = json_out_print(w->out, json_out_event(&batch[i], &w->ctx));
			w->written += !w->error;
		}
		if (n && !w->error && fflush(w->out))
			w->error = -errno;
	}
	free(batch);
	return NULL;
}

int json_writer_start(struct json_writer *w, FILE *out, size_t cap, const struct json_out_ctx *ctx)
{
	int e;

	memset(w, 0, sizeof(*w));
	w->out = out;
	w->ctx = *ctx;
	e = evqueue_init(&w->q, cap);
	if (e)
		return e;
	e = pthread_create(&w->thread, NULL, writer_main, w);
	if (e) {
		evqueue_destroy(&w->q);
		return -e;
	}
	w->running = true;
	return 0;
}

void json_writer_tap(void *ctx, const struct pl_event *ev)
{
	struct json_writer *w = ctx;

	/* Samples are aggregated (summary "hot"), never printed one by one. */
	if (ev->type != PL_EV_SAMPLE)
		evqueue_push(&w->q, ev);
}

void json_writer_stop(struct json_writer *w)
{
	if (!w->running)
		return;
	evqueue_close(&w->q);
	pthread_join(w->thread, NULL);
	w->dropped = evqueue_dropped(&w->q);
	evqueue_destroy(&w->q);
	w->running = false;
}
