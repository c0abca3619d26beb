/*
 * AI client benchmarks.  One "NAME VALUE UNIT" line per figure:
 *   prompt_build_ms         snapshot (engine lock held for the copies) plus
 *                           prompt build, with stores holding 1 M events
 *                           ingested through engine_ingest (200 processes,
 *                           2000 files, 500 stacks, samples; perflens'
 *                           default store sizes), median of 21       goal <= 20
 *   prompt_build_ms_max     the slowest of those 21
 *   snapshot_lock_ms        of which the engine lock was held (median)
 *   prompt_tokens_est       the default prompt (default budget) from those
 *                           stores, estimated as bytes / 4          goal <= 3000
 *   prompt_tokens_unbudgeted  the same prompt with no budget (what the
 *                           budget had to cut)
 *   ai_tap_ns_per_event     what the AI's per-process+file table (an engine
 *                           tap) adds to each event on the consumer thread,
 *                           with the bench mix: 200 processes x 2000 files
 *                           x 2 ops x 2 kinds, so nearly every event is a
 *                           new row and the table prunes all the time (the
 *                           worst case: a new row is 1.5 KiB to clear)
 *   ai_tap_ns_per_event_few_files  the same with 5 files per process
 *   quit_ms_during_request  ai_worker_stop while a request hangs on a local
 *                           listener that accepts and never answers,
 *                           median of 5                               goal <= 1000
 *   quit_ms_during_request_max
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ai/ai_config.h"
#include "ai/ai_iostat.h"
#include "ai/ai_prompt.h"
#include "ai/ai_snapshot.h"
#include "ai/ai_worker.h"
#include "tests/ai/ai_synth.h"
#include "util/monotime.h"
#include "bench_stats.h"

#define EVENTS 1000000u
#define PIDS 200u
#define FILES 2000u
#define USTACKS 500u
#define BUILD_RUNS 21
#define QUIT_RUNS 5

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- 1 M events --------------------------------------------------------------- */

static void procs_and_stacks(struct engine *e, uint32_t *ustacks)
{
	static const char *const fr[] = { "pread64", "read_block", "scan", "query", "main" };
	char comm[16], args[64];

	synth_exec(e, 1, 0, "systemd", "/sbin/init");
	for (uint32_t p = 0; p < PIDS; p++) {
		snprintf(comm, sizeof(comm), "worker%u", p);
		snprintf(args, sizeof(args), "/opt/app/bin/worker%u --id %u", p, p);
		synth_exec(e, 1000 + p, 1, comm, args);
	}
	for (uint32_t i = 0; i < USTACKS; i++)
		ustacks[i] = synth_stack(e, 1000 + i % PIDS, false, fr, 5);
}

/* One event of the mix: 70% file reads/writes, 10% socket waits, 15% block,
 * 5% CPU samples. */
static void make_event(struct pl_event *ev, uint64_t *seed, const uint32_t *ustacks, uint64_t ts,
		       unsigned files)
{
	uint64_t r = rnd(seed);
	uint32_t pid = 1000 + (uint32_t)(r % PIDS), mix = (uint32_t)(r >> 20) % 100;

	memset(ev, 0, offsetof(struct pl_event, u));
	ev->ts_ns = ts;
	ev->pid = ev->tid = pid;
	snprintf(ev->comm, sizeof(ev->comm), "worker%u", pid - 1000);
	if (mix < 80) {
		ev->type = mix < 50 ? PL_EV_READ : PL_EV_WRITE;
		ev->kind = mix < 70 ? PL_KIND_FILE : PL_KIND_SOCKET;
		ev->u.io.lat_ns = 10000000 + (r >> 32) % 90000000;
		ev->u.io.ret = 4096;
		ev->u.io.ino = (r >> 8) % files;
		ev->u.io.ustack_id = ustacks[(r >> 40) % USTACKS];
		snprintf(ev->u.io.file, sizeof(ev->u.io.file), "/srv/data/part-%llu.db",
			 (unsigned long long)ev->u.io.ino);
	} else if (mix < 95) {
		ev->type = PL_EV_BLOCK;
		ev->u.blk.lat_ns = 1000000 + (r >> 32) % 20000000;
		ev->u.blk.bytes = 65536;
		ev->u.blk.dev = 8 << 20;
		snprintf(ev->u.blk.devname, sizeof(ev->u.blk.devname), "sda");
	} else {
		ev->type = PL_EV_SAMPLE;
		ev->u.sample.ustack_id = ustacks[(r >> 40) % USTACKS];
	}
}

