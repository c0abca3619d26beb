#include "ai_worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/sanitize.h"
#include "../util/scrub.h"
#include "ai_anon.h"
#include "ai_http.h"
#include "ai_iostat.h"
#include "ai_json.h"
#include "ai_prompt.h"
#include "ai_request.h"
#include "ai_snapshot.h"
#include "ai_sse.h"

#define AI_TRIES 3                 /* retryable failures before a pause */
#define AI_ADAPT_MAX 4             /* protocol adaptations in one question */
#define RETRY_AFTER_MAX_S 120.0    /* a longer Retry-After pauses instead */
#define PAUSE_S 300
#define CONTENT_MAX (256u * 1024u)
#define IOSTAT_CAP 4096
#define NS 1000000000ull

struct ai_worker {
	struct ai_worker_opts o;
	struct ai_config cfg;
	char pmu[32];
	char url[600];
	struct ai_iostat *io;
	struct ai_http *http;
	struct ai_anon *anon;          /* NULL unless --ai-anonymize */
	struct ai_store *store;
	bool own_store;
	pthread_t thread;
	bool started;

	pthread_mutex_t lock;          /* guards the block below */
	pthread_cond_t cond;
	bool stop, ask;
	struct ai_view view;
	struct ai_snapshot *ev_snap;   /* what the latest answer was asked about */
	uint64_t next_check_ns;
	uint64_t pause_until_ns;       /* paused: no timed checks before this */
	bool halted;                   /* final error: no timed checks until asked */

	/* the worker thread only */
	struct ai_snapshot *snap;
	enum ai_format fmt;
	bool max_completion, no_temperature;
	bool have_fp;
	uint64_t fp, answered_fp;
	uint64_t seed;
	char prev_headline[512];
};

/* One question: the prompt, the body, and the attempt in flight. */
struct cycle {
	struct ai_worker *w;
	struct ai_prompt prompt;
	char *body;
	size_t body_len;
	struct ai_stream stream;
	size_t shown_len;              /* content already turned into a partial headline */
	uint64_t t0;
	char error[512];               /* raw: scrubbed and sanitized when published */
	double retry_after_s;
};

enum outcome { OUT_DONE, OUT_CANCELLED, OUT_RETRY, OUT_FINAL, OUT_ADAPT };

