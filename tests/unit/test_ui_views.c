/*
 * Every view rendered off-screen (curses on /dev/null) from a small engine,
 * with fake providers standing in for the modules that plug in later
 * (stacks, hot functions, stuck operations, devices, saturation, AI), and
 * without them (the panes must say what is missing).  Reads the screen
 * back and checks what a user would see.  Runs under ASan in unit-asan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ai/ai_store.h"
#include "engine.h"
#include "findings/findings.h"
#include "ui/crt.h"
#include "ui/evidence_nav.h"
#include "ui/text.h"
#include "ui/tui_int.h"

static struct engine *eng;
static struct pl_options opts = { .refresh_ms = 1000, .threshold_ns = 5000000 };

/* ---- fake providers ---- */

static int fake_frames(void *ctx, uint32_t id, struct tui_frame *out, int max)
{
	(void)ctx;
	if (id != 7 || max < 2)
		return 0;
	snprintf(out[0].text, sizeof(out[0].text), "pipe_read+0x40 [kernel]");
	snprintf(out[1].text, sizeof(out[1].text), "vfs_read+0x1a [kernel]");
	return 2;
}

static size_t fake_folded(void *ctx, uint32_t pid, int role, char *buf, size_t sz)
{
	(void)ctx;
	(void)pid;
	(void)role;
	return (size_t)snprintf(buf, sz, "main;do_work;read_block 30\nmain;idle_loop 10\n"
				"main;vfs_read_[k];pipe_read_[k] 5\n");
}

static int fake_hot(void *ctx, uint32_t pid, struct tui_hot *out, int max, struct tui_hot_info *info)
{
	(void)ctx;
	(void)pid;
	if (max < 1)
		return 0;
	snprintf(out[0].name, sizeof(out[0].name), "crc32_loop");
	out[0].self = 90;
	out[0].total = 95;
	snprintf(info->event, sizeof(info->event), "cpu-clock");
	info->samples = 100;
	return 1;
}

static int fake_stuck(void *ctx, struct tui_stuck *out, int max)
{
	(void)ctx;
	if (max < 1)
		return 0;
	memset(out, 0, sizeof(*out));
	out->pid = 42;
	snprintf(out->comm, sizeof(out->comm), "stuckproc");
	out->type = PL_EV_READ;
	out->fd = 3;
	out->age_ns = 5000000000ull;
	snprintf(out->file, sizeof(out->file), "/mnt/nfs/slowfile");
	return 1;
}

static int fake_dev(void *ctx, struct tui_devstat *out, int max)
{
	(void)ctx;
	if (max < 1)
		return 0;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "vda");
	out->iops = 120;
	out->p99_ns = 3000000;
	return 1;
}

static size_t fake_sat(void *ctx, char *buf, size_t sz)
{
	(void)ctx;
	return (size_t)snprintf(buf, sz, "psi cpu some 1.0%%\nrunq p99 2ms");
}

static int fake_ai(void *ctx, char *buf, size_t sz)
{
	(void)ctx;
	snprintf(buf, sz, "The disk is slow: vda p99 3ms.\n\x1b[31mnot red");
	return 1;
}

static int fake_ai_status(void *ctx, char *buf, size_t sz)
{
	(void)ctx;
	snprintf(buf, sz, "idle: no material change\nstreaming: half a \x1b[2Jheadline");
	return 1;
}

/* One answer in an AI answers store, as the worker or a replay adds it;
 * raw escapes in it must still be defused when drawn. */
static struct ai_store *fake_ai_store(void)
{
	struct ai_store *s = ai_store_new(4);
	struct ai_record *r = calloc(1, sizeof(*r));
	struct ai_finding *f;

	assert_non_null(s);
	assert_non_null(r);
	r->ts = 42.9;
	snprintf(r->answer.headline, sizeof(r->answer.headline), "The disk is slow: vda p99 3ms.");
	r->answer.severity = AI_SEV_WARNING;
	r->answer.nfindings = 1;
	f = &r->answer.findings[0];
	snprintf(f->title, sizeof(f->title), "Slow vda");
	snprintf(f->explanation, sizeof(f->explanation), "\x1b[31mnot red");
	f->nevidence = 2;
	snprintf(f->evidence[0], AI_ID_LEN, "pid:77");
	snprintf(f->evidence[1], AI_ID_LEN, "stk#9");
	f->evidence_sent[0] = true;
	snprintf(r->resolved[0][0], AI_RESOLVED_LEN, "worker[77]");
	r->prompt_tokens = 1500;
	r->completion_tokens = 90;
	ai_store_add(s, r);
	free(r);
	return s;
}

