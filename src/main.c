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
#include "query/hot.h"
#include "sampler.h"
#include "sys/cgroup.h"
#include "stack_resolver.h"
#include "sym/symbolizer.h"
#include "out/folded.h"
#include "out/json_sat.h"
#include "out/json_stacks.h"
#include "out/json_summary.h"
#include "out/json_writer.h"
#include "util/devname.h"
#include "util/scrub.h"
#include "../ui/tui.h"

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
	if (p->pmu_note && p->pmu_note[0])
		fprintf(stderr, "perflens: pmu: %s\n", p->pmu_note);
}

/* Headless: ready line, events through the writer thread, summary at the end. */
/* End-of-run outputs that need symbols: the summary's "hot" and --folded. */
static void finish_stacks(const struct pl_options *o, struct engine *eng, struct pl_loader *ld,
			  struct stack_resolver *res, struct summary_inputs *in)
{
	struct hot_table hot;
	int n;

	json_sat_summary(eng, in->extra, o->top_n);
	if (!hot_build(eng, res, &hot)) {
		in->hot = json_hot(&hot, eng, ld->pmu_on ? ld->pmu.event : "off", o->top_n, 10);
		hot_free(&hot);
	}
	if (!o->folded_path[0])
		return;
	n = folded_write_file(o->folded_path, eng, res);
	if (n < 0)
		fprintf(stderr, "perflens: cannot write %s: %s\n", o->folded_path, strerror(-n));
}

static int headless_session(const struct pl_options *o, struct engine *eng,
			    struct pl_loader *ld, struct pl_source *src, struct json_writer *w,
			    struct stack_resolver *res, struct sampler *smp)
{
	const struct pl_paths *paths = &ld->paths;
	struct summary_inputs in = { .paths = paths, .top_n = o->top_n,
				     .extra = json_object_new_object() };
	struct consumer c = { 0 };
	uint64_t t0 = engine_now_ns();
	int err = consumer_start(&c, src, eng, 10);

	if (err)
		return 1;
	wait_until_done(eng, o, &c, o->output_none ? NULL : w);
	sampler_stop(smp);
	consumer_stop(&c);
	if (c.error)
		fprintf(stderr, "perflens: ring buffer: %s\n", strerror(-c.error));
	json_writer_stop(w);
	src->ops->stats(src, &in.src);
	in.output_dropped = w->dropped;
	in.output_written = w->written;
	in.duration_s = (engine_now_ns() - t0) / 1e9;
	engine_lock(eng);
	finish_stacks(o, eng, ld, res, &in);
	json_out_print(stdout, json_summary(eng, &in));
	engine_unlock(eng);
	fflush(stdout);
	return c.error ? 1 : 0;
}

static int tui_session(const struct pl_options *o, struct engine *eng,
		       const struct pl_paths *paths, struct pl_source *src,
		       struct stack_resolver *res)
{
	struct consumer c = { 0 };
	struct tui_env env = {
		.eng = eng, .src = src, .consumer = &c, .paths = paths, .opts = o,
		.stop = &stop_requested, .housekeeping = housekeeping,
	};
	int rc;

	(void)res;
	if (consumer_start(&c, src, eng, 10))
		return 1;
	rc = tui_run(&env);
	consumer_stop(&c);
	return rc;
}

static int run_live(const struct pl_options *o, struct engine *eng, struct pl_loader *ld,
		    struct symbolizer *sym)
{
	struct stack_resolver res = { 0 };
	struct json_out_ctx jctx = {
		.origin_ns = eng->origin_ns, .frames = json_stack_frames, .frames_ctx = &res,
		.tick = json_tick, .tick_ctx = eng,
	};
	struct kstats ks;
	struct sampler smp = { 0 };
	struct cgroup_mounts cgm = { 0 };
	struct pl_stack_sink stacks = engine_stack_sink(eng);
	struct json_writer w = { 0 };
	struct pl_source *src = NULL;
	int rc = 1;

	ks.loader = NULL;
	if (stack_resolver_start(&res, eng->stacks, sym))
		goto out;
	engine_add_tap(eng, (struct engine_tap){ stack_resolver_tap, &res });
	if (o->json) {
		json_out_print(stdout, json_ready(eng, o, &ld->paths));
		fflush(stdout);
	}
	if (o->json && !o->output_none) {
		cgroup_detect(CGROUP_MOUNTINFO, &cgm);
		jctx.ids = idnames_new(cgm.v2_root, "/proc");
		if (json_writer_start(&w, stdout, o->queue_cap, &jctx))
			goto out;
		engine_add_tap(eng, (struct engine_tap){ json_writer_tap, &w });
	}
	src = live_source_new(ld, (struct pl_sink){ engine_on_event, eng }, &stacks);
	if (!src) {
		fprintf(stderr, "perflens: cannot read the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	kstats_open(&ks, ld);
	if (sampler_start(&smp, eng, o, &ks))
		goto out;
	rc = o->json ? headless_session(o, eng, ld, src, &w, &res, &smp)
		     : tui_session(o, eng, &ld->paths, src, &res);
out:
	sampler_stop(&smp);
	if (ks.loader)
		kstats_close(&ks);
	json_writer_stop(&w);
	idnames_free(jctx.ids);
	stack_resolver_stop(&res);
	source_free(src);
	return rc;
}

/* --cgroup PATH -> the id and level the in-kernel filter compares. */
static int resolve_cgroup(struct pl_options *o)
{
	struct cgroup_mounts m = { 0 };
	char msg[256];

	if (!o->cgroup_path[0])
		return 0;
	if (cgroup_detect(CGROUP_MOUNTINFO, &m) || !m.v2_root[0]) {
		fprintf(stderr, "perflens: --cgroup: no cgroup v2 hierarchy is mounted\n");
		return -1;
	}
	if (cgroup_resolve(m.v2_root, o->cgroup_path, &o->cgroup_id, &o->cgroup_level, msg,
			   sizeof(msg))) {
		fprintf(stderr, "perflens: --cgroup: %s\n", msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct engine_config ecfg = { .proc_cap = 32768, .keep_exited_ns = 120ull * 1000000000ull };
	struct pl_options o;
	struct pl_loader ld = { 0 };
	struct engine *eng = NULL;
	struct symbolizer *sym = NULL;
	char err[512];
	int rc;

	options_defaults(&o);
	rc = options_parse(&o, argc, argv);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (resolve_cgroup(&o))
		return 2;
	/* libdw would fetch missing debug info over the network, for seconds, on
	 * the symbolizer thread: a monitor on a slow server must not do that. */
	unsetenv("DEBUGINFOD_URLS");
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
	if (proctree_seed(eng->pt, "/proc") < 0)
		fprintf(stderr, "perflens: warning: cannot read /proc: processes born before start "
			"show without names until they act\n");
	sym = symbolizer_new("/proc", "/proc/kallsyms");
	if (!sym) {
		fprintf(stderr, "perflens: cannot set up symbolization: %s\n", strerror(errno));
		rc = 1;
		goto out;
	}
	if (symbolizer_kernel_restricted(sym))
		fprintf(stderr, "perflens: warning: /proc/kallsyms shows zero addresses "
			"(kptr_restrict or no CAP_SYSLOG): kernel frames stay unresolved\n");
	rc = run_live(&o, eng, &ld, sym);
out:
	symbolizer_free(sym);
	loader_close(&ld);
	engine_free(eng);
	return rc;
}
