/*
 * Unit tests for the findings engine (src/findings): every rule of the
 * table, driven by synthetic store contents, fires at its warning
 * threshold and not below, honours its hysteresis, escalates, calms down
 * and clears; evidence names the right entities; the health score counts
 * one problem once.
 *
 * Each input has one "setter" that makes the stores hold a given value of
 * it for the next second; the per-rule test is generic over the table, so
 * a rule added to rules.c is tested without new code (a new input needs a
 * setter, and test_every_input_has_a_setter says so).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "findings/findings.h"
#include "findings/findings_json.h"
#include "util/devname.h"

#define START_SEC 200      /* old OOM kills at sec - 100 stay after the origin */
#define PID_IO 4242
#define PID_OTHER 4343
#define PID_SYNC 5151
#define PID_PARENT 777
#define VDA1 ((253u << 20) | 1)
#define MAX_SEEN 4096

struct seen {
	char rule[40];
	enum finding_state state;
	enum finding_severity severity;
	uint64_t id;
	struct finding fd;
};

struct fx {
	struct engine *e;
	struct findings *f;
	int64_t sec;
	struct findings_lost lost;
	struct seen seen[MAX_SEEN];
	int nseen;
	char partitions[64];
};

/* ---------------------------------------------------------------- fixture */

static void on_change(void *ctx, const struct finding *fd)
{
	struct fx *x = ctx;

	if (x->nseen >= MAX_SEEN)
		return;
	struct seen *s = &x->seen[x->nseen++];

	snprintf(s->rule, sizeof(s->rule), "%s", fd->rule->id);
	s->state = fd->state;
	s->severity = fd->severity;
	s->id = fd->id;
	s->fd = *fd;
}

static void lost_cb(void *ctx, struct findings_lost *out)
{
	*out = ((struct fx *)ctx)->lost;
}

static struct fx *fx_new(size_t history_cap)
{
	struct engine_config ec = { .window_s = 60, .eventlog_cap = 200000, .proc_cap = 4096,
				    .keep_exited_ns = 60ull * 1000000000ull };
	struct fx *x = calloc(1, sizeof(*x));
	struct findings_config fc = { .history_cap = history_cap, .on_change = on_change,
				      .lost = lost_cb };
	FILE *p;
	int fd;

	assert_non_null(x);
	fc.change_ctx = x;
	fc.lost_ctx = x;
	x->e = engine_new(&ec);
	x->f = findings_new(&fc);
	assert_non_null(x->e);
	assert_non_null(x->f);
	x->sec = START_SEC;
	/* A partitions table so dev 253:1 is vda1, on disk vda. */
	snprintf(x->partitions, sizeof(x->partitions), "/tmp/pl-findings-parts-XXXXXX");
	fd = mkstemp(x->partitions);
	assert_true(fd >= 0);
	p = fdopen(fd, "w");
	fputs("major minor  #blocks  name\n\n 253 0 1000 vda\n 253 1 900 vda1\n 259 0 1000 nvme0n1\n", p);
	fclose(p);
	assert_int_equal(devname_refresh(x->partitions), 3);
	return x;
}

static void fx_free(struct fx *x)
{
	unlink(x->partitions);
	findings_free(x->f);
	engine_free(x->e);
	free(x);
}

static uint64_t ts_in(const struct fx *x, int64_t sec, uint64_t off_ns)
{
	return x->e->origin_ns + (uint64_t)sec * 1000000000ull + off_ns;
}

static struct pl_event io_event(const struct fx *x, unsigned type, uint32_t pid, const char *comm,
				uint64_t lat_ns, uint64_t off_ns)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.kind = PL_KIND_FILE;
	ev.pid = ev.tid = pid;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.ts_ns = ts_in(x, x->sec - 1, off_ns);
	ev.u.io.lat_ns = lat_ns;
	ev.u.io.start_ns = ev.ts_ns - lat_ns;
	ev.u.io.dev = VDA1;
	ev.u.io.wstack_id = 7;
	snprintf(ev.u.io.file, sizeof(ev.u.io.file), "/var/tmp/%s.db", comm);
	return ev;
}

static void ingest_io(struct fx *x, unsigned type, uint32_t pid, const char *comm, uint64_t lat_ns,
		      int n)
{
	engine_lock(x->e);
	for (int i = 0; i < n; i++) {
		struct pl_event ev = io_event(x, type, pid, comm, lat_ns, 1000000ull * (uint64_t)(i + 1));

		engine_ingest(x->e, &ev);
	}
	engine_unlock(x->e);
}

static void ingest_forks(struct fx *x, uint32_t parent, const char *comm, int n)
{
	engine_lock(x->e);
	for (int i = 0; i < n; i++) {
		struct pl_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = PL_EV_FORK;
		ev.pid = ev.tid = parent;
		snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
		ev.ts_ns = ts_in(x, x->sec - 1, 1000ull * (uint64_t)(i + 1));
		ev.u.fork.child_pid = 100000 + (uint32_t)(x->sec % 100) * 1000 + (uint32_t)i;
		engine_ingest(x->e, &ev);
	}
	engine_unlock(x->e);
}

/* One sample with one field set (field < 0: all zero). */
static void push(struct series *s, int64_t sec, int field, double v)
{
	double vals[SERIES_MAX_FIELDS] = { 0 };

	if (field >= 0)
		vals[field] = v;
	assert_int_equal(series_push(s, sec, vals), 0);
}

