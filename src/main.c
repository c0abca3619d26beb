/*
 * perflens entry point: the composition root.  It wires a source (live BPF
 * or a recording), the engine, the helper threads (stack resolver, sampler,
 * recorder, JSON writer) and either the headless printer or the TUI.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ai/ai_config.h"
#include "ai/ai_worker.h"
#include "consumer.h"
#include "engine.h"
#include "findings/findings.h"
#include "findings/findings_json.h"
#include "live/live_source.h"
#include "live/loader.h"
#include "options.h"
#include "out/folded.h"
#include "out/json_out.h"
#include "out/json_sat.h"
#include "out/json_counters.h"
#include "out/json_stacks.h"
#include "out/json_summary.h"
#include "out/json_writer.h"
#include "query/hot.h"
#include "record/format.h"
#include "record/cast.h"
#include "record/header.h"
#include "record/recorder.h"
#include "record/replay.h"
#include "record/replay_time.h"
#include "report/report.h"
#include "sampler.h"
#include "stack_resolver.h"
#include "sym/symbolizer.h"
#include "sys/cgroup.h"
#include "util/config.h"
#include "util/devname.h"
#include "util/scrub.h"
#include "../ui/providers.h"
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

/* Everything one run wires together, live or replayed. */
struct session {
	const struct pl_options *o;
	struct engine *eng;
	struct pl_loader *ld;          /* NULL in replay */
	struct pl_source *src;
	const struct pl_paths *paths;  /* NULL in replay */
	json_object *ready;            /* the ready line (live) or the recorded one */
	struct stack_resolver res;
	struct json_out_ctx jctx;
	struct json_writer w;
	struct recorder rec;
	struct kstats ks;
	bool ks_open;
	struct sampler smp;
	struct consumer c;
	struct findings *findings;     /* replay: the recorded findings (TUI only) */
	struct cast cast;              /* --cast: the screen */
	struct ai_config *ai_cfg;      /* resolved before any thread started */
	struct ai_worker *ai;          /* NULL when AI is off */
	struct ai_store *ai_store;     /* the answers: live with AI on, and in replay */
	double duration_s;             /* -d, or what the session chose; 0: until stopped */
	bool stopped;
};

/* A finding opened, changed severity or cleared: one headless line.  On the
 * sampler thread; stdio locks the stream per call, so lines never mix. */
/* A finding opened, changed or cleared: print it and record it. */
static void finding_changed(void *ctx, const struct finding *fd)
{
	struct session *s = ctx;

	if (s->o->json && !s->o->output_none) {
		json_out_print(stdout, findings_json_finding(fd));
		fflush(stdout);
	}
	if (s->o->record_path[0])
		recorder_side(&s->rec, REC_FINDING, findings_json_finding(fd));
}

/* What perflens lost so far, for the events_lost rule (engine lock held,
 * so the source's counters are not being written). */
static void findings_lost(void *ctx, struct findings_lost *out)
{
	struct session *s = ctx;
	struct pl_source_stats st;

	if (!s->src)
		return;
	s->src->ops->stats(s->src, &st);
	for (int t = PL_EV_READ; t < PL_EV_TYPE_MAX; t++)
		out->ring += st.kernel_drops[t];
	out->maps = st.inflight_full + st.block_map_full;
	out->decode = st.decode_errors;
	if (s->w.running)
		out->queue = evqueue_dropped(&s->w.q);
}

/* Once a second on the main thread: the file reads the consumer must not do. */
static void housekeeping(struct engine *eng)
{
	devname_refresh("/proc/partitions");
	engine_lock(eng);
	proctree_evict(eng->pt, engine_now_ns());
	engine_unlock(eng);
}

/* Replayed time is the recording's: age exited processes by the replay clock. */
static struct pl_source *housekeeping_replay_src;

static void housekeeping_replay(struct engine *eng)
{
	engine_lock(eng);
	proctree_evict(eng->pt, replay_clock(housekeeping_replay_src));
	engine_unlock(eng);
}