/* Ingest n events (under the lock in batches, as the consumer does);
 * returns ns per event. */
static double ingest(struct engine *e, const uint32_t *ustacks, unsigned n, uint64_t seed)
{
	struct pl_event *ev = calloc(1, sizeof(*ev));
	uint64_t now = engine_now_ns(), t0 = monotime_ns();

	if (!ev)
		return -1;
	for (unsigned i = 0; i < n; i += 1024) {
		engine_lock(e);
		for (unsigned k = i; k < n && k < i + 1024; k++) {
			/* spread over the last 60 s so the windows have data */
			make_event(ev, &seed, ustacks, now - (uint64_t)(n - k) * 60000ull, FILES);
			engine_ingest(e, ev);
		}
		engine_unlock(e);
	}
	free(ev);
	return (double)(monotime_ns() - t0) / n;
}

/* ---- prompt figures ------------------------------------------------------------- */

static void prompt_figures(struct engine *e, struct ai_iostat *io)
{
	struct ai_snapshot *s = calloc(1, sizeof(*s));
	struct ai_snap_opts so = { .eng = e, .io = io, .self_pid = (uint32_t)getpid(), .win_s = 30,
				   .threshold_ns = 10000000, .block_threshold_ns = 1000000,
				   .pmu = "cycles" };
	struct ai_prompt_opts po = { .budget_tokens = AI_DEFAULT_BUDGET,
				     .prev_headline = "worker disk reads are slow" };
	double build[BUILD_RUNS], lock[BUILD_RUNS];
	struct ai_prompt p;

	if (!s)
		return;
	for (int i = 0; i < BUILD_RUNS; i++) {
		uint64_t t0 = monotime_ns(), t1;

		ai_snapshot_take(&so, s);
		t1 = monotime_ns();
		ai_prompt_build(s, &po, &p);
		build[i] = (double)(monotime_ns() - t0) / 1e6;
		lock[i] = (double)(t1 - t0) / 1e6; /* upper bound: includes frame resolution */
		if (i < BUILD_RUNS - 1)
			ai_prompt_free(&p);
	}
	printf("prompt_build_ms %.2f ms\n", median(build, BUILD_RUNS));
	printf("prompt_build_ms_max %.2f ms\n", build[BUILD_RUNS - 1]);
	printf("snapshot_lock_ms %.2f ms\n", median(lock, BUILD_RUNS));
	printf("prompt_tokens_est %u tokens\n", p.tokens_est);
	ai_prompt_free(&p);
	po.budget_tokens = 1000000;
	ai_prompt_build(s, &po, &p);
	printf("prompt_tokens_unbudgeted %u tokens\n", p.tokens_est);
	ai_prompt_free(&p);
	free(s);
}

/* ---- a listener that never answers ------------------------------------------------ */

struct hang {
	int fd;
	int port;
	volatile int stop;
};

static void *hang_main(void *arg)
{
	struct hang *h = arg;
	int conns[64], n = 0;

	while (!h->stop) {
		int c = accept(h->fd, NULL, NULL);

		if (c >= 0 && n < 64)
			conns[n++] = c; /* read nothing, answer nothing: a hung server */
		else if (c >= 0)
			close(c);
	}
	while (n)
		close(conns[--n]);
	return NULL;
}

static int hang_start(struct hang *h, pthread_t *t)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || bind(h->fd, (struct sockaddr *)&a, sizeof(a)) || listen(h->fd, 16) ||
	    getsockname(h->fd, (struct sockaddr *)&a, &len))
		return -1;
	h->port = ntohs(a.sin_port);
	return pthread_create(t, NULL, hang_main, h);
}