/* ---- fixture ---- */

static void ingest(struct pl_event *ev)
{
	engine_lock(eng);
	engine_ingest(eng, ev);
	engine_unlock(eng);
}

static void fill(void)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_FORK;
	ev.ts_ns = eng->origin_ns + 1000;
	ev.pid = 1;
	ev.u.fork.child_pid = 100;
	snprintf(ev.comm, sizeof(ev.comm), "init");
	ingest(&ev);
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_EXEC;
	ev.ts_ns = eng->origin_ns + 2000;
	ev.pid = 100;
	ev.u.exec.ppid = 1;
	snprintf(ev.comm, sizeof(ev.comm), "worker");
	snprintf(ev.u.exec.args, sizeof(ev.u.exec.args), "worker --token=supersecretvalue123");
	ingest(&ev);
	for (int i = 0; i < 300; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = PL_EV_READ;
		ev.kind = PL_KIND_FILE;
		ev.ts_ns = eng->origin_ns + (uint64_t)i * 10000000ull;
		ev.pid = ev.tid = 100;
		ev.cgroup_id = 5;
		snprintf(ev.comm, sizeof(ev.comm), "worker");
		ev.u.io.lat_ns = 6000000 + (uint64_t)i * 100000;
		ev.u.io.ret = 4096;
		ev.u.io.ino = 77;
		ev.u.io.ustack_id = 7;
		ev.u.io.wstack_id = 7;
		snprintf(ev.u.io.file, sizeof(ev.u.io.file), "/data/file.db");
		ingest(&ev);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_BLOCK;
	ev.kind = PL_KIND_BLOCKDEV;
	ev.ts_ns = eng->origin_ns + 3000000000ull;
	ev.pid = 100;
	snprintf(ev.comm, sizeof(ev.comm), "worker");
	ev.u.blk.lat_ns = 20000000;
	ev.u.blk.bytes = 8192;
	snprintf(ev.u.blk.devname, sizeof(ev.u.blk.devname), "vda");
	ingest(&ev);
}

static int setup(void **state)
{
	struct engine_config ec = { .window_s = 60, .eventlog_cap = 10000, .proc_cap = 1000,
				    .keep_exited_ns = 60000000000ull };

	(void)state;
	eng = engine_new(&ec);
	if (!eng)
		return -1;
	fill();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	engine_free(eng);
	return 0;
}

static char screen[65536];

static const char *grab(void)
{
	char row[2048];
	size_t w = 0;

	screen[0] = '\0';
	for (int y = 0; y < draw_lines() && w < sizeof(screen) - 1; y++) {
		draw_read_row(y, row, sizeof(row));
		w += (size_t)snprintf(screen + w, sizeof(screen) - w, "%s\n", row);
	}
	return screen;
}

static void frame(struct tui *t, int key)
{
	if (key)
		tui_key(t, key, NULL);
	/* Let incremental scans finish, as the busy loop would. */
	for (int i = 0; i < 50; i++) {
		tui_frame(t, UI_DATA | UI_REDRAW);
		if (!tui_view(t)->ops->busy || !tui_view(t)->ops->busy(tui_view(t)))
			break;
	}
	grab();
}

/* cmocka cuts long messages: the screen goes to stderr first. */
#define SEE(s) do { if (!strstr(screen, (s))) { fprintf(stderr, "%s", screen); \
	fail_msg("missing '%s' on the screen above", (s)); } } while (0)
#define NOT_SEE(s) do { if (strstr(screen, (s))) { fprintf(stderr, "%s", screen); \
	fail_msg("unexpected '%s' on the screen above", (s)); } } while (0)

static struct tui *cur;

static struct tui *start(struct tui_env *env, int w, int h)
{
	struct crt_opts co = { .offscreen = true, .width = w, .height = h };
	char err[128];
	struct tui *t;

