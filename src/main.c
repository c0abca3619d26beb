/*
 * perflens entry point: the composition root.  It wires the live source,
 * the engine, and either the headless JSON printer or the TUI.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consumer.h"
#include "engine.h"
#include "live/live_source.h"
#include "live/loader.h"
#include "options.h"
#include "out/json_summary.h"
#include "out/json_writer.h"
#include "util/devname.h"
#include "util/scrub.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Once a second on the main thread: the file reads the consumer must not do. */
static void housekeeping(struct engine *eng)
{
	devname_refresh("/proc/partitions");
	engine_lock(eng);
	proctree_evict(eng->pt, engine_now_ns());
	engine_unlock(eng);
}

static void wait_until_done(struct engine *eng, const struct pl_options *o,
			    const struct consumer *c, const struct json_writer *w)
{
	uint64_t start = engine_now_ns(), last = start;

	while (!stop_requested && !c->eof && !c->error && !(w && w->error)) {
		uint64_t now = engine_now_ns();

		if (o->duration_s > 0 && now - start >= (uint64_t)(o->duration_s * 1e9))
			break;
		if (now - last >= 1000000000ull) {
			housekeeping(eng);
			last = now;
		}
		sleep_ms(50);
	}
}

static void print_paths(const struct pl_paths *p)
{
	fprintf(stderr, "perflens: attach: syscalls=%s block=%s proc=%s exit=%s offcpu=%s pmu=%s\n",
		p->syscalls, p->block, p->proc, p->exit, p->offcpu, p->pmu);
	if (p->fallbacks && p->fallbacks[0])
		fprintf(stderr, "perflens: fallback: %s\n", p->fallbacks);
}

static int run_headless(const struct pl_options *o, struct engine *eng, struct pl_loader *ld)
{
	struct json_out_ctx jctx = { .origin_ns = eng->origin_ns };
	struct json_writer w = { 0 };
	struct consumer c = { 0 };
	struct pl_source *src = NULL;
	struct summary_inputs in = { .paths = &ld->paths, .top_n = o->top_n };
	uint64_t t0;
	int err = 0;

	json_out_print(stdout, json_ready(eng, o, &ld->paths));
	fflush(stdout);
	if (!o->output_none) {
		err = json_writer_start(&w, stdout, o->queue_cap, &jctx);
		if (err)
			goto out;
		engine_add_tap(eng, (struct engine_tap){ json_writer_tap, &w });
	}
	src = live_source_new(ld, (struct pl_sink){ engine_on_event, eng }, NULL);
	if (!src) {
		err = -errno;
		fprintf(stderr, "perflens: cannot read the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	t0 = engine_now_ns();
	err = consumer_start(&c, src, eng, 10);
	if (err)
		goto out;
	wait_until_done(eng, o, &c, o->output_none ? NULL : &w);
	consumer_stop(&c);
	if (c.error)
		fprintf(stderr, "perflens: ring buffer: %s\n", strerror(-c.error));
	err = c.error;
	json_writer_stop(&w);
	src->ops->stats(src, &in.src);
	in.output_dropped = w.dropped;
	in.output_written = w.written;
	in.duration_s = (engine_now_ns() - t0) / 1e9;
	engine_lock(eng);
	json_out_print(stdout, json_summary(eng, &in));
	engine_unlock(eng);
	fflush(stdout);
out:
	json_writer_stop(&w);
	source_free(src);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct engine_config ecfg = { .proc_cap = 32768, .keep_exited_ns = 120ull * 1000000000ull };
	struct pl_options o;
	struct pl_loader ld = { 0 };
	struct engine *eng = NULL;
	char err[512];
	int rc;

	options_defaults(&o);
	rc = options_parse(&o, argc, argv);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (!o.json) {
		fprintf(stderr, "perflens: the interactive screen is not built in this version: use --json\n");
		return 2;
	}
	scrub_set_enabled(o.scrub);
	loader_set_verbose(o.verbose);
	install_signals();
	ecfg.window_s = o.window_s;
	ecfg.eventlog_cap = o.eventlog_cap;
	eng = engine_new(&ecfg);
	if (!eng) {
		fprintf(stderr, "perflens: out of memory\n");
		return 1;
	}
	devname_refresh("/proc/partitions");
	rc = loader_open(&ld, &o, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "perflens: %s\n", err);
		rc = 1;
		goto out;
	}
	if (o.verbose)
		print_paths(&ld.paths);
	proctree_seed(eng->pt, "/proc");
	rc = run_headless(&o, eng, &ld);
out:
	loader_close(&ld);
	engine_free(eng);
	return rc;
}
