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
#include "ui/crt.h"
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
	return (size_t)snprintf(buf, sz, "main;do_work;read_block 30\nmain;idle_loop 10\n");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_with_providers, per_test_teardown),
		cmocka_unit_test_teardown(test_without_providers, per_test_teardown),
		cmocka_unit_test_teardown(test_mouse, per_test_teardown),
		cmocka_unit_test_teardown(test_too_small, per_test_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