static double quit_once(struct engine *e, const struct ai_config *cfg)
{
	struct ai_worker_opts wo = { .eng = e, .cfg = cfg, .pmu = "cycles" };
	struct ai_worker *w = ai_worker_new(&wo);
	struct ai_view *v = malloc(sizeof(*v));
	uint64_t t0;
	double ms = -1;

	if (!w || !v || ai_worker_start(w))
		goto out;
	ai_worker_ask_now(w);
	for (int i = 0; i < 500; i++) { /* until the request is on the wire */
		ai_worker_view(w, v);
		if (v->status == AI_ST_REQUESTING && v->requests)
			break;
		usleep(10000);
	}
	usleep(300000); /* well inside the transfer */
	t0 = monotime_ns();
	ai_worker_stop(w);
	ms = (double)(monotime_ns() - t0) / 1e6;
out:
	ai_worker_free(w);
	free(v);
	return ms;
}

static void quit_figures(struct engine *e)
{
	struct hang h = { 0 };
	struct ai_config cfg;
	struct ai_cli cli = { .model = "bench" };
	char url[64], err[256];
	double ms[QUIT_RUNS];
	pthread_t t;
	int fd;

	if (hang_start(&h, &t)) {
		fprintf(stderr, "bench_ai: cannot listen on 127.0.0.1\n");
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1", h.port);
	cli.url = url;
	unsetenv("PERFLENS_AI_KEY");
	if (ai_config_resolve(&cfg, &cli, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench_ai: %s\n", err);
		return;
	}
	for (int i = 0; i < QUIT_RUNS; i++)
		ms[i] = quit_once(e, &cfg);
	printf("quit_ms_during_request %.1f ms\n", median(ms, QUIT_RUNS));
	printf("quit_ms_during_request_max %.1f ms\n", ms[QUIT_RUNS - 1]);
	h.stop = 1;
	fd = socket(AF_INET, SOCK_STREAM, 0); /* wake accept() */
	if (fd >= 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)h.port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		connect(fd, (struct sockaddr *)&a, sizeof(a));
		close(fd);
	}
	pthread_join(t, NULL);
	close(h.fd);
}

/* The tap alone: make_event + ai_iostat_add minus make_event, per event,
 * with the events spread over `files` files of each process. */
static double tap_cost(const uint32_t *ustacks, unsigned files)
{
	struct ai_iostat *io = ai_iostat_new(4096);
	struct pl_event *ev = calloc(1, sizeof(*ev));
	uint64_t seed = 88172645463325252ull, t0, t1, t2, ts = engine_now_ns();
	double ns = -1;

	if (!io || !ev)
		goto out;
	t0 = monotime_ns();
	for (unsigned i = 0; i < EVENTS; i++) {
		make_event(ev, &seed, ustacks, ts, files);
		ai_iostat_add(io, ev);
	}
	t1 = monotime_ns();
	seed = 88172645463325252ull;
	for (unsigned i = 0; i < EVENTS; i++) {
		make_event(ev, &seed, ustacks, ts, files);
		__asm__ volatile("" : : "r"(ev) : "memory");
	}
	t2 = monotime_ns();
	ns = ((double)(t1 - t0) - (double)(t2 - t1)) / EVENTS;
out:
	ai_iostat_free(io);
	free(ev);
	return ns;
}

int main(void)
{
	static uint32_t ustacks[USTACKS];
	struct ai_iostat *io;
	struct engine *e;
	double ns;

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	e = engine_new(&(struct engine_config){ .window_s = 300, .eventlog_cap = EVENTS,
						.proc_cap = 32768, .keep_exited_ns = 120000000000ull });
	io = ai_iostat_new(4096);
	if (!e || !io) {
		fprintf(stderr, "bench_ai: out of memory\n");
		return 1;
	}
	engine_add_tap(e, (struct engine_tap){ ai_iostat_tap, io });
	procs_and_stacks(e, ustacks);
	synth_saturation(e);
	ns = ingest(e, ustacks, EVENTS, 88172645463325252ull);
	fprintf(stderr, "bench_ai: %llu events in the stores (%.0f ns/event to ingest)\n",
		(unsigned long long)e->events, ns);
	prompt_figures(e, io);
	printf("ai_tap_ns_per_event %.0f ns\n", tap_cost(ustacks, FILES));
	printf("ai_tap_ns_per_event_few_files %.0f ns\n", tap_cost(ustacks, 5));
	quit_figures(e);
	ai_iostat_free(io);
	engine_free(e);
	curl_global_cleanup();
	return 0;
}