	env->eng = eng;
	env->opts = &opts;
	assert_int_equal(crt_init(&co, err, sizeof(err)), 0);
	assert_int_equal(draw_cols(), w);
	assert_int_equal(draw_lines(), h);
	t = tui_new(env);
	assert_non_null(t);
	cur = t;
	snap_take(t);
	return t;
}

static void stop(struct tui *t)
{
	tui_free(t);
	cur = NULL;
	crt_done();
}

/* After a failed assertion too: never leave curses up for the next test. */
static int per_test_teardown(void **state)
{
	(void)state;
	if (cur)
		stop(cur);
	crt_done();
	return 0;
}

static void test_with_providers(void **state)
{
	struct tui_env env = {
		.stack_frames = fake_frames, .folded_stacks = fake_folded, .hot_functions = fake_hot,
		.stuck_ops = fake_stuck, .dev_stats = fake_dev, .saturation = fake_sat,
		.ai_summary = fake_ai, .ai_status = fake_ai_status, .ai_store = fake_ai_store(),
	};
	struct tui *t = start(&env, 200, 50);

	(void)state;
	frame(t, 0);
	SEE("Dashboard");
	SEE("stuckproc");
	SEE("vda 120 IOPS");
	SEE("psi cpu some");
	SEE("crc32_loop");
	SEE("AI: The disk is slow");
	SEE("/data/file.db");
	SEE("worker");
	NOT_SEE("\x1b");

	frame(t, 'e');
	SEE("Events (newest first)");
	SEE("STUCK");
	SEE("/data/file.db");
	frame(t, K_HOME);
	frame(t, K_DOWN); /* the newest is the block request; the next is a read */
	frame(t, K_ENTER);
	SEE("Event detail");
	SEE("pipe_read+0x40 [kernel]");
	SEE("Where it waited");
	SEE("latency");

	frame(t, K_ESC);
	SEE("Events (newest first)");
	frame(t, 's');
	SEE("Stacks");
	SEE("read_block");
	frame(t, 'f');
	SEE("do_work");
	SEE("all");
	frame(t, 'h');
	SEE("crc32_loop");
	SEE("cpu-clock");
	frame(t, 'a');
	SEE("idle: no material change");
	SEE("^[[2Jheadline");
	SEE("[warning] The disk is slow");
	SEE("(t+42s)");
	SEE("^[[31mnot red"); /* the escape is defused, the text kept */
	SEE("pid:77  worker[77]");
	SEE("stk#9  never sent: unverified");
	SEE("1500 prompt + 90 answer");
	SEE("History");
	env.ai_recorded = true; /* the same store, replayed */
	env.ai_status = NULL;
	frame(t, 'a');
	SEE("r is unavailable in replay");
	SEE("Latest recorded answer");
	NOT_SEE("idle: no material change");
	stop(t);
	ai_store_free(env.ai_store);
}

static void test_without_providers(void **state)
{
	struct tui_env env = { 0 };
	struct tui *t = start(&env, 80, 24);

	(void)state;
	frame(t, 0);
	SEE("Dashboard");
	SEE("not available in this build");
	SEE("AI: not configured");
	frame(t, 's');
	SEE("stacks: not available in this build");
	frame(t, 'h');
	SEE("hot functions: PMU sampling not enabled");
	frame(t, 'a');
	SEE("AI: not configured");
	frame(t, 'e');
	frame(t, K_ENTER);
	SEE("Event detail");
	SEE("stacks: not available in this build");
	frame(t, K_ENTER); /* the first line links to the process */
	SEE("Process 100");
	SEE("/data/file.db");
	SEE("--token=***");  /* command lines are scrubbed on screen */
	NOT_SEE("supersecretvalue123");
	frame(t, 'p');
	SEE("Process tree");
	SEE("worker");
	frame(t, 't');
	SEE("latency heat map");
	frame(t, K_ENTER);
	SEE("Events in second");
	frame(t, '?');
	SEE("Help: keys");
	SEE("quit");
	frame(t, 'L');
	SEE("Log");
	stop(t);
}