const char *ai_status_name(enum ai_status s)
{
	static const char *const names[] = { "off", "idle", "requesting", "streaming", "error",
					     "paused" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* ---- publishing ---------------------------------------------------------------- */

static void emit(struct ai_worker *w, json_object *line)
{
	if (w->o.emit)
		w->o.emit(w->o.emit_ctx, line);
	else
		json_object_put(line);
}

static void log_line(struct ai_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(struct ai_worker *w, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!w->o.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	w->o.log(w->o.log_ctx, line);
}

static double now_ts(const struct ai_worker *w)
{
	return engine_ts(w->o.eng, engine_now_ns());
}

/* Raw text (a server's message, our own words) -> display-safe, scrubbed. */
static void safe_text(char *dst, size_t dstsz, const char *raw)
{
	char scrubbed[512];

	scrub_copy(scrubbed, sizeof(scrubbed), raw);
	sanitize_display(dst, dstsz, scrubbed, (size_t)-1);
}

static void set_status(struct ai_worker *w, enum ai_status st, const char *msg)
{
	pthread_mutex_lock(&w->lock);
	w->view.status = st;
	safe_text(w->view.message, sizeof(w->view.message), msg ? msg : "");
	if (st != AI_ST_STREAMING) {
		w->view.partial_headline[0] = '\0';
		w->view.partial_bytes = 0;
	}
	pthread_mutex_unlock(&w->lock);
}

/* A failure or pause, published and emitted as {"type":"ai_status"}. */
static void report(struct ai_worker *w, enum ai_status st, bool final, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct ai_worker *w, enum ai_status st, bool final, const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char raw[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	set_status(w, st, raw);
	pthread_mutex_lock(&w->lock);
	w->view.failures++;
	ai_json_add(o, "type", json_object_new_string("ai_status"));
	ai_json_add(o, "ts", json_object_new_double(now_ts(w)));
	ai_json_add(o, "status", json_object_new_string(ai_status_name(st)));
	ai_json_add(o, "message", json_object_new_string(w->view.message));
	pthread_mutex_unlock(&w->lock);
	ai_json_add(o, "final", json_object_new_boolean(final));
	emit(w, o);
	log_line(w, "ai: %s: %s", ai_status_name(st), raw);
}

struct usage {
	int64_t prompt, completion;
	bool estimated;
};

/* The answer as the store keeps it, with what each cited id pointed at in
 * the snapshot it was asked about. */
static void make_record(struct ai_worker *w, struct cycle *c, const struct ai_answer *a,
			struct usage u, struct ai_record *r)
{
	memset(r, 0, sizeof(*r));
	r->ts = now_ts(w);
	r->answer = *a;
	for (int i = 0; i < a->nfindings; i++)
		for (int k = 0; k < a->findings[i].nevidence; k++)
			if (a->findings[i].evidence_sent[k]) {
				ai_evidence_describe(w->snap, a->findings[i].evidence[k],
						     r->resolved[i][k], AI_RESOLVED_LEN);
				ai_evidence_of(w->snap, a->findings[i].evidence[k], &r->target[i][k]);
			}
	r->latency_s = (double)(engine_now_ns() - c->t0) / 1e9;
	r->prompt_tokens = u.prompt;
	r->completion_tokens = u.completion;
	r->usage_estimated = u.estimated;
	r->prompt_tokens_est = c->prompt.tokens_est;
	r->lines_dropped = c->prompt.lines_dropped;
	pthread_mutex_lock(&w->lock);
	memcpy(r->model, w->view.model, sizeof(r->model));
	memcpy(r->format, w->view.format, sizeof(r->format));
	pthread_mutex_unlock(&w->lock);
}

static void publish_answer(struct ai_worker *w, struct cycle *c, const struct ai_answer *a,
			   struct usage u)
{
	struct ai_record *r = malloc(sizeof(*r));
	struct ai_snapshot *old;

	if (!r) {
		report(w, AI_ST_ERROR, false, "out of memory");
		return;
	}
	make_record(w, c, a, u, r);
	ai_store_add(w->store, r);
	pthread_mutex_lock(&w->lock);
	w->view.status = AI_ST_IDLE;
	w->view.message[0] = w->view.partial_headline[0] = '\0';
	w->view.partial_bytes = 0;
	w->view.have_answer = true;
	old = w->ev_snap; /* the evidence now refers to this question's snapshot */
	w->ev_snap = w->snap;
	w->snap = old;
	pthread_mutex_unlock(&w->lock);
	snprintf(w->prev_headline, sizeof(w->prev_headline), "%s", a->headline);
	w->answered_fp = w->fp;
	log_line(w, "ai: answer: %s, %d finding(s), %d unverified, tokens %lld+%lld%s",
		 ai_severity_name(a->severity), a->nfindings, a->unverified, (long long)u.prompt,
		 (long long)u.completion, u.estimated ? " (estimated)" : "");
	emit(w, ai_record_json(r, AI_LABEL));
	free(r);
}

/* ---- one question ---------------------------------------------------------------- */

static int take_snapshot(struct ai_worker *w, struct ai_snapshot *s, bool mark)
{
	struct ai_snap_opts so = {
		.eng = w->o.eng, .io = w->io, .res = w->o.res, .self_pid = w->o.self_pid,
		.win_s = w->cfg.interval_s, .full_cmdline = w->cfg.full_cmdline, .mark = mark,
		.threshold_ns = w->o.threshold_ns, .block_threshold_ns = w->o.block_threshold_ns,
		.pmu = w->pmu, .drops = w->o.drops, .drops_ctx = w->o.drops_ctx,
		.findings = w->o.findings,
	};

	return ai_snapshot_take(&so, s);
}

static int build_body(struct cycle *c)
{
	struct ai_worker *w = c->w;
	struct ai_body_opts bo = {
		.model = w->cfg.model[0] ? w->cfg.model : "unset", .system = c->prompt.system,
		.user = c->prompt.user, .max_tokens = w->cfg.max_tokens,
		.max_completion_tokens = w->max_completion, .no_temperature = w->no_temperature,
		.stream = true, .fmt = w->fmt,
	};

	free(c->body);
	c->body = ai_request_body(&bo, &c->body_len);
	return c->body ? 0 : -ENOMEM;
}

static int build(struct cycle *c)
{
	struct ai_worker *w = c->w;
	struct ai_prompt_opts po = { .budget_tokens = w->cfg.budget_tokens,
				     .prev_headline = w->prev_headline, .anon = w->anon };
	int rc = ai_prompt_build(w->snap, &po, &c->prompt);

	if (rc)
		return rc;
	pthread_mutex_lock(&w->lock);
	w->view.prompt_tokens_est = c->prompt.tokens_est;
	w->view.lines_dropped = c->prompt.lines_dropped;
	pthread_mutex_unlock(&w->lock);
	return build_body(c);
}

/* Tokens arriving: feed the parser, show the headline as it grows. */
static int on_data(void *ctx, const char *buf, size_t n)
{
	struct cycle *c = ctx;
	struct ai_worker *w = c->w;
	int rc = ai_stream_feed(&c->stream, buf, n);

	if (c->stream.clen == c->shown_len)
		return rc;
	c->shown_len = c->stream.clen;
	pthread_mutex_lock(&w->lock);
	w->view.status = AI_ST_STREAMING;
	w->view.partial_bytes = c->stream.clen;
	ai_partial_headline(c->stream.content, c->stream.clen, w->view.partial_headline,
			    sizeof(w->view.partial_headline));
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* What a 2xx response carried: pointers into the stream or comp. */
struct reply {
	const char *content;
	size_t len;
	const char *finish_reason;
	struct usage u;
	bool cut;
};

/* The reply of a 2xx response: streamed, an SSE body sent without the
 * event-stream type, or one chat.completion object (into comp). */
static enum outcome take_reply(struct cycle *c, const struct ai_http_resp *r,
			       struct ai_completion *comp, struct reply *out)
{
	struct ai_stream *st = &c->stream;

	if (!r->streamed && r->body && !strncmp(r->body + strspn(r->body, " \r\n"), "data:", 5))
		ai_stream_feed(st, r->body, r->len);
	if (r->streamed || st->chunks || st->has_error) {
		if (ai_stream_finish(st) == -EPROTO) {
			snprintf(c->error, sizeof(c->error), "the server sent an error: %s", st->error);
			return strcmp(st->error_code, "insufficient_quota") ? OUT_RETRY : OUT_FINAL;
		}
		*out = (struct reply){ st->content, st->clen, st->finish_reason,
				       { st->prompt_tokens, st->completion_tokens, !st->have_usage },
				       st->content_cut };
		return OUT_DONE;
	}
	if (ai_completion_parse(r->body, r->len, comp, c->error, sizeof(c->error))) {
		report(c->w, AI_ST_ERROR, false, "unusable response: %s", c->error);
		out->content = NULL;
		return OUT_DONE;
	}
	*out = (struct reply){ comp->content, comp->len, comp->finish_reason,
			       { comp->prompt_tokens, comp->completion_tokens, !comp->have_usage },
			       false };
	return OUT_DONE;
}

/* Validate the reply and publish it, or say why it is unusable. */
static void accept_reply(struct cycle *c, struct reply *rp)
{
	struct ai_worker *w = c->w;
	struct ai_answer *a = malloc(sizeof(*a));

	if (rp->u.estimated) {
		rp->u.prompt = c->prompt.tokens_est;
		rp->u.completion = ai_tokens_est(rp->len);
	}
	if (!a)
		report(w, AI_ST_ERROR, false, "out of memory");
	else if (ai_answer_parse(rp->content, rp->len, !strcmp(rp->finish_reason, "length") || rp->cut,
				 &c->prompt.ids, w->anon, a, c->error, sizeof(c->error)))
		report(w, AI_ST_ERROR, false, "unusable answer: %s", c->error);
	else
		publish_answer(w, c, a, rp->u);
	free(a);
}

static enum outcome finish_answer(struct cycle *c, const struct ai_http_resp *r)
{
	struct ai_completion comp = { 0 };
	struct reply rp = { 0 };
	enum outcome out = take_reply(c, r, &comp, &rp);

	if (out == OUT_DONE && rp.content)
		accept_reply(c, &rp);
	ai_completion_free(&comp);
	return out;
}

/* A non-2xx status: what the server said, and what to do about it. */
static enum outcome http_error(struct cycle *c, const struct ai_http_resp *r)
{
	struct ai_worker *w = c->w;
	struct ai_error_info e;
	enum ai_verdict v;

	ai_error_parse(r->body, r->len, &e);
	v = ai_classify(r->status, false, &e, w->fmt);
	snprintf(c->error, sizeof(c->error), "HTTP %ld%s%s", r->status, e.message[0] ? ": " : "",
		 e.message);
	c->retry_after_s = r->retry_after_s;
	switch (v) {
	case AI_V_MAX_COMPLETION:
		if (w->max_completion)
			return OUT_FINAL;
		w->max_completion = true;
		return OUT_ADAPT;
	case AI_V_NO_TEMPERATURE:
		if (w->no_temperature)
			return OUT_FINAL;
		w->no_temperature = true;
		return OUT_ADAPT;
	case AI_V_DOWNGRADE:
		w->fmt = w->fmt == AI_FMT_JSON_SCHEMA ? AI_FMT_JSON_OBJECT : AI_FMT_PLAIN;
		return OUT_ADAPT;
	case AI_V_RETRY:
		return OUT_RETRY;
	default:
		return OUT_FINAL;
	}
}

static enum outcome transport_error(struct cycle *c, int rc, const struct ai_http_resp *r)
{
	switch (rc) {
	case -ECANCELED:
		return OUT_CANCELLED;
	case -EPROTO:
		snprintf(c->error, sizeof(c->error), "the server sent an error: %s", c->stream.error);
		return strcmp(c->stream.error_code, "insufficient_quota") ? OUT_RETRY : OUT_FINAL;
	case -EFBIG: /* a misbehaving server, not a network problem: no retry */
		report(c->w, AI_ST_ERROR, false, "the response is larger than the %u KiB cap",
		       (1u << 20) / 1024);
		return OUT_DONE;
	case -E2BIG:
		report(c->w, AI_ST_ERROR, false, "the stream has a line over %u KiB",
		       AI_SSE_LINE_MAX / 1024);
		return OUT_DONE;
	case -ENOMEM:
		snprintf(c->error, sizeof(c->error), "out of memory");
		return OUT_RETRY;
	case -EPERM:
		snprintf(c->error, sizeof(c->error), "%s", r->error);
		return OUT_FINAL;
	default:
		snprintf(c->error, sizeof(c->error), "%s", r->error[0] ? r->error : "no connection");
		return OUT_RETRY;
	}
}

static enum outcome exchange(struct cycle *c)
{
	struct ai_worker *w = c->w;
	struct ai_http_req rq = {
		.url = w->url, .key = w->cfg.key, .body = c->body, .body_len = c->body_len,
		.stream = true, .loopback = w->cfg.loopback,
		.connect_timeout_ms = w->o.connect_timeout_ms, .total_timeout_ms = w->o.total_timeout_ms,
	};
	struct ai_http_resp r;
	uint64_t t0 = engine_now_ns();
	enum outcome out;
	int rc;

	c->error[0] = '\0';
	c->retry_after_s = -1;
	c->shown_len = 0;
	ai_stream_free(&c->stream);
	ai_stream_init(&c->stream, CONTENT_MAX);
	pthread_mutex_lock(&w->lock);
	w->view.requests++;
	snprintf(w->view.format, sizeof(w->view.format), "%s", ai_format_name(w->fmt));
	pthread_mutex_unlock(&w->lock);
	set_status(w, AI_ST_REQUESTING, "");
	rc = ai_http_post(w->http, &rq, on_data, c, &r);
	if (rc)
		log_line(w, "ai: POST %s %zu B -> failed (%s), %.2f s, %zu B in", w->cfg.host,
			 c->body_len, r.error[0] ? r.error : strerror(-rc),
			 (double)(engine_now_ns() - t0) / 1e9, r.bytes_in);
	else
		log_line(w, "ai: POST %s %zu B -> HTTP %ld, %.2f s, %zu B in", w->cfg.host,
			 c->body_len, r.status, (double)(engine_now_ns() - t0) / 1e9, r.bytes_in);
	if (rc)
		out = transport_error(c, rc, &r);
	else if (r.status / 100 == 2)
		out = finish_answer(c, &r);
	else
		out = http_error(c, &r);
	ai_http_resp_free(&r);
	return out;
}

/* Sleep for ms unless told to stop.  True when stopping. */
static bool wait_ms(struct ai_worker *w, uint64_t ms)
{
	uint64_t until = engine_now_ns() + ms * 1000000ull;
	struct timespec ts = { (time_t)(until / NS), (long)(until % NS) };
	bool stop;

	pthread_mutex_lock(&w->lock);
	while (!w->stop && engine_now_ns() < until)
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	stop = w->stop;
	pthread_mutex_unlock(&w->lock);
	return stop;
}

static void pause_for(struct ai_worker *w, double secs, const char *why)
{
	pthread_mutex_lock(&w->lock);
	w->pause_until_ns = engine_now_ns() + (uint64_t)(secs * 1e9);
	pthread_mutex_unlock(&w->lock);
	report(w, AI_ST_PAUSED, false, "paused for %.0f s (press r to retry now): %s", secs, why);
}

/* A retryable failure: back off (Retry-After honoured) or, after the last
 * try, pause.  False when the question is over. */
static bool back_off(struct cycle *c, int tries)
{
	struct ai_worker *w = c->w;
	uint64_t ms;

	if (tries >= AI_TRIES) {
		pause_for(w, w->o.pause_s ? w->o.pause_s : PAUSE_S, c->error);
		return false;
	}
	if (c->retry_after_s > RETRY_AFTER_MAX_S) {
		pause_for(w, c->retry_after_s, c->error);
		return false;
	}
	ms = ai_backoff_ms(tries, c->retry_after_s, &w->seed);
	report(w, AI_ST_ERROR, false, "%s; try %d of %d in %.1f s", c->error, tries + 1, AI_TRIES,
	       (double)ms / 1e3);
	return !wait_ms(w, ms);
}

static void ask(struct cycle *c)
{
	struct ai_worker *w = c->w;
	int tries = 0, adapt = 0;

	c->t0 = engine_now_ns();
	for (;;) {
		switch (exchange(c)) {
		case OUT_DONE:
		case OUT_CANCELLED:
			return;
		case OUT_ADAPT:
			log_line(w, "ai: %s; retrying with format=%s%s%s", c->error,
				 ai_format_name(w->fmt), w->max_completion ? " max_completion_tokens" : "",
				 w->no_temperature ? " no temperature" : "");
			if (++adapt > AI_ADAPT_MAX || build_body(c))
				goto final;
			continue;
		case OUT_RETRY:
			if (!back_off(c, ++tries))
				return;
			continue;
		case OUT_FINAL:
			goto final;
		}
	}
final:
	pthread_mutex_lock(&w->lock);
	w->halted = true;
	pthread_mutex_unlock(&w->lock);
	report(w, AI_ST_ERROR, true, "%s (not retried: fix it and press r)", c->error);
}

/* Skip a timed check when there is nothing new to say. */
static bool nothing_new(struct ai_worker *w)
{
	if (!w->snap->events) {
		set_status(w, AI_ST_IDLE, "waiting for slow operations to analyse");
		return true;
	}
	if (w->have_fp && w->fp == w->answered_fp) {
		set_status(w, AI_ST_IDLE, "no material change since the last answer");
		return true;
	}
	return false;
}

static void run_cycle(struct ai_worker *w, bool asked)
{
	struct cycle c = { .w = w };

	if (take_snapshot(w, w->snap, false)) {
		report(w, AI_ST_ERROR, false, "out of memory taking the snapshot");
		return;
	}
	w->fp = ai_snapshot_fingerprint(w->snap);
	if (!asked && nothing_new(w))
		return;
	w->have_fp = true;
	if (w->io) {
		engine_lock(w->o.eng);
		ai_iostat_mark(w->io);
		engine_unlock(w->o.eng);
	}
	ai_stream_init(&c.stream, CONTENT_MAX);
	if (build(&c))
		report(w, AI_ST_ERROR, false, "out of memory building the prompt");
	else
		ask(&c);
	ai_stream_free(&c.stream);
	ai_prompt_free(&c.prompt);
	free(c.body);
}

/* ---- the thread --------------------------------------------------------------------- */

/* A timed check or an ask: pauses and final errors are lifted by an ask. */
static void tick(struct ai_worker *w, bool asked)
{
	bool skip;

	pthread_mutex_lock(&w->lock);
	if (asked)
		w->halted = false;
	if (asked || engine_now_ns() >= w->pause_until_ns)
		w->pause_until_ns = 0;
	skip = w->halted || w->pause_until_ns;
	pthread_mutex_unlock(&w->lock);
	if (!skip)
		run_cycle(w, asked);
}

static void *worker_main(void *arg)
{
	struct ai_worker *w = arg;
	uint64_t first = w->o.first_check_s ? w->o.first_check_s : w->cfg.interval_s;

	pthread_setname_np(pthread_self(), "pl-ai"); /* for top -H, perf and gdb */

	pthread_mutex_lock(&w->lock);
	w->next_check_ns = engine_now_ns() + first * NS;
	while (!w->stop) {
		bool asked = w->ask;

		if (!asked && engine_now_ns() < w->next_check_ns) {
			struct timespec ts = { (time_t)(w->next_check_ns / NS),
					       (long)(w->next_check_ns % NS) };

			pthread_cond_timedwait(&w->cond, &w->lock, &ts);
			continue;
		}
		w->ask = false;
		pthread_mutex_unlock(&w->lock);
		tick(w, asked);
		pthread_mutex_lock(&w->lock);
		w->next_check_ns = engine_now_ns() + (uint64_t)w->cfg.interval_s * NS;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* ---- the API ------------------------------------------------------------------------- */

static int init_sync(struct ai_worker *w)
{
	pthread_condattr_t ca;
	int err;

	if ((err = pthread_condattr_init(&ca)))
		return -err;
	/* Waits are against CLOCK_MONOTONIC: a clock step must not stall the AI. */
	err = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (!err && (err = pthread_mutex_init(&w->lock, NULL)))
		pthread_cond_destroy(&w->cond);
	return -err;
}

static void init_view(struct ai_worker *w)
{
	struct ai_view *v = &w->view;

	v->status = w->cfg.enabled ? AI_ST_IDLE : AI_ST_OFF;
	snprintf(v->message, sizeof(v->message), "%s",
		 w->cfg.enabled ? "waiting for the first check" : "not configured");
	safe_text(v->model, sizeof(v->model), w->cfg.model);
	safe_text(v->host, sizeof(v->host), w->cfg.host);
	snprintf(v->format, sizeof(v->format), "%s", ai_format_name(w->fmt));
}

struct ai_worker *ai_worker_new(const struct ai_worker_opts *o)
{
	struct ai_worker *w = calloc(1, sizeof(*w));
	int err = ENOMEM;

	if (!w)
		return NULL;
	w->o = *o;
	w->cfg = *o->cfg;
	w->o.cfg = &w->cfg;
	if (!w->o.self_pid)
		w->o.self_pid = (uint32_t)getpid();
	snprintf(w->pmu, sizeof(w->pmu), "%s", o->pmu ? o->pmu : "off");
	snprintf(w->url, sizeof(w->url), "%s/chat/completions", w->cfg.url);
	w->seed = engine_now_ns() ^ ((uint64_t)getpid() << 32);
	w->io = ai_iostat_new(IOSTAT_CAP);
	w->http = ai_http_new();
	w->snap = calloc(1, sizeof(*w->snap));
	w->ev_snap = calloc(1, sizeof(*w->ev_snap));
	w->anon = w->cfg.anonymize ? ai_anon_new() : NULL;
	w->own_store = !o->store;
	w->store = o->store ? o->store : ai_store_new(0);
	if (!w->io || !w->http || !w->snap || !w->ev_snap || (w->cfg.anonymize && !w->anon) ||
	    !w->store)
		goto fail;
	if ((err = -init_sync(w)))
		goto fail;
	init_view(w);
	return w;
fail:
	if (w->own_store)
		ai_store_free(w->store);
	ai_iostat_free(w->io);
	ai_http_free(w->http);
	free(w->snap);
	free(w->ev_snap);
	ai_anon_free(w->anon);
	explicit_bzero(&w->cfg, sizeof(w->cfg));
	free(w);
	errno = err;
	return NULL;
}

struct engine_tap ai_worker_tap(struct ai_worker *w)
{
	return (struct engine_tap){ ai_iostat_tap, w->io };
}

int ai_worker_start(struct ai_worker *w)
{
	int err;

	if (w->started || !w->cfg.enabled)
		return w->started ? 0 : -EINVAL;
	err = pthread_create(&w->thread, NULL, worker_main, w);
	if (err)
		return -err;
	w->started = true;
	return 0;
}

void ai_worker_ask_now(struct ai_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->ask = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

struct ai_store *ai_worker_store(struct ai_worker *w)
{
	return w ? w->store : NULL;
}

void ai_worker_view(struct ai_worker *w, struct ai_view *out)
{
	uint64_t now = engine_now_ns(), next;

	if (!w) {
		memset(out, 0, sizeof(*out));
		out->status = AI_ST_OFF;
		snprintf(out->message, sizeof(out->message), "not configured");
		out->next_check_s = -1;
		return;
	}
	pthread_mutex_lock(&w->lock);
	*out = w->view;
	next = w->next_check_ns > w->pause_until_ns ? w->next_check_ns : w->pause_until_ns;
	out->next_check_s = w->halted || !w->started ? -1
			    : next > now ? (double)(next - now) / 1e9 : 0;
	pthread_mutex_unlock(&w->lock);
}

int ai_worker_evidence(struct ai_worker *w, const char *id, struct ai_evidence *out)
{
	char norm[AI_ID_LEN];
	int rc = -ENOENT;

	if (!w || !ai_id_normalize(id, norm, sizeof(norm)))
		return -ENOENT;
	pthread_mutex_lock(&w->lock);
	if (w->view.have_answer)
		rc = ai_evidence_of(w->ev_snap, norm, out);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int ai_worker_dry_run(struct ai_worker *w, FILE *out)
{
	struct cycle c = { .w = w };
	int rc;

	rc = take_snapshot(w, w->snap, false);
	if (!rc)
		rc = build(&c);
	if (!rc && (fputs(c.body, out) == EOF || fputc('\n', out) == EOF || fflush(out)))
		rc = -EIO;
	ai_prompt_free(&c.prompt);
	free(c.body);
	return rc;
}

void ai_worker_stop(struct ai_worker *w)
{
	if (!w || !w->started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	ai_http_stop(w->http);
	pthread_join(w->thread, NULL);
	w->started = false;
	set_status(w, AI_ST_OFF, "stopped");
}

void ai_worker_free(struct ai_worker *w)
{
	if (!w)
		return;
	ai_worker_stop(w);
	ai_iostat_free(w->io);
	ai_http_free(w->http);
	ai_anon_free(w->anon);
	if (w->own_store)
		ai_store_free(w->store);
	free(w->snap);
	free(w->ev_snap);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	explicit_bzero(&w->cfg, sizeof(w->cfg));
	free(w);
}