static struct sat_dev *dev(struct fx *x, const char *name, int rotational)
{
	struct sat_dev *d = satstore_dev(x->e->sat, name);

	assert_non_null(d);
	d->rotational = rotational;
	return d;
}

/* Every second starts quiet: a fresh sample, all saturation inputs at 0. */
static void baseline(struct fx *x)
{
	struct satstore *sat = x->e->sat;

	sat->last_sec = x->sec;
	sat->psi_available = sat->runq_available = true;
	push(sat->psi, x->sec, -1, 0);
	push(sat->runq, x->sec, SAT_RUNQ_COUNT, 1000);
	push(sat->self, x->sec, -1, 0);
	for (int i = 0; i < sat->ndevs; i++) {
		sat->devs[i].p99_us = 0;
		sat->devs[i].util_pct = sat->devs[i].qdepth = 0;
		sat->devs[i].iops = 100;
	}
	sat->ninflight = 0;
	sat->dstate_total = 0;
	sat->ndstate = 0;
}

/* ------------------------------------------------------- one setter per input */

static void set_slow_storage(struct fx *x, const struct findings_rule *r, double v)
{
	ingest_io(x, PL_EV_WRITE, PID_IO, "stress-ng-hdd", 6000000, (int)lround(v));
}

static struct sat_dev *rule_dev(struct fx *x, const struct findings_rule *r)
{
	return r->filter == FFILT_NONROTATIONAL ? dev(x, "nvme0n1", 0) : dev(x, "vda", 1);
}

static void set_dev_p99(struct fx *x, const struct findings_rule *r, double v)
{
	rule_dev(x, r)->p99_us = (uint64_t)llround(v * 1000);
}

static void set_dev_util(struct fx *x, const struct findings_rule *r, double v)
{
	rule_dev(x, r)->util_pct = v;
}

static void set_dev_qdepth(struct fx *x, const struct findings_rule *r, double v)
{
	rule_dev(x, r)->qdepth = v;
}

static void set_stuck(struct fx *x, const struct findings_rule *r, double v)
{
	struct sat_inflight *o = &x->e->sat->inflight[0];

	if (v <= 0)
		return;
	memset(o, 0, sizeof(*o));
	o->pid = o->tid = PID_IO;
	snprintf(o->comm, sizeof(o->comm), "stuckreader");
	o->type = PL_EV_READ;
	o->kind = PL_KIND_FILE;
	o->age_ns = (uint64_t)llround(v * 1e9);
	snprintf(o->file, sizeof(o->file), "/mnt/nfs/data");
	x->e->sat->ninflight = 1;
}

static void set_dstate(struct fx *x, const struct findings_rule *r, double v)
{
	struct satstore *sat = x->e->sat;

	sat->dstate_total = (uint32_t)lround(v);
	if (v <= 0)
		return;
	sat->ndstate = 1;
	sat->dstate[0].pid = PID_IO;
	sat->dstate[0].count = sat->dstate_total;
	snprintf(sat->dstate[0].comm, sizeof(sat->dstate[0].comm), "dwaiter");
}

static void set_psi_field(struct fx *x, int field, double v)
{
	push(x->e->sat->psi, x->sec, field, v);
}

static void set_psi_io(struct fx *x, const struct findings_rule *r, double v)
{
	set_psi_field(x, SAT_PSI_IO_SOME, v);
}

static void set_psi_cpu(struct fx *x, const struct findings_rule *r, double v)
{
	set_psi_field(x, SAT_PSI_CPU_SOME, v);
}

static void set_psi_mem(struct fx *x, const struct findings_rule *r, double v)
{
	set_psi_field(x, SAT_PSI_MEM_SOME, v);
}

static void set_runq(struct fx *x, const struct findings_rule *r, double v)
{
	double vals[SAT_RUNQ_NFIELDS] = { [SAT_RUNQ_COUNT] = 1000, [SAT_RUNQ_P99_US] = v * 1000 };

	assert_int_equal(series_push(x->e->sat->runq, x->sec, vals), 0);
}

static void set_spawn(struct fx *x, const struct findings_rule *r, double v)
{
	ingest_forks(x, PID_PARENT, "spawner", (int)lround(v));
}

/* PID_IO gets v% of the slow storage time, PID_OTHER the rest, 20 ops/s in all. */
static void set_slow_share(struct fx *x, const struct findings_rule *r, double v)
{
	if (v <= 0)
		return;
	ingest_io(x, PL_EV_WRITE, PID_IO, "hog", (uint64_t)llround(v * 1e6), 10);
	ingest_io(x, PL_EV_WRITE, PID_OTHER, "bystander", (uint64_t)llround((100 - v) * 1e6), 10);
}

static void set_sync(struct fx *x, const struct findings_rule *r, double v)
{
	if (v > 0)
		ingest_io(x, PL_EV_SYNC, PID_SYNC, "dbwriter", (uint64_t)llround(v * 1e5), 10);
}

static void set_lost(struct fx *x, const struct findings_rule *r, double v)
{
	x->lost.ring += (uint64_t)llround(v);
}

static void set_self(struct fx *x, const struct findings_rule *r, double v)
{
	push(x->e->sat->self, x->sec, SAT_SELF_CPU_PCT, v);
}

/* Exactly v kills in the window: the ring keeps the newest 16, so the rest
 * of them are kills from long ago that push older ones out. */