static void wait_until_done(struct session *s)
{
	uint64_t start = engine_now_ns(), last = start;
	struct timespec tick = { 0, 50 * 1000000L };

	while (!stop_requested && !s->c.eof && !s->c.error && !s->w.error) {
		uint64_t now = engine_now_ns();

		if (s->duration_s > 0 && now - start >= (uint64_t)(s->duration_s * 1e9))
			break;
		if (s->ld && now - last >= 1000000000ull) {
			housekeeping(s->eng);
			last = now;
		}
		nanosleep(&tick, NULL);
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
	fprintf(stderr, "perflens: counters: %s%s%s%s\n", p->counters,
		p->counters_note[0] ? " (" : "", p->counters_note, p->counters_note[0] ? ")" : "");
}

/* The PMU event in use: live from the loader, replayed from the ready line
 * ("perf_event/cpu-clock@99Hz" -> "cpu-clock"). */
static void pmu_event_name(const struct session *s, char *buf, size_t sz)
{
	json_object *att, *pmu;
	const char *p;

	if (s->ld) {
		snprintf(buf, sz, "%s", s->ld->pmu_on ? s->ld->pmu.event : "off");
		return;
	}
	snprintf(buf, sz, "off");
	if (!json_object_object_get_ex(s->ready, "attach", &att) ||
	    !json_object_object_get_ex(att, "pmu", &pmu))
		return;
	p = json_object_get_string(pmu);
	if (!strncmp(p, "perf_event/", 11))
		snprintf(buf, sz, "%.*s", (int)strcspn(p + 11, "@"), p + 11);
}

/* End-of-run outputs that need the stores and symbols; engine lock held. */
static void add_summary_parts(struct session *s, struct summary_inputs *in)
{
	struct hot_table hot;
	char event[32];
	json_object *att;
	int n;

	json_sat_summary(s->eng, in->extra, s->o->top_n);
	pmu_event_name(s, event, sizeof(event));
	if (!hot_build(s->eng, &s->res, &hot)) {
		in->hot = json_hot(&hot, s->eng, event, s->o->top_n, 10);
		hot_free(&hot);
	}
	json_object_object_add(in->extra, "counters", json_counters(s->eng, s->o->top_n));
	if (!s->paths && json_object_object_get_ex(s->ready, "attach", &att))
		json_object_object_add(in->extra, "attach", json_object_get(att));
	if (s->o->folded_path[0]) {
		n = folded_write_file(s->o->folded_path, s->eng, &s->res);
		if (n < 0)
			fprintf(stderr, "perflens: cannot write %s: %s\n", s->o->folded_path,
				strerror(-n));
	}
}

static json_object *recording_json(const struct session *s)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "file", json_object_new_string(s->o->record_path));
	json_object_object_add(r, "events", json_object_new_int64((int64_t)s->rec.written_events));
	json_object_object_add(r, "dropped", json_object_new_int64((int64_t)s->rec.dropped_events));
	json_object_object_add(r, "bytes", json_object_new_int64((int64_t)s->rec.bytes));
	json_object_object_add(r, "hit_limit", json_object_new_boolean(s->rec.hit_limit));
	return r;
}

/* Stop the feeding threads first, then the writers, so nothing is lost. */
static void stop_threads(struct session *s)
{
	if (s->stopped)
		return;
	s->stopped = true;
	if (s->ai)
		ai_worker_stop(s->ai); /* prompt even mid-request: its own thread */
	sampler_stop(&s->smp);
	consumer_stop(&s->c);
	recorder_stop(&s->rec);
	json_writer_stop(&s->w);
	if (s->rec.error)
		fprintf(stderr, "perflens: recording %s: %s\n", s->o->record_path,
			strerror(-s->rec.error));
	if (s->rec.hit_limit)
		fprintf(stderr, "perflens: recording stopped at --record-max; %llu events not "
			"recorded\n", (unsigned long long)s->rec.dropped_events);
}

static void print_summary(struct session *s, double duration_s)
{
	struct summary_inputs in = { .paths = s->paths, .top_n = s->o->top_n,
				     .extra = json_object_new_object() };

	s->src->ops->stats(s->src, &in.src);
	in.output_dropped = s->w.dropped;
	in.output_written = s->w.written;
	in.duration_s = duration_s;
	if (s->o->record_path[0])
		json_object_object_add(in.extra, "recording", recording_json(s));
	engine_lock(s->eng);
	add_summary_parts(s, &in);
	if (s->findings)
		findings_json_summary(s->findings, in.extra);
	json_out_print(stdout, json_summary(s->eng, &in));
	engine_unlock(s->eng);
	fflush(stdout);
}

