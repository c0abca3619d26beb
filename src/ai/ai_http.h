/*
 * HTTP for the AI worker: libcurl's multi interface driving one easy
 * handle, owned by the worker thread.  A transfer waits in
 * curl_multi_poll, so ai_http_stop (from any thread) ends it at once
 * through curl_multi_wakeup; an xferinfo callback checks the same flag.
 *
 * Transport rules: http and https only, no redirects (they would carry the
 * key elsewhere), TLS verification on, no signals (CURLOPT_NOSIGNAL), a
 * connect timeout, a total timeout, a low-speed limit while streaming, a
 * response size cap, proxies from the environment but never for loopback.
 * The Authorization header is sent only when there is a key.  Nothing here
 * logs a header or a body.
 *
 * curl_global_init must have run (in main, before any thread starts).
 */
#ifndef PERFLENS_AI_HTTP_H
#define PERFLENS_AI_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct ai_http_req {
	const char *url;            /* full URL: BASE/chat/completions */
	const char *key;            /* NULL or "": no Authorization header */
	const char *body;
	size_t body_len;
	bool stream;                /* Accept: text/event-stream, low-speed limit */
	bool loopback;              /* never through a proxy */
	long connect_timeout_ms;    /* 0: 10 s */
	long total_timeout_ms;      /* 0: 120 s (300 s when streaming) */
	long low_speed_time_s;      /* streaming: abort under 1 B/s for this long; 0: 60 */
	size_t max_response;        /* bytes; 0: 1 MiB */
};

struct ai_http_resp {
	long status;                /* 0 when no response came */
	char *body;                 /* non-streamed (or non-2xx) body, NUL-terminated */
	size_t len;
	size_t bytes_in;            /* everything received, streamed or not */
	bool streamed;              /* the body went to the data callback */
	bool too_large;
	bool stopped;               /* ai_http_stop ended it */
	double retry_after_s;       /* -1: no Retry-After */
	char content_type[96];
	int curl_code;
	char error[256];            /* libcurl's message on transport errors */
};

/* A 2xx text/event-stream body, chunk by chunk as it arrives.  A non-zero
 * return aborts the transfer and is what ai_http_post returns. */
typedef int (*ai_http_data_fn)(void *ctx, const char *buf, size_t n);

struct ai_http;

/* NULL with errno. */
struct ai_http *ai_http_new(void);
/* Accepts NULL.  Only after the thread using it is done. */
void ai_http_free(struct ai_http *h);
/*
 * POST.  0 when a response came (any status: see resp->status); the
 * callback's value; -ECANCELED when stopped; -EFBIG over max_response;
 * -ETIMEDOUT; -EPERM for TLS verification and protocol refusals (final);
 * -EIO for other transport errors (retryable).  Free resp after.
 */
int ai_http_post(struct ai_http *h, const struct ai_http_req *rq, ai_http_data_fn on_data,
		 void *ctx, struct ai_http_resp *resp);
void ai_http_resp_free(struct ai_http_resp *r);
/* End the transfer in progress and refuse new ones (any thread). */
void ai_http_stop(struct ai_http *h);
/* Allow transfers again after a stop (the owning thread). */
void ai_http_resume(struct ai_http *h);

#endif
