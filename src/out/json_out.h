/*
 * Events and summaries as JSON (json-c only: it escapes control bytes, and
 * every string is made valid UTF-8 and scrubbed first).
 */
#ifndef PERFLENS_JSON_OUT_H
#define PERFLENS_JSON_OUT_H

#include <json-c/json.h>
#include <stdio.h>

#include "../event.h"
#include "idnames.h"

struct json_out_ctx {
	uint64_t origin_ns; /* monotonic ns of ts 0 */
	/* Append a stack's frames as strings to arr; NULL: stacks left out. */
	void (*frames)(void *ctx, uint32_t stack_id, json_object *arr);
	void *frames_ctx;
	/* The tick object for a second; NULL: tick lines left out. */
	json_object *(*tick)(void *ctx, int64_t sec);
	void *tick_ctx;
	/* Cgroup paths and namespace pids (the writer thread's); NULL: left out. */
	struct idnames *ids;
};

/* A JSON string from hostile bytes: valid UTF-8, scrubbed. */
json_object *json_out_string(const char *raw);
/* Valid UTF-8 but not scrubbed: for symbol names, which hold no secrets
 * and which the entropy rule would mangle (entry_SYSCALL_64_after_hwframe). */
json_object *json_out_symbol(const char *raw);
/* A number with a fixed count of decimals (json-c would print 17 digits). */
json_object *json_out_fixed(double v, int decimals);
/* One event as an object ({"type":..., "ts":..., ...}); NULL when the
 * event has no JSON form (a tick without ctx->tick). */
json_object *json_out_event(const struct pl_event *ev, const struct json_out_ctx *ctx);
/* Print obj as one line and release it.  Returns 0 or -errno. */
int json_out_print(FILE *f, json_object *obj);

#endif