static void set_oom(struct fx *x, const struct findings_rule *r, double v)
{
	for (int i = 0; i < 16; i++) {
		struct findings_oom o = { .pid = 6000 + (uint32_t)i, .anon_rss_kb = 65536 };
		int64_t s = i < lround(v) ? x->sec : x->sec - 100;

		o.ts_ns = ts_in(x, s, 1000);
		snprintf(o.comm, sizeof(o.comm), "memhog");
		findings_note_oom(x->f, &o);
	}
}

typedef void (*setter_fn)(struct fx *x, const struct findings_rule *r, double v);

static const setter_fn setters[FIN_COUNT] = {
	[FIN_SLOW_STORAGE] = set_slow_storage, [FIN_DEV_P99] = set_dev_p99,
	[FIN_DEV_UTIL] = set_dev_util, [FIN_DEV_QDEPTH] = set_dev_qdepth,
	[FIN_STUCK_AGE] = set_stuck, [FIN_DSTATE] = set_dstate, [FIN_PSI_IO] = set_psi_io,
	[FIN_PSI_CPU] = set_psi_cpu, [FIN_PSI_MEM] = set_psi_mem, [FIN_RUNQ_P99] = set_runq,
	[FIN_SPAWN_RATE] = set_spawn, [FIN_SLOW_IO_SHARE] = set_slow_share,
	[FIN_SYNC_TIME] = set_sync, [FIN_LOST_RATE] = set_lost, [FIN_SELF_CPU] = set_self,
	[FIN_OOM_KILLS] = set_oom,
};

/* One second: quiet stores, the rule's input at v, then an evaluation. */
static void tick(struct fx *x, const struct findings_rule *r, double v)
{
	x->sec++;
	baseline(x);
	if (r)
		setters[r->input](x, r, v);
	findings_tick(x->f, x->e, x->sec);
}

static int count_rule(const struct fx *x, int from, const char *rule, int state)
{
	int n = 0;

	for (int i = from; i < x->nseen; i++)
		if (!strcmp(x->seen[i].rule, rule) && (state < 0 || (int)x->seen[i].state == state))
			n++;
	return n;
}

/* The newest transition of a rule (fails the test when there is none). */
static const struct seen *last_of(const struct fx *x, const char *rule)
{
	static const struct seen none;

	for (int i = x->nseen - 1; i >= 0; i--)
		if (!strcmp(x->seen[i].rule, rule))
			return &x->seen[i];
	fail_msg("no transition of %s", rule);
	return &none;
}

/* --------------------------------------------------------- per-rule test */

static double below(const struct findings_rule *r)
{
	return r->warn - (r->warn * 0.01 > 1 ? r->warn * 0.01 : 1);
}

static void ticks(struct fx *x, const struct findings_rule *r, double v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tick(x, r, v);
}

static void test_rule(void **state)
{
	const struct findings_rule *r = *state;
	struct fx *x = fx_new(0);
	unsigned fire = r->fire_after_s, clear = r->clear_after_s;
	const struct seen *s;
	int mark;

	/* Just below the warning threshold, for longer than any hysteresis. */
	ticks(x, r, below(r), fire + clear + 2);
	assert_int_equal(count_rule(x, 0, r->id, -1), 0);

	/* At the threshold: opens on the fire_after-th second, not before. */
	ticks(x, r, r->warn, fire - 1);
	assert_int_equal(count_rule(x, 0, r->id, -1), 0);
	tick(x, r, r->warn);
	assert_int_equal(count_rule(x, 0, r->id, FINDING_OPEN), 1);
	s = last_of(x, r->id);
	assert_int_equal(s->severity, FINDING_WARNING);
	assert_true(fabs(s->fd.value - r->warn) < 1e-6);
	assert_int_equal(s->fd.start_sec, x->sec - (int64_t)fire + 1);
	assert_int_equal(s->fd.open_sec, x->sec);
	assert_true(s->fd.nev > 0);

	/* Hysteresis: dips shorter than clear_after never clear it. */
	mark = x->nseen;
	for (int round = 0; round < 3; round++) {
		ticks(x, r, 0, clear - 1);
		tick(x, r, r->warn);
	}
	assert_int_equal(count_rule(x, mark, r->id, -1), 0);

	/* Critical after fire_after seconds over crit, not before. */
	ticks(x, r, r->crit, fire - 1);
	assert_int_equal(count_rule(x, mark, r->id, -1), 0);
	tick(x, r, r->crit);
	s = last_of(x, r->id);
	assert_int_equal(count_rule(x, mark, r->id, FINDING_ONGOING), 1);
	assert_int_equal(s->severity, FINDING_CRITICAL);

	/* Back to warning after clear_after seconds under crit (still over warn). */
	mark = x->nseen;
	ticks(x, r, r->warn, clear - 1);
	assert_int_equal(count_rule(x, mark, r->id, -1), 0);
	tick(x, r, r->warn);
	s = last_of(x, r->id);
	assert_int_equal(count_rule(x, mark, r->id, FINDING_ONGOING), 1);
	assert_int_equal(s->severity, FINDING_WARNING);
	assert_int_equal(s->fd.peak_severity, FINDING_CRITICAL);

	/* Clears after clear_after seconds under, not before. */
	mark = x->nseen;
	ticks(x, r, 0, clear - 1);
	assert_int_equal(count_rule(x, mark, r->id, -1), 0);
	tick(x, r, 0);
	assert_int_equal(count_rule(x, mark, r->id, FINDING_CLEARED), 1);
	s = last_of(x, r->id);
	assert_int_equal(s->fd.end_sec, x->sec);
	assert_true(s->fd.peak >= r->crit - 1e-6);
	fx_free(x);
}

