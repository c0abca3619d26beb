#include "ai_store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/sanitize.h"
#include "ai_json.h"

struct ai_store {
	pthread_mutex_t lock;
	struct ai_record *ring;
	size_t cap, head, count;       /* head: the next slot written */
	struct ai_store_stats st;
};

struct ai_store *ai_store_new(size_t cap)
{
	struct ai_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = cap ? cap : AI_STORE_CAP;
	s->ring = calloc(s->cap, sizeof(*s->ring));
	if (!s->ring || pthread_mutex_init(&s->lock, NULL)) {
		free(s->ring);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void ai_store_free(struct ai_store *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->ring);
	free(s);
}

void ai_store_reset(struct ai_store *s)
{
	uint64_t gen;

	pthread_mutex_lock(&s->lock);
	gen = s->st.gen;
	s->head = s->count = 0;
	s->st = (struct ai_store_stats){ .gen = gen + 1 };
	pthread_mutex_unlock(&s->lock);
}

void ai_store_add(struct ai_store *s, const struct ai_record *r)
{
	pthread_mutex_lock(&s->lock);
	s->ring[s->head] = *r;
	s->head = (s->head + 1) % s->cap;
	if (s->count == s->cap)
		s->st.dropped++;
	else
		s->count++;
	s->st.added++;
	s->st.prompt_tokens += r->prompt_tokens > 0 ? (uint64_t)r->prompt_tokens : 0;
	s->st.completion_tokens += r->completion_tokens > 0 ? (uint64_t)r->completion_tokens : 0;
	s->st.gen++;
	pthread_mutex_unlock(&s->lock);
}

size_t ai_store_list(struct ai_store *s, struct ai_record *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->count < max ? s->count : max;
	for (size_t i = 0; i < n; i++)
		out[i] = s->ring[(s->head + s->cap - 1 - i) % s->cap];
	pthread_mutex_unlock(&s->lock);
	return n;
}

void ai_store_stats(struct ai_store *s, struct ai_store_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	out->count = s->count;
	pthread_mutex_unlock(&s->lock);
}

/* ---- the {"type":"ai"} line ------------------------------------------------------ */

/* {"kind":"pid","pid":812} or {"kind":"dev","name":"sda"}: what a jump needs. */
static json_object *target_json(const struct ai_evidence *e)
{
	json_object *o = json_object_new_object();

	ai_json_add(o, "kind", json_object_new_string(ai_evidence_kind_name(e->kind)));
	if (e->pid)
		ai_json_add(o, "pid", json_object_new_int64(e->pid));
	if (e->name[0])
		ai_json_add(o, "name", json_object_new_string(e->name));
	if (e->kind == AI_EV_FINDING)
		ai_json_add(o, "finding_id", json_object_new_int64((int64_t)e->finding_id));
	return o;
}

json_object *ai_record_json(const struct ai_record *r, const char *label)
{
	json_object *o = json_object_new_object(), *a = ai_answer_json(&r->answer), *u, *f;

	ai_json_add(o, "type", json_object_new_string("ai"));
	ai_json_add(o, "ts", json_object_new_double(r->ts));
	json_object_object_foreach(a, key, val)
		ai_json_add(o, key, json_object_get(val));
	json_object_put(a);
	f = json_object_object_get(o, "findings");
	for (int i = 0; i < r->answer.nfindings && f; i++) {
		json_object *res = json_object_new_array(), *tg = json_object_new_array();

		for (int k = 0; k < r->answer.findings[i].nevidence; k++) {
			json_object_array_add(res, json_object_new_string(r->resolved[i][k]));
			json_object_array_add(tg, r->answer.findings[i].evidence_sent[k]
					      ? target_json(&r->target[i][k]) : NULL);
		}
		ai_json_add(json_object_array_get_idx(f, (size_t)i), "resolved", res);
		ai_json_add(json_object_array_get_idx(f, (size_t)i), "targets", tg);
	}
	ai_json_add(o, "model", json_object_new_string(r->model));
	ai_json_add(o, "format", json_object_new_string(r->format));
	ai_json_add(o, "latency_ms", json_object_new_int64((int64_t)(r->latency_s * 1e3)));
	u = json_object_new_object();
	ai_json_add(u, "prompt_tokens", json_object_new_int64(r->prompt_tokens));
	ai_json_add(u, "completion_tokens", json_object_new_int64(r->completion_tokens));
	ai_json_add(u, "estimated", json_object_new_boolean(r->usage_estimated));
	ai_json_add(o, "usage", u);
	ai_json_add(o, "prompt_tokens_est", json_object_new_int((int)r->prompt_tokens_est));
	ai_json_add(o, "lines_dropped", json_object_new_int(r->lines_dropped));
	if (label)
		ai_json_add(o, "label", json_object_new_string(label));
	return o;
}

static int64_t get_int(json_object *o, const char *k)
{
	json_object *v = json_object_object_get(o, k);

	return v ? json_object_get_int64(v) : 0;
}

static void get_str(char *dst, size_t dstsz, json_object *o, const char *k)
{
	const char *v = ai_json_str(o, k);

	sanitize_display(dst, dstsz, v ? v : "", v ? strlen(v) : 0);
}

static bool in_array(json_object *arr, const char *s)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s))
			return true;
	return false;
}