static int headless_session(struct session *s)
{
	uint64_t t0 = engine_now_ns();

	if (consumer_start(&s->c, s->src, s->eng, 10))
		return 1;
	wait_until_done(s);
	stop_threads(s);
	if (s->c.error)
		fprintf(stderr, "perflens: ring buffer: %s\n", strerror(-s->c.error));
	print_summary(s, (engine_now_ns() - t0) / 1e9);
	return s->c.error ? 1 : 0;
}

static void hook_cast_output(void *ctx, const char *data, size_t len)
{
	cast_output(&((struct session *)ctx)->cast, data, len);
}

static void hook_cast_resize(void *ctx, int cols, int lines)
{
	cast_resize(&((struct session *)ctx)->cast, cols, lines);
}

/* m in the TUI: a marker in the cast and a bookmark in the recording. */
static void hook_bookmark(void *ctx, const char *label)
{
	struct session *s = ctx;
	json_object *m;

	if (s->cast.running)
		cast_marker(&s->cast, label);
	if (!s->o->record_path[0])
		return;
	m = json_object_new_object();
	json_object_object_add(m, "ts", json_object_new_double(engine_ts(s->eng, engine_now_ns())));
	json_object_object_add(m, "label", json_out_string(label));
	recorder_side(&s->rec, REC_MARK, m);
}

/* --cast: the screen's size now, the data's start as the timestamp. */
static int start_cast(struct session *s, struct tui_env *env)
{
	struct winsize ws = { .ws_col = 80, .ws_row = 24 };
	char err[300];

	if (!s->o->cast_path[0])
		return 0;
	ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
	if (cast_open(&s->cast, s->o->cast_path, ws.ws_col, ws.ws_row, s->eng->origin_wall,
		      getenv("TERM"), err, sizeof(err))) {
		fprintf(stderr, "perflens: %s\n", err);
		return -1;
	}
	env->cast_output = hook_cast_output;
	env->cast_resize = hook_cast_resize;
	return 0;
}

static const double speeds[] = { 0.25, 0.5, 1, 2, 4, 8, 16 };

/* A step back or forward from the replay clock (0 at the start). */
static uint64_t clock_plus(struct pl_source *src, int64_t ns)
{
	uint64_t now = replay_clock(src);

	return ns < 0 && (uint64_t)-ns > now ? 0 : now + (uint64_t)ns;
}

static void hook_replay_control(void *ctx, int op)
{
	struct session *s = ctx;
	double sp = replay_speed(s->src);
	int i = 0;
	uint64_t spike;

	while (i < 6 && speeds[i] < sp)
		i++;
	engine_lock(s->eng); /* the consumer thread moves the clock under it */
	switch (op) {
	case TUI_RP_PAUSE: replay_set_paused(s->src, !replay_paused(s->src)); break;
	case TUI_RP_FASTER: replay_set_speed(s->src, speeds[i < 6 ? i + 1 : 6]); break;
	case TUI_RP_SLOWER: replay_set_speed(s->src, speeds[i > 0 ? i - 1 : 0]); break;
	case TUI_RP_STEP: replay_seek(s->src, clock_plus(s->src, 1000000000ll)); break;
	case TUI_RP_JUMP: replay_seek(s->src, clock_plus(s->src, 60000000000ll)); break;
	case TUI_RP_BACK: replay_seek(s->src, clock_plus(s->src, -1000000000ll)); break;
	case TUI_RP_BACK_MIN: replay_seek(s->src, clock_plus(s->src, -60000000000ll)); break;
	case TUI_RP_SPIKE:
		spike = replay_next_spike(s->src);
		if (spike > replay_clock(s->src))
			replay_seek(s->src, spike);
		break;
	}
	engine_unlock(s->eng);
}

static struct replay_clocks replay_clocks(const struct session *s)
{
	return (struct replay_clocks){ s->eng->origin_ns, s->eng->origin_wall };
}

/* The jump prompt: HH:MM:SS or +/-offset.  0 with "jump to ..." in msg, or
 * -1 with why (then nothing moved). */
