/*
 * The AI worker: one background thread that, on a timer (the interval,
 * default 30 s) or at once on ai_worker_ask_now, takes a snapshot of the
 * stores, asks only when the bucketed aggregates changed materially since
 * the last answer (or when asked), builds the prompt, streams the answer
 * and validates it.  A hung, slow or failing endpoint never touches
 * capture or the UI: they read the published state (ai_worker_view) under
 * the worker's own mutex, and the engine lock is held only for the
 * snapshot's copies.
 *
 * Failures: 408/429/5xx/529 and connection errors are retried with
 * jittered backoff, honouring Retry-After, three tries at most; then the
 * AI is paused (status "paused", the reason in the message) for 5 minutes
 * or until ai_worker_ask_now.  A final error (401/403/404/422, other
 * 4xx, 429 insufficient_quota, TLS verification) stops the timer until
 * ai_worker_ask_now, with the server's message shown.  A 400 on
 * max_tokens is retried once with max_completion_tokens; a 400 on
 * response_format falls back json_schema -> json_object -> plain.
 *
 * Quitting: ai_worker_stop returns within a second even mid-request
 * (curl_multi_wakeup ends the transfer; waits are on a condition
 * variable).
 */
#ifndef PERFLENS_AI_WORKER_H
#define PERFLENS_AI_WORKER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../engine.h"
#include "ai_answer.h"
#include "ai_config.h"
#include "ai_evidence.h"
#include "ai_store.h"

struct stack_resolver;

enum ai_status {
	AI_ST_OFF,         /* not configured */
	AI_ST_IDLE,        /* waiting for the next check */
	AI_ST_REQUESTING,  /* request sent, no answer yet */
	AI_ST_STREAMING,   /* tokens arriving */
	AI_ST_ERROR,       /* the last request failed (message says why) */
	AI_ST_PAUSED,      /* retries exhausted: waiting 5 min or for ask_now */
};

/* How every surface labels an answer (the pane, JSON lines). */
#define AI_LABEL "AI suggestion \u2014 unverified"

/* The worker's state, copied out under its mutex.  The answers themselves
 * are in the AI answers store (ai_worker_store). */
struct ai_view {
	enum ai_status status;
	char message[512];             /* display-safe: why idle/error/paused */
	bool have_answer;              /* at least one answer this run */
	uint64_t requests, failures;
	char partial_headline[512];    /* while streaming, display-safe */
	size_t partial_bytes;
	double next_check_s;           /* from now; < 0 when none is scheduled */
	unsigned prompt_tokens_est;    /* of the last prompt built */
	int lines_dropped;             /* by the budget, last prompt */
	char model[128];
	char host[256];
	char format[16];               /* json_schema, json_object or plain */
};

struct ai_worker_opts {
	struct engine *eng;
	struct stack_resolver *res;    /* NULL: only frames resolved already */
	const struct ai_config *cfg;   /* copied */
	uint32_t self_pid;             /* 0: getpid() */
	uint64_t threshold_ns, block_threshold_ns;
	const char *pmu;               /* the sampling event, or "off" (copied) */
	uint64_t (*drops)(void *ctx);  /* events the source lost; may be NULL */
	void *drops_ctx;
	struct findings *findings;     /* the rule engine ([findings]); NULL: none */
	struct ai_store *store;        /* where answers go; NULL: the worker's own */
	/* Each answer as {"type":"ai",...}, each failure or pause as
	 * {"type":"ai_status",...}; the callback owns the object (put it).
	 * Runs on the worker thread. */
	void (*emit)(void *ctx, json_object *line);
	void *emit_ctx;
	/* One line of metadata per request (time, host, bytes, tokens,
	 * status); never a body or a header.  Worker thread. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
	long connect_timeout_ms;       /* 0: 10 s */
	long total_timeout_ms;         /* 0: 300 s streaming */
	unsigned first_check_s;        /* the first timed check; 0: the interval */
	unsigned pause_s;              /* after 3 failed tries; 0: 300 */
};

struct ai_worker;

/* Set up (no thread yet).  NULL with errno. */
struct ai_worker *ai_worker_new(const struct ai_worker_opts *o);
/* The engine tap feeding the worker's per-process+file table; add it
 * before capture starts. */
struct engine_tap ai_worker_tap(struct ai_worker *w);
/* Start the thread.  0 or -errno. */
int ai_worker_start(struct ai_worker *w);
/* Ask now (the 'r' key): also lifts a pause or a final error. */
void ai_worker_ask_now(struct ai_worker *w);
/* The answers store it fills (the one given, or its own). */
struct ai_store *ai_worker_store(struct ai_worker *w);
/* Copy the published state.  NULL w: status off. */
void ai_worker_view(struct ai_worker *w, struct ai_view *out);
/* What an id cited by the latest answer points at.  0 or -ENOENT. */
int ai_worker_evidence(struct ai_worker *w, const char *id, struct ai_evidence *out);
/* --ai-dry-run: the exact request body the next question would send
 * (scrubbed, budgeted), one line on out.  Needs no thread.  0 or -errno. */
int ai_worker_dry_run(struct ai_worker *w, FILE *out);
/* Stop the thread (within 1 s, even mid-request).  Idempotent. */
void ai_worker_stop(struct ai_worker *w);
/* Stop and free.  Accepts NULL. */
void ai_worker_free(struct ai_worker *w);

const char *ai_status_name(enum ai_status s);

#endif
