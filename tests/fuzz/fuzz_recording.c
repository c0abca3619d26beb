/*
 * libFuzzer target: arbitrary bytes as a recording, replayed into the
 * stores (finding lines into a findings store and answers into the AI
 * answers store, as the screen's replay does) and through the JSON printer.
 * Recordings are handed between people: the reader must fail cleanly,
 * never crash.  The stores are made once and emptied between inputs with
 * the resets a replay's seek uses: fresh ones cost ~8 ms of page faults per
 * input, and this fuzzes the resets too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/ai_store.h"
#include "engine.h"
#include "findings/findings_json.h"
#include "out/json_out.h"
#include "record/replay.h"

static struct json_out_ctx jctx;

static void on_event(void *ctx, const struct pl_event *ev)
{
	json_object *o;

	engine_ingest(ctx, ev);
	o = json_out_event(ev, &jctx);
	if (o)
		json_object_to_json_string(o);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct engine_config cfg = {
		.window_s = 10, .eventlog_cap = 64, .proc_cap = 256,
		.keep_exited_ns = 1000000000ull, .stack_cap = 256, .agg_cap = 256,
	};
	static struct engine *e;
	static struct findings *f;
	static struct ai_store *answers;
	static struct ai_record latest;
	struct finding list[16];
	struct findings_health h;
	struct pl_source *src;
	char err[256];
	bool damaged;

	if (!e) {
		e = engine_new(&cfg);
		f = findings_new(&(struct findings_config){ .history_cap = 8 });
		answers = ai_store_new(4);
		if (!e || !f || !answers)
			abort();
	}
	engine_lock(e);
	engine_reset(e);
	engine_unlock(e);
	findings_reset(f);
	ai_store_reset(answers);
	src = replay_source_new_mem(data, size, (struct pl_sink){ on_event, e }, e, err, sizeof(err));
	if (!src)
		return 0;
	replay_feed(src, REPLAY_FINDINGS,
		    (struct replay_feed){ findings_json_apply, findings_json_reset, f });
	replay_feed(src, REPLAY_AI,
		    (struct replay_feed){ ai_store_feed_line, ai_store_feed_reset, answers });
	for (int i = 0; i < 1000 && source_drain(src) >= 0; i++)
		;
	/* Time travel over the same bytes: a seek back resets and re-reads. */
	replay_seek(src, replay_info(src)->start_mono_ns + (size ? data[size / 2] : 0) *
				 100000000ull);
	for (int i = 0; i < 1000 && source_drain(src) >= 0; i++)
		;
	findings_list(f, list, 16, true);
	findings_health(f, &h);
	ai_store_list(answers, &latest, 1);
	replay_problem(src, &damaged);
	source_free(src);
	return 0;
}