/* ------------------------------------------------------- specific behaviour */

/* The first evidence of a kind (fails the test when there is none). */
static const struct finding_evidence *ev_of(const struct finding *fd, enum finding_ev_kind k)
{
	static const struct finding_evidence none;

	for (int i = 0; i < fd->nev; i++)
		if (fd->ev[i].kind == k)
			return &fd->ev[i];
	fail_msg("no %s evidence", findings_ev_kind_name(k));
	return &none;
}

static void test_every_input_has_a_setter(void **state)
{
	size_t n;
	const struct findings_rule *r = findings_rules(&n);

	for (size_t i = 0; i < n; i++) {
		assert_true((unsigned)r[i].input < FIN_COUNT);
		assert_non_null(setters[r[i].input]);
		assert_true(r[i].warn < r[i].crit);
		assert_true(r[i].fire_after_s >= 1 && r[i].clear_after_s >= 1);
		assert_non_null(r[i].why);
		assert_non_null(r[i].recs[0].command);
		assert_ptr_equal(findings_rule_by_id(r[i].id), &r[i]);
	}
}

static void test_slow_storage_names_process_device_file_stack(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("slow_storage");
	struct fx *x = fx_new(0);
	const struct finding_evidence *v;
	const struct seen *s;

	tick(x, NULL, 0); /* vda becomes known to the sampler's device table */
	dev(x, "vda", 1);
	for (unsigned i = 0; i < r->fire_after_s; i++) {
		x->sec++;
		baseline(x);
		ingest_io(x, PL_EV_WRITE, PID_IO, "stress-ng-hdd", 7000000, 30);
		ingest_io(x, PL_EV_WRITE, PID_OTHER, "bystander", 7000000, 3);
		findings_tick(x->f, x->e, x->sec);
	}
	s = last_of(x, "slow_storage");
	assert_int_equal(s->state, FINDING_OPEN);
	assert_true(fabs(s->fd.value - 33) < 1e-6);
	v = ev_of(&s->fd, FEV_PROCESS);
	assert_int_equal(v->pid, PID_IO);
	assert_string_equal(v->name, "stress-ng-hdd");
	assert_true(fabs(v->value - 30) < 1e-6);
	v = ev_of(&s->fd, FEV_DEVICE);
	assert_string_equal(v->name, "vda"); /* the disk, not the partition vda1 */
	v = ev_of(&s->fd, FEV_FILE);
	assert_string_equal(v->name, "/var/tmp/stress-ng-hdd.db");
	v = ev_of(&s->fd, FEV_STACK);
	assert_int_equal(v->stack_id, 7);
	fx_free(x);
}

static void test_slow_storage_ignores_fast_ops_and_pipes(void **state)
{
	struct fx *x = fx_new(0);

	for (int i = 0; i < 10; i++) {
		x->sec++;
		baseline(x);
		ingest_io(x, PL_EV_WRITE, PID_IO, "fast", 4000000, 200); /* under 5 ms */
		engine_lock(x->e);
		for (int k = 0; k < 200; k++) {
			struct pl_event ev = io_event(x, PL_EV_READ, PID_OTHER, "piper", 900000000, 10);

			ev.kind = PL_KIND_PIPE;
			engine_ingest(x->e, &ev);
		}
		engine_unlock(x->e);
		findings_tick(x->f, x->e, x->sec);
	}
	assert_int_equal(count_rule(x, 0, "slow_storage", -1), 0);
	assert_int_equal(count_rule(x, 0, "slow_io_dominator", -1), 0);
	fx_free(x);
}

static void test_spawn_storm_names_the_parent(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("spawn_storm");
	struct fx *x = fx_new(0);
	const struct finding_evidence *v;
	const struct seen *s;

	for (unsigned i = 0; i < r->fire_after_s; i++) {
		x->sec++;
		baseline(x);
		ingest_forks(x, PID_PARENT, "stress-ng-fork", 140);
		ingest_forks(x, 888, "bash", 10);
		findings_tick(x->f, x->e, x->sec);
	}
	s = last_of(x, "spawn_storm");
	assert_true(fabs(s->fd.value - 150) < 1e-6);
	v = ev_of(&s->fd, FEV_PROCESS);
	assert_int_equal(v->pid, PID_PARENT);
	assert_string_equal(v->name, "stress-ng-fork");
	assert_true(fabs(v->value - 140) < 1e-6);
	fx_free(x);
}

