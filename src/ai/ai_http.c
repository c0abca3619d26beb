#include "ai_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ai_request.h"

#ifndef PERFLENS_VERSION
#define PERFLENS_VERSION "dev"
#endif

#define CONNECT_TIMEOUT_MS 10000L
#define TOTAL_TIMEOUT_MS 120000L
#define STREAM_TIMEOUT_MS 300000L
#define LOW_SPEED_TIME_S 60L
#define MAX_RESPONSE (1u << 20)
#define POLL_MS 1000

struct ai_http {
	CURLM *multi;
	CURL *easy;
	atomic_bool stop;
};

/* One transfer's state, seen by the callbacks. */
struct xfer {
	struct ai_http *h;
	struct ai_http_resp *resp;
	ai_http_data_fn on_data;
	void *ctx;
	size_t max;
	bool decided;     /* status and content type looked at */
	int sink_rc;
};

struct ai_http *ai_http_new(void)
{
	struct ai_http *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->multi = curl_multi_init();
	h->easy = curl_easy_init();
	if (!h->multi || !h->easy) {
		ai_http_free(h);
		errno = ENOMEM;
		return NULL;
	}
	atomic_init(&h->stop, false);
	return h;
}

void ai_http_free(struct ai_http *h)
{
	if (!h)
		return;
	if (h->easy)
		curl_easy_cleanup(h->easy);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h);
}

void ai_http_stop(struct ai_http *h)
{
	atomic_store(&h->stop, true);
	curl_multi_wakeup(h->multi);
}

void ai_http_resume(struct ai_http *h)
{
	atomic_store(&h->stop, false);
}

void ai_http_resp_free(struct ai_http_resp *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* ---- callbacks -------------------------------------------------------------- */

static bool body_append(struct ai_http_resp *r, const char *p, size_t n)
{
	char *b = realloc(r->body, r->len + n + 1);

	if (!b)
		return false;
	memcpy(b + r->len, p, n);
	r->body = b;
	r->len += n;
	r->body[r->len] = '\0';
	return true;
}

static void decide(struct xfer *x)
{
	struct ai_http_resp *r = x->resp;
	char *ct = NULL;

	x->decided = true;
	curl_easy_getinfo(x->h->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(x->h->easy, CURLINFO_CONTENT_TYPE, &ct);
	snprintf(r->content_type, sizeof(r->content_type), "%s", ct ? ct : "");
	/* A server that ignores "stream": true answers application/json: the
	 * body is collected and parsed whole instead. */
	r->streamed = x->on_data && r->status / 100 == 2 &&
		      !strncasecmp(r->content_type, "text/event-stream", 17);
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	struct ai_http_resp *r = x->resp;
	size_t n = size * nmemb;

	if (!x->decided)
		decide(x);
	r->bytes_in += n;
	if (r->bytes_in > x->max) {
		r->too_large = true;
		return 0;
	}
	if (r->streamed) {
		x->sink_rc = x->on_data(x->ctx, p, n);
		return x->sink_rc ? 0 : n;
	}
	return body_append(r, p, n) ? n : 0;
}

/* Retry-After (seconds or a date) and retry-after-ms (some gateways). */
static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	char line[256];
	double v;

	if (n >= sizeof(line))
		return n;
	memcpy(line, p, n);
	line[n] = '\0';
	if (!strncasecmp(line, "retry-after-ms:", 15)) {
		v = ai_retry_after_parse(line + 15, time(NULL));
		if (v >= 0)
			x->resp->retry_after_s = v / 1000.0;
	} else if (!strncasecmp(line, "retry-after:", 12) && x->resp->retry_after_s < 0) {
		x->resp->retry_after_s = ai_retry_after_parse(line + 12, time(NULL));
	}
	return n;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = arg;

	return atomic_load(&x->h->stop) ? 1 : 0;
}

/* ---- one transfer ------------------------------------------------------------ */

static struct curl_slist *headers(const struct ai_http_req *rq)
{
	struct curl_slist *l = NULL, *t;
	char auth[32 + 1024];

	l = curl_slist_append(l, "Content-Type: application/json");
	if (l && (t = curl_slist_append(l, rq->stream ? "Accept: text/event-stream"
						      : "Accept: application/json")))
		l = t;
	if (l && (t = curl_slist_append(l, "Expect:"))) /* no 100-continue round trip */
		l = t;
	if (l && rq->key && rq->key[0]) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", rq->key);
		t = curl_slist_append(l, auth);
		explicit_bzero(auth, sizeof(auth));
		if (!t) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = t;
	}
	return l;
}

static void setup(CURL *e, const struct ai_http_req *rq, struct curl_slist *hdr, struct xfer *x,
		  char *errbuf)
{
	long total = rq->total_timeout_ms ? rq->total_timeout_ms
					  : rq->stream ? STREAM_TIMEOUT_MS : TOTAL_TIMEOUT_MS;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, rq->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, rq->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "perflens/" PERFLENS_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 rq->connect_timeout_ms ? rq->connect_timeout_ms : CONNECT_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (rq->stream) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
				 rq->low_speed_time_s ? rq->low_speed_time_s : LOW_SPEED_TIME_S);
	}
	if (rq->loopback)
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
}

/* Drive the transfer until done or stopped.  The CURLcode, or -1 when
 * stopped. */
static int run(struct ai_http *h)
{
	int running = 1, left;
	CURLMsg *m;

	while (running) {
		if (atomic_load(&h->stop))
			return -1;
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			return CURLE_FAILED_INIT;
		if (running && curl_multi_poll(h->multi, NULL, 0, POLL_MS, NULL) != CURLM_OK)
			return CURLE_FAILED_INIT;
	}
	while ((m = curl_multi_info_read(h->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			return m->data.result;
	return CURLE_FAILED_INIT;
}

static int map_result(int cc, const struct xfer *x)
{
	struct ai_http_resp *r = x->resp;

	if (cc == -1 || cc == CURLE_ABORTED_BY_CALLBACK) {
		r->stopped = true;
		return -ECANCELED;
	}
	r->curl_code = cc;
	if (cc == CURLE_OK)
		return 0;
	if (r->too_large || cc == CURLE_FILESIZE_EXCEEDED) {
		r->too_large = true;
		return -EFBIG;
	}
	if (cc == CURLE_WRITE_ERROR && x->sink_rc)
		return x->sink_rc;
	if (!r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror((CURLcode)cc));
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return -ETIMEDOUT;
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
	    cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT ||
	    cc == CURLE_SSL_CERTPROBLEM)
		return -EPERM;
	return -EIO;
}

int ai_http_post(struct ai_http *h, const struct ai_http_req *rq, ai_http_data_fn on_data,
		 void *ctx, struct ai_http_resp *resp)
{
	struct xfer x = { .h = h, .resp = resp, .on_data = on_data, .ctx = ctx,
			  .max = rq->max_response ? rq->max_response : MAX_RESPONSE };
	struct curl_slist *hdr;
	int cc, rc;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after_s = -1;
	if (atomic_load(&h->stop)) {
		resp->stopped = true;
		return -ECANCELED;
	}
	hdr = headers(rq);
	if (!hdr)
		return -ENOMEM;
	setup(h->easy, rq, hdr, &x, resp->error);
	if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK) {
		rc = -ENOMEM;
		goto out;
	}
	cc = run(h);
	if (!x.decided)
		decide(&x); /* no body reached on_write: the status is still known */
	curl_multi_remove_handle(h->multi, h->easy);
	rc = map_result(cc, &x);
out:
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdr);
	return rc;
}