static void test_mouse(void **state)
{
	struct tui_env env = { 0 };
	struct tui *t = start(&env, 100, 30);
	struct crt_mouse m = { 0, 0, M_CLICK };
	struct view *v;

	(void)state;
	frame(t, 0);
	/* A click on a tab switches views. */
	for (int i = 0; i < t->ntabs; i++)
		if (t->tabs[i].tv == TV_EVENTS)
			m.x = t->tabs[i].x0 + 1;
	assert_true(tui_key(t, K_MOUSE, &m) & UI_REDRAW);
	assert_ptr_equal(tui_view(t), t->top[TV_EVENTS]);
	frame(t, 0);
	v = tui_view(t);
	/* A click on a row selects it (row 0 of the body is the header). */
	m = (struct crt_mouse){ v->body.y + 4, 10, M_CLICK };
	tui_key(t, K_MOUSE, &m);
	frame(t, K_ENTER);
	SEE("Event detail");
	frame(t, K_ESC);
	/* The wheel scrolls. */
	m = (struct crt_mouse){ v->body.y + 4, 10, M_WHEEL_DOWN };
	assert_true(tui_key(t, K_MOUSE, &m) & UI_REDRAW);
	frame(t, 0);
	SEE("Events (newest first)");
	stop(t);
}

static void test_too_small(void **state)
{
	struct tui_env env = { 0 };
	struct tui *t = start(&env, 60, 20);

	(void)state;
	frame(t, 0);
	SEE("terminal too small (need 80x24)");
	/* Only q works there. */
	assert_int_equal(tui_key(t, 'e', NULL), 0);
	assert_true(tui_key(t, 'q', NULL) & UI_QUIT);
	stop(t);
}

/* ---- findings: the dashboard pane, the view, evidence jumps ---- */

static void add_finding(struct findings *f, uint64_t id, const char *rule, bool with_evidence)
{
	struct finding fd = { .id = id, .rule = findings_rule_by_id(rule), .state = FINDING_OPEN,
			      .severity = FINDING_WARNING, .peak_severity = FINDING_WARNING,
			      .start_sec = 0, .open_sec = 2, .last_sec = 2, .end_sec = -1,
			      .value = 38, .peak = 52 };
	struct finding_evidence *v = fd.ev;

	fd.subject = (struct finding_subject){ .scope = FSCOPE_PROCESS, .pid = 100 };
	snprintf(fd.subject.name, sizeof(fd.subject.name), "worker");
	if (with_evidence) {
		*v = (struct finding_evidence){ .kind = FEV_PROCESS, .pid = 100, .ppid = 1 };
		snprintf(v++->name, sizeof(v->name), "worker");
		*v = (struct finding_evidence){ .kind = FEV_DEVICE };
		snprintf(v++->name, sizeof(v->name), "vda");
		*v = (struct finding_evidence){ .kind = FEV_FILE };
		snprintf(v++->name, sizeof(v->name), "/data/file.db");
		*v++ = (struct finding_evidence){ .kind = FEV_STACK, .stack_id = 7 };
		*v = (struct finding_evidence){ .kind = FEV_CGROUP, .cgroup_id = 5 };
		snprintf(v++->name, sizeof(v->name), "/test.slice");
		fd.nev = (int)(v - fd.ev);
	}
	assert_int_equal(findings_apply(f, &fd), 0);
}

/* Select the line holding text, the way a user would: / then Enter. */
static void search_for(struct tui *t, const char *text)
{
	tui_key(t, '/', NULL);
	for (const char *p = text; *p; p++)
		tui_key(t, (unsigned char)*p, NULL);
	frame(t, K_ENTER);
}