static void test_oom_names_the_victim_and_its_cgroup(void **state)
{
	struct fx *x = fx_new(0);
	struct findings_oom o = { .pid = 31337, .start_ns = 123456789, .cgroup_id = 99,
				  .anon_rss_kb = 64 * 1024 };
	struct pl_event ev = io_event(x, PL_EV_WRITE, 31337, "memhog", 1000, 10);
	const struct finding_evidence *v;
	const struct seen *s;

	/* A cgroup the stores know by id, with its path (as the sampler names it). */
	ev.cgroup_id = 99;
	engine_lock(x->e);
	engine_ingest(x->e, &ev);
	snprintf(cgstats_at(x->e->cg, 0)->path, sizeof(cgstats_at(x->e->cg, 0)->path),
		 "/perflens-oom/hog");
	engine_unlock(x->e);
	tick(x, NULL, 0);
	assert_int_equal(count_rule(x, 0, "oom_kill", -1), 0);
	o.ts_ns = ts_in(x, x->sec, 500000000);
	snprintf(o.comm, sizeof(o.comm), "memhog");
	findings_note_oom(x->f, &o);
	tick(x, NULL, 0);
	s = last_of(x, "oom_kill");
	assert_int_equal(s->state, FINDING_OPEN);
	assert_int_equal(s->severity, FINDING_WARNING);
	v = ev_of(&s->fd, FEV_PROCESS);
	assert_int_equal(v->pid, 31337);
	assert_int_equal(v->start_ns, 123456789);
	assert_string_equal(v->name, "memhog");
	assert_true(fabs(v->value - 64) < 1e-6);
	v = ev_of(&s->fd, FEV_CGROUP);
	assert_string_equal(v->name, "/perflens-oom/hog");
	/* It stays open for the 60 s window after the kill, then clears. */
	ticks(x, NULL, 0, 58);
	assert_int_equal(count_rule(x, 0, "oom_kill", FINDING_CLEARED), 0);
	ticks(x, NULL, 0, 2);
	assert_int_equal(count_rule(x, 0, "oom_kill", FINDING_CLEARED), 1);
	fx_free(x);
}

/* PL_EV_OOM events reach the rule through the engine tap; the start time
 * comes from the process tree (the fork event that made the victim). */