static int hook_replay_goto(void *ctx, const char *text, char *msg, size_t sz)
{
	struct session *s = ctx;
	struct replay_clocks c = replay_clocks(s);
	uint64_t want, got;
	char hms[16];

	engine_lock(s->eng);
	if (replay_time_parse(text, &c, replay_clock(s->src), &want, msg, sz)) {
		engine_unlock(s->eng);
		return -1;
	}
	got = replay_seek(s->src, want);
	engine_unlock(s->eng);
	replay_time_format(&c, got, hms, sizeof(hms));
	snprintf(msg, sz, "jump to %s%s", hms, got > want ? " (the recording's start)"
				       : got < want ? " (the recording's end)" : "");
	return 0;
}

static uint64_t hook_replay_now(void *ctx)
{
	struct session *s = ctx;
	uint64_t now;

	engine_lock(s->eng);
	now = replay_clock(s->src);
	engine_unlock(s->eng);
	return now;
}

static void hook_replay_seek(void *ctx, uint64_t ts)
{
	struct session *s = ctx;

	engine_lock(s->eng);
	replay_seek(s->src, ts);
	engine_unlock(s->eng);
}

/* The status line's "REPLAY 10:31:59 x2 (paused)": the recording's time. */
static size_t hook_replay_status(void *ctx, char *buf, size_t sz)
{
	struct session *s = ctx;
	struct replay_clocks c = replay_clocks(s);
	double speed;
	bool paused, end;
	uint64_t now;
	char hms[16];

	engine_lock(s->eng);
	now = replay_clock(s->src);
	speed = replay_speed(s->src);
	paused = replay_paused(s->src);
	end = replay_at_end(s->src);
	engine_unlock(s->eng);
	replay_time_format(&c, now, hms, sizeof(hms));
	return (size_t)snprintf(buf, sz, "REPLAY %s x%g%s%s", hms, speed, paused ? " paused" : "",
				end ? " (end)" : "");
}

static int tui_session(struct session *s)
{
	struct tui_env env = {
		.eng = s->eng, .src = s->src, .consumer = &s->c, .paths = s->paths, .opts = s->o,
		.stop = &stop_requested,
		.housekeeping = s->ld ? housekeeping : housekeeping_replay,
		.findings = s->findings,
	};
	struct tui_providers prov = { .eng = s->eng, .res = &s->res, .ai = s->ai,
				      .ai_store = s->ai_store, .ai_recorded = !s->ld };
	int rc;

	pmu_event_name(s, prov.pmu_event, sizeof(prov.pmu_event));
	prov.pmu_on = strcmp(prov.pmu_event, "off") != 0;
	if (s->ld && s->ld->pmu.fallback[0])
		snprintf(prov.pmu_event, sizeof(prov.pmu_event), "%s (fallback: no PMU)",
			 s->ld->pmu.event);
	tui_providers_install(&env, &prov);
	env.hook_ctx = s;
	if (s->o->record_path[0] || s->o->cast_path[0])
		env.bookmark = hook_bookmark;
	if (!s->ld) {
		env.replay_control = hook_replay_control;
		env.replay_status = hook_replay_status;
		env.replay_goto = hook_replay_goto;
		env.replay_now = hook_replay_now;
		env.replay_seek = hook_replay_seek;
	}
	if (start_cast(s, &env))
		return 1;

	if (consumer_start(&s->c, s->src, s->eng, 10))
		return 1;
	rc = tui_run(&env);
	stop_threads(s);
	cast_close(&s->cast);
	if (cast_dropped(&s->cast))
		fprintf(stderr, "perflens: cast: %llu bytes of screen output dropped (writer behind)\n",
			(unsigned long long)cast_dropped(&s->cast));
	return rc;
}