static void test_findings(void **state)
{
	struct findings *f = findings_new(&(struct findings_config){ 0 });
	struct tui_env env = { .stack_frames = fake_frames, .folded_stacks = fake_folded };
	const struct findings_rule *slow = findings_rule_by_id("slow_storage");
	struct tui *t;

	(void)state;
	assert_non_null(f);
	env.findings = f;
	t = start(&env, 80, 24);
	frame(t, 0);
	SEE("health 100/100: no open findings");
	add_finding(f, 1, "slow_storage", true);
	snap_take(t); /* the pane reads the store once per refresh */
	frame(t, 'd');
	/* One storage warning: 100 - 40 x 0.5 (docs/findings.md, health score). */
	SEE("health 80/100: -20 storage (Slow storage I/O, warning)");
	SEE("warning");
	SEE("Slow storage I/O");
	SEE("pid 100 worker");
	/* More than the pane holds: counted, never cut silently. */
	add_finding(f, 2, "psi_cpu", false);
	add_finding(f, 3, "psi_memory", false);
	add_finding(f, 4, "runq_latency", false);
	add_finding(f, 5, "spawn_storm", false);
	snap_take(t);
	frame(t, 'd');
	SEE("+3 more (! lists every finding)");

	frame(t, '!');
	SEE("Findings");
	SEE("Open and ongoing");
	SEE("F1:help"); /* ? explains here: the hint names the key that helps */
	SEE("evidence: pid:100 dev:vda file:/data/file.db stk#7 cg:/test.slice");
	SEE("Run-queue");
	/* Enter on a finding expands it: explanation, evidence, recommendations. */
	search_for(t, "Slow storage I/O");
	frame(t, K_ENTER);
	SEE(slow->explain[0] ? "Reads, writes or syncs" : "?");
	SEE("[read-only]");
	SEE("(Enter: go there)");
	/* ? explains the rule: thresholds and timing; F1 stays help. */
	frame(t, '?');
	SEE("Finding #1 explained");
	SEE("warning  at or above 10 ops/s");
	SEE("critical at or above 100 ops/s");
	SEE("fires after 3 consecutive seconds over; clears after 10 seconds under");
	frame(t, K_ESC);
	frame(t, K_F1);
	SEE("Help: keys");
	search_for(t, "Findings view");
	SEE("explain the selected finding");
	frame(t, K_ESC);
	SEE("Open and ongoing");

	/* Enter on each evidence ID goes to its entity. */
	search_for(t, "pid:100 worker");
	frame(t, K_ENTER);
	SEE("Process 100");
	frame(t, K_ESC);
	/* Back from the evidence, ? explains the finding searched for; on the
	 * health line, the finding behind its main reason. */
	search_for(t, "ops/s (warn");
	frame(t, '?');
	SEE("Finding #1 explained");
	frame(t, K_ESC);
	frame(t, K_HOME);
	frame(t, '?');
	SEE("Finding #1 explained");
	frame(t, K_ESC);
	search_for(t, "dev:vda   ");
	frame(t, K_ENTER);
	assert_string_equal(t->filter.src, "type:block file:vda");
	SEE("filtered: 1 shown");
	SEE("block blkdev     100 worker");
	frame(t, K_ESC);
	search_for(t, "file:/data/file.db   ");
	frame(t, K_ENTER);
	assert_string_equal(t->filter.src, "file:/data/file.db");
	SEE("filtered: 300 shown");
	frame(t, K_ESC);
	search_for(t, "cg:/test.slice   ");
	frame(t, K_ENTER);
	assert_string_equal(t->filter.src, "cgroup:5");
	SEE("filtered: 300 shown"); /* the reads were made in cgroup 5, the block request not */
	frame(t, K_ESC);
	search_for(t, "stk#7   ");
	frame(t, K_ENTER);
	SEE("Stacks");
	SEE("pipe_read_[k]");     /* selected and expanded: its frames listed */
	SEE("vfs_read_[k]");
	stop(t);
	findings_free(f);
}

/* An answer whose evidence cites each kind of entity, with what each id
 * pointed at when it was asked, as the worker stores it. */
static struct ai_store *ai_store_citing_everything(void)
{
	static const struct {
		const char *id;
		struct ai_evidence target;
	} cited[] = {
		{ "pid:100", { .kind = AI_EV_PID, .pid = 100, .name = "worker" } },
		{ "io#3", { .kind = AI_EV_IO, .pid = 100, .name = "/data/file.db" } },
		{ "dev#1", { .kind = AI_EV_DEV, .name = "vda" } },
		{ "stk#2", { .kind = AI_EV_STACK, .pid = 100, .ustack_id = 7 } },
		{ "fnd#1", { .kind = AI_EV_FINDING, .finding_id = 1, .name = "slow_storage" } },
	};
	struct ai_store *s = ai_store_new(4);
	struct ai_record *r = calloc(1, sizeof(*r));
	struct ai_finding *f;

	assert_non_null(s);
	assert_non_null(r);
	snprintf(r->answer.headline, sizeof(r->answer.headline), "worker waits on its file");
	r->answer.nfindings = 1;
	f = &r->answer.findings[0];
	snprintf(f->title, sizeof(f->title), "slow reads");
	for (size_t k = 0; k < sizeof(cited) / sizeof(cited[0]); k++) {
		snprintf(f->evidence[k], AI_ID_LEN, "%s", cited[k].id);
		f->evidence_sent[k] = true;
		snprintf(r->resolved[0][k], AI_RESOLVED_LEN, "was %s", cited[k].id);
		r->target[0][k] = cited[k].target;
	}
	snprintf(f->evidence[5], AI_ID_LEN, "pid:999");
	f->nevidence = 6;
	ai_store_add(s, r);
	free(r);
	return s;
}