static void test_tap_notes_oom_events(void **state)
{
	struct fx *x = fx_new(0);
	struct pl_event ev;
	const struct finding_evidence *v;

	engine_add_tap(x->e, (struct engine_tap){ findings_tap, x->f });
	tick(x, NULL, 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_FORK;
	ev.pid = ev.tid = 100;
	ev.ts_ns = ts_in(x, x->sec, 1000);
	ev.u.fork.child_pid = 31338;
	ev.u.fork.child_start_ns = 987654321;
	engine_lock(x->e);
	engine_ingest(x->e, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_OOM;
	ev.pid = ev.tid = 31338;
	snprintf(ev.comm, sizeof(ev.comm), "find_memhog");
	ev.ts_ns = ts_in(x, x->sec, 2000);
	engine_ingest(x->e, &ev);
	engine_unlock(x->e);
	tick(x, NULL, 0);
	assert_int_equal(count_rule(x, 0, "oom_kill", FINDING_OPEN), 1);
	v = ev_of(&last_of(x, "oom_kill")->fd, FEV_PROCESS);
	assert_int_equal(v->pid, 31338);
	assert_int_equal(v->start_ns, 987654321);
	assert_string_equal(v->name, "find_memhog");
	fx_free(x);
}

static void test_device_rules_by_rotational(void **state)
{
	struct fx *x = fx_new(0);

	/* 60 ms p99: over the SSD warning, under the disk warning. */
	for (int i = 0; i < 8; i++) {
		x->sec++;
		baseline(x);
		dev(x, "nvme0n1", 0)->p99_us = 60000;
		dev(x, "vda", 1)->p99_us = 60000;
		dev(x, "dm-0", -1)->p99_us = 60000; /* unknown: the lenient disk thresholds */
		findings_tick(x->f, x->e, x->sec);
	}
	assert_int_equal(count_rule(x, 0, "device_latency_ssd", FINDING_OPEN), 1);
	assert_string_equal(last_of(x, "device_latency_ssd")->fd.subject.name, "nvme0n1");
	assert_int_equal(count_rule(x, 0, "device_latency_rotational", -1), 0);
	fx_free(x);
}

static void test_device_p99_gated_by_iops(void **state)
{
	struct fx *x = fx_new(0);

	for (int i = 0; i < 10; i++) {
		x->sec++;
		baseline(x);
		dev(x, "vda", 1)->p99_us = 900000;
		x->e->sat->devs[0].iops = 19; /* under the 20-IOPS gate */
		findings_tick(x->f, x->e, x->sec);
	}
	assert_int_equal(count_rule(x, 0, "device_latency_rotational", -1), 0);
	fx_free(x);
}

static void test_stuck_ignores_pipes_and_sockets(void **state)
{
	struct fx *x = fx_new(0);

	for (int i = 0; i < 5; i++) {
		struct sat_inflight *o = &x->e->sat->inflight[0];

		x->sec++;
		baseline(x);
		memset(o, 0, sizeof(*o));
		o->pid = 99;
		o->kind = PL_KIND_PIPE;
		o->age_ns = 600ull * 1000000000ull;
		x->e->sat->ninflight = 1;
		findings_tick(x->f, x->e, x->sec);
	}
	assert_int_equal(count_rule(x, 0, "stuck_io", -1), 0);
	fx_free(x);
}

static void test_stale_sample_counts_as_under(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("psi_cpu");
	struct fx *x = fx_new(0);

	ticks(x, r, 90, r->fire_after_s);
	assert_int_equal(count_rule(x, 0, "psi_cpu", FINDING_OPEN), 1);
	/* The sampler stops: no sample for the evaluated second. */
	for (unsigned i = 0; i < r->clear_after_s; i++) {
		x->sec++;
		findings_tick(x->f, x->e, x->sec);
	}
	assert_int_equal(count_rule(x, 0, "psi_cpu", FINDING_CLEARED), 1);
	fx_free(x);
}

static void test_fsync_heavy_is_per_process(void **state)
{
	struct fx *x = fx_new(0);
	const struct seen *s;

	for (int i = 0; i < 3; i++) {
		x->sec++;
		baseline(x);
		ingest_io(x, PL_EV_SYNC, PID_SYNC, "dbwriter", 30000000, 10);   /* 300 ms/s */
		ingest_io(x, PL_EV_SYNC, PID_OTHER, "logger", 6000000, 10);     /* 60 ms/s */
		findings_tick(x->f, x->e, x->sec);
	}
	assert_int_equal(count_rule(x, 0, "fsync_heavy", FINDING_OPEN), 1);
	s = last_of(x, "fsync_heavy");
	assert_int_equal(s->fd.subject.scope, FSCOPE_PROCESS);
	assert_int_equal(s->fd.subject.pid, PID_SYNC);
	assert_true(fabs(s->fd.value - 300) < 1e-6);
	assert_non_null(ev_of(&s->fd, FEV_FILE));
	fx_free(x);
}

/* ----------------------------------------------------------------- health */

static void hold(struct fx *x, const char *rule, double v, unsigned n)
{
	const struct findings_rule *r = findings_rule_by_id(rule);

	for (unsigned i = 0; i < n; i++)
		tick(x, r, v);
}

static void test_health_perfect_without_findings(void **state)
{
	struct fx *x = fx_new(0);
	struct findings_health h;

	hold(x, "psi_cpu", 5, 10);
	findings_health(x->f, &h);
	assert_int_equal(h.score, 100);
	assert_int_equal(h.nreasons, 0);
	assert_true(h.data_complete);
	fx_free(x);
}

/* Two storage rules on one device count once: the worst severity decides. */
static void test_health_counts_one_problem_once(void **state)
{
	struct fx *x = fx_new(0);
	struct findings_health h;

	for (int i = 0; i < 10; i++) {
		x->sec++;
		baseline(x);
		dev(x, "vda", 1)->util_pct = 99;      /* device_util critical */
		x->e->sat->devs[0].qdepth = 20;       /* device_queue warning */
		x->e->sat->devs[0].p99_us = 150000;   /* device_latency_rotational warning */
		set_psi_field(x, SAT_PSI_IO_SOME, 30); /* psi_io warning */
		findings_tick(x->f, x->e, x->sec);
	}
	findings_health(x->f, &h);
	assert_int_equal(h.nopen, 4);
	assert_int_equal(h.nreasons, 1);
	assert_int_equal(h.reasons[0].category, FCAT_STORAGE);
	assert_string_equal(h.reasons[0].rule->id, "device_util");
	assert_int_equal(h.reasons[0].severity, FINDING_CRITICAL);
	assert_int_equal(h.score, 60);
	fx_free(x);
}

static void test_health_sums_categories_and_orders_reasons(void **state)
{
	struct fx *x = fx_new(0);
	struct findings_health h;

	for (int i = 0; i < 10; i++) {
		x->sec++;
		baseline(x);
		dev(x, "vda", 1)->util_pct = 85;                /* storage warning: 20 */
		set_psi_field(x, SAT_PSI_CPU_SOME, 70);          /* cpu critical: 30 */
		push(x->e->sat->self, x->sec, SAT_SELF_CPU_PCT, 30); /* monitor */
		findings_tick(x->f, x->e, x->sec);
	}
	findings_health(x->f, &h);
	assert_int_equal(h.score, 50);
	assert_int_equal(h.nreasons, 2);
	assert_int_equal(h.reasons[0].category, FCAT_CPU);
	assert_true(fabs(h.reasons[0].points - 30) < 1e-9);
	assert_int_equal(h.reasons[1].category, FCAT_STORAGE);
	assert_true(fabs(h.reasons[1].points - 20) < 1e-9);
	/* perflens' own trouble lowers confidence, not the score */
	assert_false(h.data_complete);
	assert_string_equal(h.caveat->id, "self_overhead");
	fx_free(x);
}

static void test_health_floor_is_zero(void **state)
{
	struct fx *x = fx_new(0);
	struct findings_health h;

	for (int i = 0; i < 10; i++) {
		double v[SAT_PSI_NFIELDS] = { [SAT_PSI_IO_SOME] = 90, [SAT_PSI_CPU_SOME] = 90,
					     [SAT_PSI_MEM_SOME] = 90 };

		x->sec++;
		baseline(x);
		assert_int_equal(series_push(x->e->sat->psi, x->sec, v), 0);
		findings_tick(x->f, x->e, x->sec);
	}
	findings_health(x->f, &h);
	assert_int_equal(h.score, 0);
	assert_int_equal(h.nreasons, 3);
	fx_free(x);
}

/* ------------------------------------------------------- history and JSON */

static void test_history_is_bounded(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("oom_kill");
	struct fx *x = fx_new(2);
	struct finding out[8];
	struct findings_stats st;

	for (int round = 0; round < 3; round++) {
		ticks(x, r, 1, 1);
		ticks(x, r, 0, 1);
	}
	assert_int_equal(count_rule(x, 0, "oom_kill", FINDING_CLEARED), 3);
	assert_int_equal(findings_list(x->f, out, 8, true), 2);
	assert_true(out[0].id > out[1].id); /* newest first */
	assert_int_equal(out[0].state, FINDING_CLEARED);
	findings_stats(x->f, &st);
	assert_int_equal(st.history_dropped, 1);
	assert_int_equal(st.opened, 3);
	assert_int_equal(findings_open_count(x->f), 0);
	fx_free(x);
}

static json_object *jget(json_object *o, const char *k)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_json_finding_line(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("slow_io_dominator");
	struct fx *x = fx_new(0);
	json_object *o, *ev, *recs;
	const struct seen *s;
	bool saw_pid = false;

	ticks(x, r, 90, r->fire_after_s);
	s = last_of(x, "slow_io_dominator");
	o = findings_json_finding(&s->fd);
	assert_string_equal(json_object_get_string(jget(o, "type")), "finding");
	assert_string_equal(json_object_get_string(jget(o, "rule")), "slow_io_dominator");
	assert_string_equal(json_object_get_string(jget(o, "state")), "open");
	assert_string_equal(json_object_get_string(jget(o, "severity")), "warning");
	assert_string_equal(json_object_get_string(jget(o, "subject")), "pid:4242");
	assert_true(fabs(json_object_get_double(jget(o, "value")) - 90) < 1e-6);
	assert_true(fabs(json_object_get_double(jget(o, "warn")) - 75) < 1e-6);
	ev = jget(o, "evidence");
	for (size_t i = 0; i < json_object_array_length(ev); i++) {
		json_object *e = json_object_array_get_idx(ev, i);

		if (!strcmp(json_object_get_string(jget(e, "id")), "pid:4242")) {
			saw_pid = true;
			assert_string_equal(json_object_get_string(jget(e, "comm")), "hog");
		}
	}
	assert_true(saw_pid);
	recs = jget(o, "recommendations");
	assert_string_equal(json_object_get_string(jget(json_object_array_get_idx(recs, 0),
							 "command")), "pidstat -d -p 4242 1 5");
	assert_false(json_object_get_boolean(jget(json_object_array_get_idx(recs, 2), "read_only")));
	json_object_put(o);
	o = json_object_new_object();
	findings_json_summary(x->f, o);
	assert_int_equal(json_object_get_int(jget(jget(o, "health"), "score")), 80);
	assert_int_equal(json_object_array_length(jget(jget(o, "findings"), "list")), 2);
	json_object_put(o);
	fx_free(x);
}

static void test_json_hostile_names(void **state)
{
	struct finding fd;
	json_object *o;
	const char *line;

	memset(&fd, 0, sizeof(fd));
	fd.rule = findings_rule_by_id("device_util");
	fd.subject.scope = FSCOPE_DEVICE;
	snprintf(fd.subject.name, sizeof(fd.subject.name), "vda;rm -rf /");
	fd.nev = 2;
	fd.ev[0].kind = FEV_DEVICE;
	snprintf(fd.ev[0].name, sizeof(fd.ev[0].name), "vda;rm -rf /");
	fd.ev[1].kind = FEV_FILE;
	snprintf(fd.ev[1].name, sizeof(fd.ev[1].name), "/tmp/\x1b[31mred\xff");
	fd.end_sec = -1;
	o = findings_json_finding(&fd);
	line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	assert_null(strchr(line, '\x1b'));
	/* An unsafe device name is never pasted into a command. */
	assert_non_null(strstr(line, "iostat -dxy {dev} 1 5"));
	json_object_put(o);
}

static void test_rec_command_fills_placeholders(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("spawn_storm");
	struct finding fd;
	char cmd[128];

	memset(&fd, 0, sizeof(fd));
	fd.rule = r;
	fd.nev = 1;
	fd.ev[0].kind = FEV_PROCESS;
	fd.ev[0].pid = 321;
	findings_rec_command(&fd, &r->recs[2], cmd, sizeof(cmd));
	assert_string_equal(cmd, "kill -STOP 321");
	findings_rec_command(&fd, &r->recs[0], cmd, 8); /* truncates, stays terminated */
	assert_string_equal(cmd, "pstree ");
	fd.nev = 0;
	findings_rec_command(&fd, &r->recs[0], cmd, sizeof(cmd));
	assert_string_equal(cmd, "pstree -p {pid}");
}

/* Transitions seen[from..] into a store fed the replay way. */
static int replay_into(const struct fx *x, int from, struct findings *rp)
{
	for (int i = from; i < x->nseen; i++) {
		json_object *o = findings_json_finding(&x->seen[i].fd);
		struct finding back;

		assert_int_equal(findings_json_parse(o, &back), 0);
		assert_int_equal(findings_apply(rp, &back), 0);
		json_object_put(o);
	}
	return x->nseen;
}

static void assert_same_findings(struct findings *a, struct findings *b)
{
	struct finding la[8], lb[8];
	size_t na = findings_list(a, la, 8, true), nb = findings_list(b, lb, 8, true);
	struct findings_health ha, hb;

	assert_true(na > 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		char ida[300], idb[300];

		assert_int_equal(la[i].id, lb[i].id);
		assert_ptr_equal(la[i].rule, lb[i].rule);
		assert_int_equal(la[i].state, lb[i].state);
		assert_int_equal(la[i].severity, lb[i].severity);
		assert_int_equal(la[i].start_sec, lb[i].start_sec);
		assert_int_equal(la[i].end_sec, lb[i].end_sec);
		assert_int_equal(la[i].subject.scope, lb[i].subject.scope);
		assert_int_equal(la[i].subject.pid, lb[i].subject.pid);
		assert_string_equal(la[i].subject.name, lb[i].subject.name);
		assert_true(fabs(la[i].value - lb[i].value) < 0.01);
		assert_int_equal(la[i].nev, lb[i].nev);
		for (int k = 0; k < la[i].nev; k++) {
			findings_evidence_id(&la[i].ev[k], ida, sizeof(ida));
			findings_evidence_id(&lb[i].ev[k], idb, sizeof(idb));
			assert_string_equal(ida, idb);
			assert_int_equal(la[i].ev[k].start_ns, lb[i].ev[k].start_ns);
		}
	}
	findings_health(a, &ha);
	findings_health(b, &hb);
	assert_int_equal(ha.score, hb.score);
	assert_int_equal(ha.nopen, hb.nopen);
}

/* A recording's finding lines, read back and applied, give the replay the
 * same findings (and health) the live run had, open and then cleared. */
static void test_json_round_trip_into_a_replay_store(void **state)
{
	const struct findings_rule *r = findings_rule_by_id("slow_io_dominator");
	struct fx *x = fx_new(0);
	struct findings *rp = findings_new(&(struct findings_config){ 0 });
	json_object *bad;
	struct finding fd;
	int done;

	(void)state;
	assert_non_null(rp);
	ticks(x, r, 90, r->fire_after_s);
	done = replay_into(x, 0, rp);
	assert_true(findings_open_count(rp) > 0);
	assert_same_findings(x->f, rp);
	ticks(x, r, 0, r->clear_after_s);
	assert_true(x->nseen > done);
	replay_into(x, done, rp);
	assert_int_equal(findings_open_count(rp), 0);
	assert_same_findings(x->f, rp);
	/* Not a finding, or a rule this build does not know: refused. */
	bad = json_tokener_parse("{\"type\":\"finding\",\"id\":3,\"rule\":\"no_such_rule\"}");
	assert_int_equal(findings_json_parse(bad, &fd), -EINVAL);
	json_object_put(bad);
	bad = json_tokener_parse("{\"type\":\"mark\",\"id\":3,\"rule\":\"slow_storage\"}");
	assert_int_equal(findings_json_parse(bad, &fd), -EINVAL);
	json_object_put(bad);
	findings_free(rp);
	fx_free(x);
}

/* Every open slot busy: the replayed finding is refused and counted. */
static void test_apply_counts_what_does_not_fit(void **state)
{
	struct findings *f = findings_new(&(struct findings_config){ 0 });
	struct finding fd = { .rule = findings_rule_by_id("slow_storage"), .state = FINDING_OPEN,
			      .severity = FINDING_WARNING, .end_sec = -1 };
	struct findings_stats st;

	(void)state;
	for (int i = 0; i < FINDINGS_MAX_OPEN; i++) {
		fd.id = (uint64_t)i + 1;
		assert_int_equal(findings_apply(f, &fd), 0);
	}
	fd.id = FINDINGS_MAX_OPEN + 1;
	assert_int_equal(findings_apply(f, &fd), -ENOSPC);
	findings_stats(f, &st);
	assert_int_equal(st.replay_dropped, 1);
	assert_int_equal(findings_open_count(f), FINDINGS_MAX_OPEN);
	fd.rule = NULL;
	assert_int_equal(findings_apply(f, &fd), -EINVAL);
	findings_free(f);
}

static void test_lost_rate_is_per_second(void **state)
{
	struct fx *x = fx_new(0);

	tick(x, NULL, 0);
	x->lost.queue += 5;
	x->lost.maps += 1;
	tick(x, NULL, 0);
	assert_int_equal(count_rule(x, 0, "events_lost", FINDING_OPEN), 1);
	assert_true(fabs(last_of(x, "events_lost")->fd.value - 6) < 1e-9);
	fx_free(x);
}

int main(void)
{
	size_t n;
	const struct findings_rule *rules = findings_rules(&n);
	static char names[64][64];
	struct CMUnitTest per_rule[64];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_input_has_a_setter),
		cmocka_unit_test(test_slow_storage_names_process_device_file_stack),
		cmocka_unit_test(test_slow_storage_ignores_fast_ops_and_pipes),
		cmocka_unit_test(test_spawn_storm_names_the_parent),
		cmocka_unit_test(test_oom_names_the_victim_and_its_cgroup),
		cmocka_unit_test(test_tap_notes_oom_events),
		cmocka_unit_test(test_device_rules_by_rotational),
		cmocka_unit_test(test_device_p99_gated_by_iops),
		cmocka_unit_test(test_stuck_ignores_pipes_and_sockets),
		cmocka_unit_test(test_stale_sample_counts_as_under),
		cmocka_unit_test(test_fsync_heavy_is_per_process),
		cmocka_unit_test(test_health_perfect_without_findings),
		cmocka_unit_test(test_health_counts_one_problem_once),
		cmocka_unit_test(test_health_sums_categories_and_orders_reasons),
		cmocka_unit_test(test_health_floor_is_zero),
		cmocka_unit_test(test_history_is_bounded),
		cmocka_unit_test(test_json_finding_line),
		cmocka_unit_test(test_json_hostile_names),
		cmocka_unit_test(test_rec_command_fills_placeholders),
		cmocka_unit_test(test_lost_rate_is_per_second),
		cmocka_unit_test(test_json_round_trip_into_a_replay_store),
		cmocka_unit_test(test_apply_counts_what_does_not_fit),
	};
	int fails;

	/* One test per rule of the table, named after it. */
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "rule_%s", rules[i].id);
		per_rule[i] = (struct CMUnitTest){ names[i], test_rule, NULL, NULL,
						   (void *)(uintptr_t)&rules[i] };
	}
	fails = cmocka_run_group_tests_name("findings", tests, NULL, NULL);
	fails += _cmocka_run_group_tests("findings_rules", per_rule, n, NULL, NULL);
	return fails ? 1 : 0;
}