/* The ids the recorded findings cite that the recording says were sent. */
static void sent_ids(json_object *line, struct ai_ids *sent)
{
	json_object *fs = ai_json_get(line, "findings", json_type_array);

	ai_ids_clear(sent);
	for (size_t i = 0; fs && i < json_object_array_length(fs); i++) {
		json_object *f = json_object_array_get_idx(fs, i);
		json_object *ev = ai_json_get(f, "evidence", json_type_array);
		json_object *unknown = ai_json_get(f, "unknown_evidence", json_type_array);

		for (size_t k = 0; ev && k < json_object_array_length(ev); k++) {
			const char *id = json_object_get_string(json_object_array_get_idx(ev, k));

			if (id && !in_array(unknown, id))
				ai_ids_scan(sent, id);
		}
	}
}

/* A recorded target: kind, pid, name (raw, as a live one; sanitize to show). */
static void take_target(struct ai_evidence *e, json_object *o)
{
	int kind = ai_evidence_kind_of(ai_json_str(o, "kind"));
	const char *name = ai_json_str(o, "name");
	int64_t pid = get_int(o, "pid");

	memset(e, 0, sizeof(*e));
	if (kind < 0)
		return;
	e->kind = (enum ai_evidence_kind)kind;
	e->pid = pid > 0 && pid <= UINT32_MAX ? (uint32_t)pid : 0;
	e->finding_id = (uint64_t)get_int(o, "finding_id");
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
}

static void take_resolved(struct ai_record *r, json_object *line)
{
	json_object *fs = ai_json_get(line, "findings", json_type_array);

	for (int i = 0; i < r->answer.nfindings && fs; i++) {
		json_object *f = json_object_array_get_idx(fs, (size_t)i);
		json_object *res = ai_json_get(f, "resolved", json_type_array);
		json_object *tg = ai_json_get(f, "targets", json_type_array);

		for (int k = 0; k < r->answer.findings[i].nevidence; k++) {
			const char *v = res ? json_object_get_string(
						      json_object_array_get_idx(res, (size_t)k)) : NULL;
			json_object *t = tg ? json_object_array_get_idx(tg, (size_t)k) : NULL;

			sanitize_display(r->resolved[i][k], AI_RESOLVED_LEN, v ? v : "", v ? strlen(v) : 0);
			if (t && json_object_is_type(t, json_type_object))
				take_target(&r->target[i][k], t);
		}
	}
}

static int parse_line(json_object *line, struct ai_record *r, struct ai_ids *sent)
{
	json_object *u = ai_json_get(line, "usage", json_type_object), *v;
	const char *text = json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN);
	const char *type = ai_json_str(line, "type");
	char err[160];

	if (!type || strcmp(type, "ai") || !text)
		return -EINVAL;
	sent_ids(line, sent);
	/* The same validator as a live answer: enums, bounds, sanitizing. */
	if (ai_answer_parse(text, strlen(text), json_object_get_boolean(
				    json_object_object_get(line, "truncated")), sent, NULL,
			    &r->answer, err, sizeof(err)))
		return -EINVAL;
	r->answer.dropped = (int)get_int(line, "dropped");
	r->ts = (v = json_object_object_get(line, "ts")) ? json_object_get_double(v) : 0;
	take_resolved(r, line);
	r->latency_s = (double)get_int(line, "latency_ms") / 1e3;
	r->prompt_tokens = u ? get_int(u, "prompt_tokens") : 0;
	r->completion_tokens = u ? get_int(u, "completion_tokens") : 0;
	r->usage_estimated = u && json_object_get_boolean(json_object_object_get(u, "estimated"));
	r->prompt_tokens_est = (unsigned)get_int(line, "prompt_tokens_est");
	r->lines_dropped = (int)get_int(line, "lines_dropped");
	get_str(r->model, sizeof(r->model), line, "model");
	get_str(r->format, sizeof(r->format), line, "format");
	return 0;
}

int ai_store_add_json(struct ai_store *s, json_object *line)
{
	struct ai_record *r = calloc(1, sizeof(*r));
	struct ai_ids *sent = malloc(sizeof(*sent));
	int rc = -ENOMEM;

	if (r && sent)
		rc = line ? parse_line(line, r, sent) : -EINVAL;
	if (!rc) {
		ai_store_add(s, r);
	} else {
		pthread_mutex_lock(&s->lock);
		s->st.rejected++;
		pthread_mutex_unlock(&s->lock);
	}
	free(r);
	free(sent);
	return rc;
}

void ai_store_feed_line(void *ctx, json_object *line)
{
	ai_store_add_json(ctx, line); /* an unusable line is counted in rejected */
}

void ai_store_feed_reset(void *ctx)
{
	ai_store_reset(ctx);
}