static void ai_enter_on(struct tui *t, const char *text)
{
	frame(t, 'a');
	search_for(t, text);
	frame(t, K_ENTER);
}

/* The wide dashboard has a health and findings pane of its own; the AI
 * view's Enter goes from an answer's evidence to what it pointed at. */
static void test_findings_wide_and_ai_jump(void **state)
{
	struct findings *f = findings_new(&(struct findings_config){ 0 });
	struct tui_env env = { .stack_frames = fake_frames, .folded_stacks = fake_folded,
			       .ai_store = ai_store_citing_everything() };
	struct tui *t;

	(void)state;
	assert_non_null(f);
	env.findings = f;
	add_finding(f, 1, "slow_storage", true);
	add_finding(f, 2, "psi_cpu", false);
	t = start(&env, 200, 50);
	frame(t, 0);
	SEE("Health and findings");
	/* storage warning and cpu warning: 100 - 40 x 0.5 - 30 x 0.5 */
	SEE("health 65/100");
	SEE("CPU pressure");
	NOT_SEE("more (! lists");
	ai_enter_on(t, "was pid:100");
	SEE("Process 100");
	ai_enter_on(t, "was io#3");
	assert_string_equal(t->filter.src, "file:/data/file.db");
	ai_enter_on(t, "was dev#1");
	assert_string_equal(t->filter.src, "type:block file:vda");
	ai_enter_on(t, "was stk#2");
	SEE("pipe_read_[k]");     /* the stack, selected and expanded */
	ai_enter_on(t, "was fnd#1");
	SEE("Findings");
	SEE("Slow storage");
	ai_enter_on(t, "pid:999");
	SEE("never sent to the AI");
	ai_enter_on(t, "worker waits");
	SEE("Enter on a cited evidence line");
	/* Replayed: the stack id was the live run's, so its process instead. */
	env.ai_recorded = true;
	ai_enter_on(t, "was stk#2");
	SEE("Process 100");
	stop(t);
	ai_store_free(env.ai_store);
	findings_free(f);
}

/* ---- replay: the timeline scrubs ---- */

static uint64_t fake_clock;  /* the replay clock, as the recording's monotonic ns */
static uint64_t fake_sought; /* the last seek's target */
static int fake_seeks;

static uint64_t fake_replay_now(void *ctx)
{
	(void)ctx;
	return fake_clock;
}

/* As the consumer thread does it next drain: the clock goes to the target. */
static void fake_replay_seek(void *ctx, uint64_t ts)
{
	(void)ctx;
	fake_sought = fake_clock = ts;
	fake_seeks++;
}

static void fake_replay_control(void *ctx, int op)
{
	(void)ctx;
	(void)op;
}

static void sec_label(int64_t sec, char *buf, size_t sz)
{
	fmt_clock(buf, sz, eng->origin_wall + (double)sec, false);
}

/* The screen row holding s, or -1. */
static int row_with(const char *s)
{
	char row[2048];

	for (int y = 0; y < draw_lines(); y++) {
		draw_read_row(y, row, sizeof(row));
		if (strstr(row, s))
			return y;
	}
	return -1;
}