/* Resolver, JSON printer and recorder: the taps every session may have. */
static int start_outputs(struct session *s, struct symbolizer *sym)
{
	struct cgroup_mounts cgm = { 0 };
	char err[300] = "";
	bool named = s->ld && !cgroup_detect(CGROUP_MOUNTINFO, &cgm); /* live: names to look up */

	if (stack_resolver_start(&s->res, s->eng->stacks, sym))
		return -1;
	engine_add_tap(s->eng, (struct engine_tap){ stack_resolver_tap, &s->res });
	s->jctx = (struct json_out_ctx){
		.origin_ns = s->eng->origin_ns, .frames = json_stack_frames, .frames_ctx = &s->res,
		.tick = json_tick, .tick_ctx = s->eng,
	};
	if (s->o->json)
		json_out_print(stdout, json_object_get(s->ready));
	fflush(stdout);
	if (s->o->json && !s->o->output_none) {
		if (named)
			s->jctx.ids = idnames_new(cgm.v2_root, "/proc");
		else if (!s->ld)
			s->jctx.ids = replay_take_names(s->src); /* what the recording says */
		if (json_writer_start(&s->w, stdout, s->o->queue_cap, &s->jctx))
			return -1;
		engine_add_tap(s->eng, (struct engine_tap){ json_writer_tap, &s->w });
	}
	if (s->o->record_path[0]) {
		if (recorder_start(&s->rec, s->o->record_path, s->o->record_max,
				   rec_header_new(s->eng, json_object_get(s->ready)), s->eng, &s->res,
				   named ? idnames_new(cgm.v2_root, "/proc") : NULL, RECORDER_QUEUE_CAP,
				   err, sizeof(err))) {
			fprintf(stderr, "perflens: %s\n", err);
			return -1;
		}
		engine_add_tap(s->eng, (struct engine_tap){ recorder_tap, &s->rec });
	}
	return 0;
}

static void close_session(struct session *s)
{
	stop_threads(s);
	findings_free(s->findings);
	s->findings = NULL;
	if (s->ks_open)
		kstats_close(&s->ks);
	idnames_free(s->jctx.ids);
	ai_worker_free(s->ai); /* after the consumer: its tap points into it */
	stack_resolver_stop(&s->res);
	source_free(s->src);
	ai_store_free(s->ai_store); /* after the worker and the replay source that fill it */
	json_object_put(s->ready);
}

/* An AI answer or status: printed with --json, recorded with --record. */
static void ai_emit(void *ctx, json_object *line)
{
	struct session *s = ctx;
	json_object *type = json_object_object_get(line, "type");

	if (s->o->record_path[0] && type && !strcmp(json_object_get_string(type), "ai"))
		recorder_side(&s->rec, REC_AI, json_object_get(line));
	if (s->o->json && !s->o->output_none)
		json_out_print(stdout, json_object_get(line));
	json_object_put(line);
}

static void ai_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "perflens: %s\n", line);
}

static int start_ai(struct session *s)
{
	struct ai_worker_opts ao = {
		.eng = s->eng, .res = &s->res, .cfg = s->ai_cfg, .self_pid = (uint32_t)getpid(),
		.threshold_ns = s->o->threshold_ns, .block_threshold_ns = s->o->block_threshold_ns,
		.pmu = s->ld && s->ld->pmu_on ? s->ld->pmu.event : "off",
		.emit = ai_emit, .emit_ctx = s, .log = s->o->verbose ? ai_log : NULL,
		.findings = s->findings,
	};

	if (!s->ai_cfg || !(s->ai_cfg->enabled || s->ai_cfg->dry_run))
		return 0;
	ao.store = s->ai_store = ai_store_new(0);
	s->ai = s->ai_store ? ai_worker_new(&ao) : NULL;
	ai_config_wipe(s->ai_cfg); /* the worker has its copy of the key */
	if (!s->ai || engine_add_tap(s->eng, ai_worker_tap(s->ai))) {
		fprintf(stderr, "perflens: cannot start the AI client\n");
		return -1;
	}
	return s->o->ai_dry_run ? 0 : ai_worker_start(s->ai);
}

/* --ai-dry-run: capture for a while (-d, else one AI interval), print the
 * exact request body that would be sent, and nothing else. */
static int dry_run_session(struct session *s)
{
	if (!s->duration_s)
		s->duration_s = s->ai_cfg->interval_s ? s->ai_cfg->interval_s : 30;
	if (consumer_start(&s->c, s->src, s->eng, 10))
		return 1;
	wait_until_done(s);
	stop_threads(s);
	return ai_worker_dry_run(s->ai, stdout) ? 1 : 0;
}