static void test_timeline_scrub(void **state)
{
	struct tui_env env = { .replay_control = fake_replay_control,
			       .replay_now = fake_replay_now, .replay_seek = fake_replay_seek };
	struct tui *t;
	const char *cursor = theme_utf8() ? "▲" : "^", *head = theme_utf8() ? "◆" : "@";
	char want[64], when[16];

	(void)state;
	/* The events end in second 3; the replay clock is in second 5. */
	fake_clock = eng->origin_ns + 5000000000ull; /* whole: the labels agree */
	fake_seeks = 0;
	t = start(&env, 120, 30);
	frame(t, 't');
	sec_label(5, when, sizeof(when));
	snprintf(want, sizeof(want), "cursor %s (play-head)  replay %s", when, when);
	SEE(want); /* in replay the window ends at the play-head, not the newest event */
	/* Right cannot pass the play-head. */
	frame(t, K_RIGHT);
	SEE(want);
	for (int i = 0; i < 4; i++)
		frame(t, K_LEFT);
	sec_label(1, when, sizeof(when));
	snprintf(want, sizeof(want), "cursor %s  replay ", when);
	SEE(want);
	/* Both marks on the axis while they are apart. */
	assert_int_not_equal(row_with(cursor), -1);
	assert_int_equal(row_with(head), row_with(cursor));
	frame(t, 'G');
	assert_int_equal(fake_seeks, 1);
	assert_true(fake_sought == eng->origin_ns + 1000000000ull);
	snprintf(want, sizeof(want), "replay from %s", when);
	SEE(want);
	snprintf(want, sizeof(want), "cursor %s (play-head)  replay %s", when, when);
	SEE(want); /* the cursor stays on the second sought */
	assert_int_equal(row_with(head), -1); /* the cursor's mark covers it */
	frame(t, K_ENTER);
	SEE("Events in second");
	frame(t, K_ESC);
	frame(t, K_RIGHT);
	assert_int_equal(row_with(head), row_with(cursor));
	/* The replay plays on to second 6; End follows the play-head again. */
	fake_clock = eng->origin_ns + 6000000000ull;
	frame(t, 0);
	assert_int_equal(row_with(head), row_with(cursor));
	frame(t, K_END);
	sec_label(6, when, sizeof(when));
	snprintf(want, sizeof(want), "cursor %s (play-head)  replay %s", when, when);
	SEE(want);
	frame(t, 0);
	fake_clock += 1000000000ull;
	frame(t, 0);
	sec_label(7, when, sizeof(when));
	snprintf(want, sizeof(want), "cursor %s (play-head)  replay %s", when, when);
	SEE(want);
	/* The events view has no G. */
	frame(t, 'e');
	frame(t, 'G');
	assert_int_equal(fake_seeks, 1);
	stop(t);
}

/* A seek back before the first event leaves none: the window is still there. */
static void test_timeline_replay_empty(void **state)
{
	struct engine_config ec = { .window_s = 60, .eventlog_cap = 100, .proc_cap = 100 };
	struct engine *full = eng;
	struct tui_env env = { .replay_control = fake_replay_control,
			       .replay_now = fake_replay_now, .replay_seek = fake_replay_seek };
	struct tui *t;
	char want[64], when[16];

	(void)state;
	eng = engine_new(&ec);
	assert_non_null(eng);
	fake_clock = eng->origin_ns + 2000000000ull;
	t = start(&env, 100, 30);
	frame(t, 't');
	NOT_SEE("no events yet");
	sec_label(2, when, sizeof(when));
	snprintf(want, sizeof(want), "cursor %s (play-head)  replay %s", when, when);
	SEE(want);
	frame(t, K_LEFT);
	sec_label(1, when, sizeof(when));
	snprintf(want, sizeof(want), "cursor %s  replay ", when);
	SEE(want);
	stop(t);
	engine_free(eng);
	eng = full;
}

/* Live there is no play-head and no G. */
static void test_timeline_live(void **state)
{
	struct tui_env env = { 0 };
	struct tui *t = start(&env, 120, 30);

	(void)state;
	frame(t, 't');
	SEE("<- -> move");
	NOT_SEE("replay");
	assert_int_equal(row_with(theme_utf8() ? "◆" : "@"), -1);
	frame(t, 'G');
	NOT_SEE("replay from");
	stop(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_with_providers, per_test_teardown),
		cmocka_unit_test_teardown(test_without_providers, per_test_teardown),
		cmocka_unit_test_teardown(test_mouse, per_test_teardown),
		cmocka_unit_test_teardown(test_too_small, per_test_teardown),
		cmocka_unit_test_teardown(test_findings, per_test_teardown),
		cmocka_unit_test_teardown(test_findings_wide_and_ai_jump, per_test_teardown),
		cmocka_unit_test_teardown(test_timeline_scrub, per_test_teardown),
		cmocka_unit_test_teardown(test_timeline_live, per_test_teardown),
		/* Last: it swaps in an empty engine. */
		cmocka_unit_test_teardown(test_timeline_replay_empty, per_test_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