static int run_live(struct session *s, struct symbolizer *sym)
{
	struct pl_stack_sink stacks = engine_stack_sink(s->eng);
	int rc = 1;

	s->paths = &s->ld->paths;
	s->ready = json_ready(s->eng, s->o, s->paths);
	if (start_outputs(s, sym))
		goto out;
	s->src = live_source_new(s->ld, (struct pl_sink){ engine_on_event, s->eng }, &stacks);
	if (!s->src) {
		fprintf(stderr, "perflens: cannot read the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	kstats_open(&s->ks, s->ld);
	s->ks_open = true;
	s->findings = findings_new(&(struct findings_config){
		.lost = findings_lost, .lost_ctx = s,
		.on_change = finding_changed, .change_ctx = s });
	if (!s->findings)
		goto out;
	engine_add_tap(s->eng, (struct engine_tap){ findings_tap, s->findings });
	if (sampler_start(&s->smp, s->eng, s->o, &s->ks, s->findings))
		goto out;
	if (start_ai(s))
		goto out;
	rc = s->o->ai_dry_run ? dry_run_session(s) : s->o->json ? headless_session(s)
								 : tui_session(s);
out:
	close_session(s);
	return rc;
}

/* --from / --to against the open recording: times of the recording, or
 * offsets from its start.  0, or 2 (bad usage) after one line. */
static int set_slice(struct session *s)
{
	const struct replay_info *ri = replay_info(s->src);
	struct replay_clocks c = { ri->start_mono_ns, ri->start_wall };
	const char *opt = "--from", *text = s->o->replay_from;
	uint64_t from = ri->start_mono_ns, to = UINT64_MAX;
	char err[200], a[16], b[16];

	if ((text[0] && replay_time_parse(text, &c, ri->start_mono_ns, &from, err, sizeof(err))) ||
	    (opt = "--to", text = s->o->replay_to,
	     text[0] && replay_time_parse(text, &c, ri->start_mono_ns, &to, err, sizeof(err)))) {
		fprintf(stderr, "perflens: %s: %s\n", opt, err);
		return 2;
	}
	replay_time_format(&c, ri->start_mono_ns, a, sizeof(a));
	replay_time_format(&c, ri->end_ts, b, sizeof(b));
	if (from > ri->end_ts || to < ri->start_mono_ns || to < from) {
		fprintf(stderr, "perflens: --from/--to: %s, the recording runs from %s to %s\n",
			to < from ? "--to is before --from" : "the slice is outside the recording", a, b);
		return 2;
	}
	replay_set_range(s->src, from, to);
	return 0;
}

/* Replay needs no root: no loader, no sampler (ticks come recorded). */
static int run_replay(struct session *s)
{
	char err[300] = "";
	const char *problem;
	bool damaged = false;
	json_object *ready;
	int rc = 1;

	s->src = replay_source_new(s->o->replay_path, (struct pl_sink){ engine_on_event, s->eng },
				   s->eng, err, sizeof(err));
	if (!s->src) {
		fprintf(stderr, "perflens: %s: %s\n", s->o->replay_path, err);
		return 1;
	}
	housekeeping_replay_src = s->src;
	if (!json_object_object_get_ex(replay_info(s->src)->header, "ready", &ready)) {
		fprintf(stderr, "perflens: %s: the header has no ready line\n", s->o->replay_path);
		goto out;
	}
	s->ready = json_object_get(ready);
	if (!s->o->json) {
		replay_set_speed(s->src, s->o->replay_speed);
		s->findings = findings_new(&(struct findings_config){ 0 });
		s->ai_store = ai_store_new(0);
		if (!s->findings || !s->ai_store) {
			fprintf(stderr, "perflens: out of memory\n");
			goto out;
		}
		/* Recorded findings and AI answers, as the replay clock reaches
		 * them, into the same stores the live run fills: the views read
		 * one thing. */
		replay_feed(s->src, REPLAY_FINDINGS,
			    (struct replay_feed){ findings_json_apply, findings_json_reset, s->findings });
		replay_feed(s->src, REPLAY_AI,
			    (struct replay_feed){ ai_store_feed_line, ai_store_feed_reset, s->ai_store });
	}
	if ((s->o->replay_from[0] || s->o->replay_to[0]) && (rc = set_slice(s)))
		goto out;
	rc = 1;
	if (start_outputs(s, NULL))
		goto out;
	rc = s->o->json ? headless_session(s) : tui_session(s);
	problem = replay_problem(s->src, &damaged);
	if (problem[0])
		fprintf(stderr, "perflens: %s: %s%s\n", s->o->replay_path,
			damaged ? "" : "warning: ", problem);
	if (damaged)
		rc = 1;
out:
	close_session(s);
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

/* Load and attach, then the symbolizer: what only a live run needs. */
static int live(struct session *s, struct pl_loader *ld)
{
	struct symbolizer *sym;
	char err[512];
	int rc;

	devname_refresh("/proc/partitions");
	if (loader_open(ld, s->o, err, sizeof(err))) {
		fprintf(stderr, "perflens: %s\n", err);
		loader_close(ld);
		return 1;
	}
	s->ld = ld;
	if (s->o->verbose)
		print_paths(&ld->paths);
	if (proctree_seed(s->eng->pt, "/proc") < 0)
		fprintf(stderr, "perflens: warning: cannot read /proc: processes born before start "
			"show without names until they act\n");
	sym = symbolizer_new("/proc", "/proc/kallsyms");
	if (!sym) {
		fprintf(stderr, "perflens: cannot set up symbolization: %s\n", strerror(errno));
		loader_close(ld);
		return 1;
	}
	if (symbolizer_kernel_restricted(sym))
		fprintf(stderr, "perflens: warning: /proc/kallsyms shows zero addresses "
			"(kptr_restrict or no CAP_SYSLOG): kernel frames stay unresolved\n");
	rc = run_live(s, sym);
	symbolizer_free(sym);
	loader_close(ld);
	return rc;
}

/* AI settings: the command line, then the environment, then the config
 * file.  Before any thread: the key is registered with the scrubber. */
static int setup_ai(const struct pl_options *o, struct ai_config *cfg)
{
	struct ai_cli cli = {
		.url = o->ai_url[0] ? o->ai_url : NULL, .model = o->ai_model[0] ? o->ai_model : NULL,
		.key_file = o->ai_key_file[0] ? o->ai_key_file : NULL, .interval_s = o->ai_interval_s,
		.budget_tokens = o->ai_budget, .full_cmdline = o->ai_full_cmdline,
		.anonymize = o->ai_anonymize, .dry_run = o->ai_dry_run,
	};
	char path[512], err[512];
	struct config *file = config_default_path(path, sizeof(path)) ? NULL : config_load(path);
	int e = ai_config_resolve(cfg, &cli, file, err, sizeof(err));

	config_free(file);
	if (e) {
		fprintf(stderr, "perflens: %s\n", err);
		return -1;
	}
	if (cfg->warning[0])
		fprintf(stderr, "perflens: warning: %s\n", cfg->warning);
	return 0;
}

int main(int argc, char **argv)
{
	struct engine_config ecfg = { .proc_cap = 32768, .keep_exited_ns = 120ull * 1000000000ull };
	struct pl_options o;
	struct pl_loader ld = { 0 };
	struct session s = { .o = &o };
	int rc;

	if (argc > 1 && !strcmp(argv[1], "report"))
		return report_main(argc - 1, argv + 1);
	options_defaults(&o);
	rc = options_parse(&o, argc, argv);
	if (rc)
		return rc == 1 ? 0 : 2;
	s.duration_s = o.duration_s;
	if (!o.replay_path[0] && resolve_cgroup(&o))
		return 2;
	/* libdw would fetch missing debug info over the network, for seconds, on
	 * the symbolizer thread: a monitor on a slow server must not do that. */
	unsetenv("DEBUGINFOD_URLS");
	scrub_set_enabled(o.scrub);
	/* libcurl's global state before any thread exists. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s.ai_cfg = calloc(1, sizeof(*s.ai_cfg));
	if (!s.ai_cfg || setup_ai(&o, s.ai_cfg)) {
		free(s.ai_cfg);
		return 2;
	}
	loader_set_verbose(o.verbose);
	install_signals();
	ecfg.window_s = o.window_s;
	ecfg.eventlog_cap = o.eventlog_cap;
	s.eng = engine_new(&ecfg);
	if (!s.eng) {
		fprintf(stderr, "perflens: out of memory\n");
		return 1;
	}
	rc = o.replay_path[0] ? run_replay(&s) : live(&s, &ld);
	engine_free(s.eng);
	ai_config_wipe(s.ai_cfg);
	free(s.ai_cfg);
	curl_global_cleanup();
	return rc;
}
