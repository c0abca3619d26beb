/* Unit tests for the snapshot and the prompt builder: sections, exclusions,
 * scrubbing, the token budget, the fingerprint, the rule engine's findings
 * (src/ai/ai_snapshot.c, ai_snap_findings.c, src/ai/ai_prompt.c,
 * ai_prompt_findings.c, src/ai/ai_iostat.c), on synthetic stores. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <cmocka.h>

#include "ai/ai_anon.h"
#include "ai/ai_evidence.h"
#include "ai/ai_iostat.h"
#include "ai/ai_prompt.h"
#include "ai/ai_snapshot.h"
#include "findings/findings.h"
#include "tests/ai/ai_synth.h"
#include "util/scrub.h"

#define SELF_PID 4242
#define KEY "Zq7plantedKey99"

struct fixture {
	struct engine *e;
	struct ai_iostat *io;
	struct ai_snapshot snap;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct synth_opts so = { .self_pid = SELF_PID, .key = KEY };

	if (!f)
		return -1;
	scrub_set_enabled(true);
	scrub_reset_literals();
	scrub_add_literal(KEY); /* what ai_config_resolve does with the key */
	f->e = synth_engine(65536);
	f->io = ai_iostat_new(1024);
	if (!f->e || !f->io)
		return -1;
	engine_add_tap(f->e, (struct engine_tap){ ai_iostat_tap, f->io });
	synth_workload(f->e, &so);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	engine_free(f->e);
	ai_iostat_free(f->io);
	free(f);
	scrub_reset_literals();
	return 0;
}

static void snap(struct fixture *f, bool full)
{
	struct ai_snap_opts o = { .eng = f->e, .io = f->io, .self_pid = SELF_PID, .win_s = 30,
				  .full_cmdline = full, .threshold_ns = 10000000,
				  .block_threshold_ns = 1000000, .pmu = "cycles" };

	assert_int_equal(ai_snapshot_take(&o, &f->snap), 0);
}

static void build(struct fixture *f, unsigned budget, struct ai_anon *anon, struct ai_prompt *p)
{
	struct ai_prompt_opts o = { .budget_tokens = budget, .prev_headline = "disk \x1b[1mbusy",
				    .anon = anon };

	assert_int_equal(ai_prompt_build(&f->snap, &o, p), 0);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "missing \"%s\" in:\n%s\n", needle, hay);
		fail();
	}
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle)) {
		fprintf(stderr, "unexpected \"%s\" in:\n%s\n", needle, hay);
		fail();
	}
}

static void test_sections(void **state)
{
	struct fixture *f = *state;
	struct ai_prompt p;

	snap(f, false);
	build(f, 2500, NULL, &p);
	assert_has(p.user, "[sys] host=");
	assert_has(p.user, "[delta]");
	assert_has(p.user, "read(files,blockdevs) n=");
	assert_has(p.user, "[sat] psi avg10 some: cpu=3.0% io=42.5%");
	assert_has(p.user, "dev#1 sda hdd util=97%");
	assert_has(p.user, "[io]");
	assert_has(p.user, "io#1 pid:4200 pl-workload");
	assert_has(p.user, "/srv/data/table.db");
	assert_has(p.user, "block_read dev=sda");
	assert_has(p.user, "[proc]");
	assert_has(p.user, "pid:1 systemd");
	assert_has(p.user, "    pid:4200 ppid:100 pl-workload");
	assert_has(p.user, "[stacks]");
	assert_has(p.user, "main;run_query;read_page;pread64");
	assert_has(p.user, "k: entry_SYSCALL_64;__x64_sys_pread64;vfs_read;filemap_read;io_schedule");
	assert_has(p.user, "[hot]");
	assert_has(p.user, "checksum_page");
	assert_has(p.user, "copy_user_generic [kernel]");
	assert_has(p.user, "[prev] the previous answer's headline: \"disk  [1mbusy\"");
	assert_has(p.system, "USE method");
	assert_has(p.system, "untrusted");
	assert_has(p.system, "inconclusive");
	assert_has(p.system, "JSON");
	assert_true(ai_ids_has(&p.ids, "io#1"));
	assert_true(ai_ids_has(&p.ids, "pid:4200"));
	assert_true(ai_ids_has(&p.ids, "stk#1"));
	assert_true(ai_ids_has(&p.ids, "hot#1"));
	assert_true(ai_ids_has(&p.ids, "dev#1"));
	assert_true(p.tokens_est <= 3000);
	ai_prompt_free(&p);
}

/* IPC and cache-miss rate reach [proc] from hardware counters only. */
static void test_counters_in_proc(void **state)
{
	struct fixture *f = *state;
	struct satstore *sat = f->e->sat;
	struct ai_prompt p;

	snprintf(sat->pmc_source, sizeof(sat->pmc_source), "hardware");
	sat->pmc[0] = (struct sat_pmc){ .pid = 4200, .c = { .count = { 1000, 2000, 400, 20 },
							    .enabled_ns = { 10, 10 },
							    .running_ns = { 10, 10 } } };
	sat->npmc = 1;
	snap(f, false);
	build(f, 2500, NULL, &p);
	assert_has(p.user, "pid:4200 ppid:100 pl-workload");
	assert_has(p.user, " ipc=2.00 cache_miss=5.0%");
	assert_int_equal(count(p.user, "ipc="), 1);
	ai_prompt_free(&p);
	/* The software stand-ins are not IPC: never sent. */
	snprintf(sat->pmc_source, sizeof(sat->pmc_source), "software");
	snap(f, false);
	build(f, 2500, NULL, &p);
	assert_has(p.user, "pid:4200 ppid:100 pl-workload");
	assert_lacks(p.user, "ipc=");
	assert_lacks(p.user, "cache_miss=");
	ai_prompt_free(&p);
}

static void test_exclusions_and_scrubbing(void **state)
{
	struct fixture *f = *state;
	struct ai_prompt p;

	snap(f, false);
	build(f, 2500, NULL, &p);
	/* perflens itself is left out of everything */
	assert_lacks(p.user, "pid:4242");
	assert_lacks(p.user, "perflens_secret_frame");
	assert_lacks(p.user, "secret_io");
	assert_false(ai_ids_has(&p.ids, "pid:4242"));
	/* comm + basename of argv[0] only */
	assert_lacks(p.user, "/usr/local/bin");
	assert_lacks(p.user, "--verbose-flag");
	assert_lacks(p.user, SYNTH_SECRET);
	/* the key planted in a path is scrubbed */
	assert_lacks(p.user, KEY);
	assert_has(p.user, "/var/cache/***/blob");
	/* hostile names cannot close <data> or reach a terminal */
	assert_int_equal(count(p.user, "<data>"), 1);
	assert_int_equal(count(p.user, "</data>"), 1);
	assert_has(p.user, "evil(/data)x");
	assert_lacks(p.user, "\x1b");
	assert_lacks(p.user, "\x07");
	ai_prompt_free(&p);
}

static void test_full_cmdline(void **state)
{
	struct fixture *f = *state;
	struct ai_prompt p;

	snap(f, true);
	build(f, 100000, NULL, &p);
	assert_has(p.user, "--verbose-flag");
	assert_has(p.user, "--password=***");
	assert_lacks(p.user, SYNTH_SECRET);
	ai_prompt_free(&p);
}

static void test_budget(void **state)
{
	struct fixture *f = *state;
	struct ai_prompt big, small, tiny;

	snap(f, true);
	build(f, 100000, NULL, &big);
	assert_int_equal(big.lines_dropped, 0);
	build(f, 900, NULL, &small);
	assert_true(small.lines_dropped > 0);
	assert_true(small.tokens_est <= 900);
	assert_true(small.tokens_est == ai_tokens_est(strlen(small.system) + strlen(small.user)));
	assert_has(small.user, "[sys]");
	assert_has(small.user, "[delta]");
	assert_has(small.user, "[prev]");
	assert_has(small.user, "io#1 "); /* the top-ranked lines stay longest */
	if (strstr(small.user, "io#3 "))
		assert_has(small.user, "io#2 ");
	assert_true(small.ids.n < big.ids.n);
	/* dropped lines' ids are not in the sent set */
	for (int i = 0; i < small.ids.n; i++)
		assert_has(small.user, small.ids.id[i]);
	/* too small for even the fixed part: everything optional goes, no crash */
	build(f, 100, NULL, &tiny);
	assert_lacks(tiny.user, "io#1 ");
	assert_has(tiny.user, "[sys]");
	assert_true(tiny.lines_dropped > small.lines_dropped);
	ai_prompt_free(&big);
	ai_prompt_free(&small);
	ai_prompt_free(&tiny);
}

/* The line of the prompt that starts with prefix (static buffer). */
static const char *line_of(const char *text, const char *prefix)
{
	static char line[4096];
	const char *p = strstr(text, prefix), *nl;

	assert_non_null(p);
	nl = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
	return line;
}

/* A finding as the rule engine would hold it, planted in the snapshot. */
static struct finding *plant(struct ai_snapshot *s, const char *rule, enum finding_severity sev)
{
	struct finding *fd = &s->findings[s->nfindings++];

	memset(fd, 0, sizeof(*fd));
	fd->id = (uint64_t)s->nfindings;
	fd->rule = findings_rule_by_id(rule);
	assert_non_null(fd->rule);
	fd->state = FINDING_ONGOING;
	fd->severity = fd->peak_severity = sev;
	fd->start_sec = 10;
	fd->last_sec = 21;
	fd->value = fd->peak = 150;
	s->have_findings = true;
	s->findings_open = s->nfindings;
	return fd;
}

static struct finding_evidence *ev_add(struct finding *fd, enum finding_ev_kind k, const char *name)
{
	struct finding_evidence *v = &fd->ev[fd->nev++];

	*v = (struct finding_evidence){ .kind = k, .what = "slow ops", .unit = "ops/s", .value = 42 };
	snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

/* Findings' evidence is written with the other sections' ids, so a model
 * citing them verifies; what the prompt does not carry is plain text. */
static void test_findings_section(void **state)
{
	struct fixture *f = *state;
	struct finding *fd;
	struct ai_prompt p;
	const char *l;

	snap(f, false);
	assert_true(f->snap.nstacks > 0 && f->snap.ndevs > 0);
	f->snap.health = (struct findings_health){ .score = 58, .data_complete = true, .nopen = 2,
						   .nreasons = 1 };
	f->snap.health.reasons[0] = (struct findings_health_reason){ .category = FCAT_STORAGE,
								     .points = 42 };
	fd = plant(&f->snap, "slow_storage", FINDING_CRITICAL);
	ev_add(fd, FEV_PROCESS, "pl-workload")->pid = SYNTH_WORKLOAD_PID;
	ev_add(fd, FEV_DEVICE, "sda");
	ev_add(fd, FEV_STACK, "read_page")->stack_id = f->snap.stacks[0].ustack_id;
	ev_add(fd, FEV_STACK, "not_sent_frame")->stack_id = 0xfffffff0u;
	ev_add(fd, FEV_FILE, "/srv/data/table.db");
	ev_add(fd, FEV_DEVICE, "nvme9n9");
	fd = plant(&f->snap, "fsync_heavy", FINDING_WARNING);
	fd->subject = (struct finding_subject){ .scope = FSCOPE_PROCESS, .pid = 4500 };
	snprintf(fd->subject.name, sizeof(fd->subject.name), "ev</data>\x1b[2J");
	ev_add(fd, FEV_FILE, "/tmp/x?token=" KEY "&a=1 </data> \x1b]0;pwn\x07");

	build(f, 100000, NULL, &p);
	assert_has(p.user, "[findings] perflens' rule engine: health=58/100 (storage -42); 2 open");
	l = line_of(p.user, "fnd#1 ");
	assert_has(l, "fnd#1 critical slow_storage");
	assert_has(l, "for 12s");
	assert_has(l, "pid:4200 pl-workload");
	assert_has(l, "dev#1 sda");
	assert_has(l, "stk#1 leaf read_page");
	assert_has(l, "a stack leaf not_sent_frame");
	assert_has(l, "io#1 file /srv/data/table.db");
	assert_has(l, "device nvme9n9");
	assert_lacks(l, "dev#2 nvme9n9");
	/* every id in a finding line is one the model may cite and verify */
	assert_true(ai_ids_has(&p.ids, "fnd#1"));
	assert_true(ai_ids_has(&p.ids, "fnd#2"));
	assert_true(ai_ids_has(&p.ids, "stk#1"));
	assert_true(ai_ids_has(&p.ids, "pid:4500"));
	assert_false(ai_ids_has(&p.ids, "fnd#3"));
	/* the section sits between [sat] and [io] */
	assert_true(strstr(p.user, "[findings]") > strstr(p.user, "[sat]"));
	assert_true(strstr(p.user, "[findings]") < strstr(p.user, "[io]"));
	/* hostile names: scrubbed, no data-block escape, no terminal bytes */
	l = line_of(p.user, "fnd#2 ");
	assert_has(l, "fnd#2 warning fsync_heavy");
	assert_has(l, "on pid:4500 \"ev(/data) [2J\"");
	assert_lacks(p.user, KEY);
	assert_has(l, "token=***");
	assert_int_equal(count(p.user, "</data>"), 1);
	assert_lacks(p.user, "\x1b");
	assert_lacks(p.user, "\x07");
	assert_has(p.system, "fnd#N");
	ai_prompt_free(&p);
}

/* Under a tight budget, critical findings outlive the tails of [io],
 * [proc] and [stacks]; [sys], [delta] and [prev] still always stay. */
static void test_findings_budget(void **state)
{
	struct fixture *f = *state;
	struct ai_prompt big, small;

	snap(f, true);
	f->snap.health = (struct findings_health){ .score = 70, .data_complete = true };
	for (int i = 0; i < AI_SNAP_FINDINGS; i++)
		ev_add(plant(&f->snap, "slow_storage", i < 2 ? FINDING_CRITICAL : FINDING_WARNING),
		       FEV_PROCESS, "pl-workload")->pid = SYNTH_WORKLOAD_PID;
	build(f, 100000, NULL, &big);
	assert_int_equal(big.lines_dropped, 0);
	assert_has(big.user, "fnd#8 ");
	build(f, 1000, NULL, &small);
	assert_true(small.tokens_est <= 1000);
	assert_true(small.lines_dropped > 0);
	assert_has(small.user, "[findings] perflens' rule engine: health=70/100");
	assert_has(small.user, "fnd#1 critical");
	assert_has(small.user, "fnd#2 critical");
	assert_lacks(small.user, "fnd#8 ");
	assert_lacks(small.user, "io#6 ");
	assert_has(small.user, "[sys]");
	assert_has(small.user, "[prev]");
	assert_false(ai_ids_has(&small.ids, "fnd#8"));
	ai_prompt_free(&big);
	ai_prompt_free(&small);
}

/* The snapshot copies a real rule engine's open findings, worst first,
 * with perflens' own pid left out of their evidence. */
static void test_findings_snapshot(void **state)
{
	struct fixture *f = *state;
	struct findings *fs = findings_new(&(struct findings_config){ 0 });
	struct ai_snap_opts o = { .eng = f->e, .io = f->io, .self_pid = SELF_PID, .win_s = 30,
				  .threshold_ns = 10000000, .block_threshold_ns = 1000000,
				  .pmu = "cycles", .findings = fs };
	struct findings_oom self = { .pid = SELF_PID, .comm = "perflens" };
	struct findings_oom hog = { .pid = SYNTH_EVIL_PID, .comm = "memhog\x1b[1m" };
	struct ai_prompt p;
	uint64_t before;

	assert_non_null(fs);
	assert_int_equal(ai_snapshot_take(&o, &f->snap), 0);
	assert_true(f->snap.have_findings);
	assert_int_equal(f->snap.nfindings, 0);
	assert_int_equal(f->snap.health.score, 100);
	before = ai_snapshot_fingerprint(&f->snap);
	self.ts_ns = hog.ts_ns = f->e->origin_ns + 5 * 1000000000ull;
	findings_note_oom(fs, &self);
	findings_note_oom(fs, &hog);
	for (int64_t sec = 5; sec < 8; sec++)
		findings_tick(fs, f->e, sec);
	assert_int_equal(ai_snapshot_take(&o, &f->snap), 0);
	assert_true(f->snap.nfindings >= 1);
	assert_true(f->snap.health.score < 100);
	assert_true(ai_snapshot_fingerprint(&f->snap) != before);
	build(f, 100000, NULL, &p);
	assert_has(p.user, "oom_kill");
	assert_has(line_of(p.user, "fnd#1 "), "pid:4400 \"memhog [1m\"");
	assert_lacks(p.user, "pid:4242");
	assert_lacks(p.user, "\"perflens\"");
	assert_lacks(p.user, " perflens (");
	assert_lacks(p.user, "\x1b");
	ai_prompt_free(&p);
	findings_free(fs);
}

/* What a cited id pointed at: named from the snapshot the prompt came
 * from, scrubbed and display-safe; nothing for an id it does not hold. */
static void test_evidence_describe(void **state)
{
	struct fixture *f = *state;
	struct finding *fd;
	char out[96];
	struct ai_evidence e;

	snap(f, false);
	fd = plant(&f->snap, "slow_storage", FINDING_CRITICAL);
	ev_add(fd, FEV_PROCESS, "bad\x1b[2Jcomm " KEY)->pid = 4999;
	ai_evidence_describe(&f->snap, "pid:4200", out, sizeof(out));
	assert_string_equal(out, "pl-workload[4200]");
	ai_evidence_describe(&f->snap, "io#1", out, sizeof(out));
	assert_has(out, "pl-workload[4200] read /srv/data/table.db");
	ai_evidence_describe(&f->snap, "stk#1", out, sizeof(out));
	assert_has(out, "[4200] slow at pread64");
	ai_evidence_describe(&f->snap, "dev#1", out, sizeof(out));
	assert_string_equal(out, "device sda, 97% busy");
	ai_evidence_describe(&f->snap, "fnd#1", out, sizeof(out));
	assert_string_equal(out, "finding: Slow storage I/O (critical)");
	assert_int_equal(ai_evidence_of(&f->snap, "fnd#1", &e), 0);
	assert_int_equal(e.kind, AI_EV_FINDING);
	assert_string_equal(e.name, "slow_storage");
	ai_evidence_describe(&f->snap, "pid:4999", out, sizeof(out));
	assert_lacks(out, "\x1b");
	assert_lacks(out, KEY);
	ai_evidence_describe(&f->snap, "io#99", out, sizeof(out));
	assert_string_equal(out, "");
	ai_evidence_describe(&f->snap, "fnd#2", out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_fingerprint(void **state)
{
	struct fixture *f = *state;
	struct synth_opts more = { .reads = 20000, .lat_ns = 90000000 };
	uint64_t a, b, c;

	snap(f, false);
	a = ai_snapshot_fingerprint(&f->snap);
	snap(f, false);
	b = ai_snapshot_fingerprint(&f->snap);
	assert_true(a == b);
	synth_workload(f->e, &more);
	snap(f, false);
	c = ai_snapshot_fingerprint(&f->snap);
	assert_true(a != c);
}

static void test_anonymize(void **state)
{
	struct fixture *f = *state;
	struct ai_anon *an = ai_anon_new();
	struct utsname u;
	struct ai_prompt p;

	assert_non_null(an);
	assert_int_equal(uname(&u), 0);
	snap(f, false);
	build(f, 100000, an, &p);
	assert_has(p.user, "host=HOST_1");
	if (strlen(u.nodename) >= 2)
		assert_lacks(p.user, u.nodename);
	ai_prompt_free(&p);
	ai_anon_free(an);
}

static void test_clean(void **state)
{
	char out[64];

	ai_prompt_clean(out, sizeof(out), "a<b>\x1b[31m\"q\"\xff\n", 100);
	assert_string_equal(out, "a(b) [31m'q'\xef\xbf\xbd ");
	ai_prompt_clean(out, sizeof(out), "\xc3\xa9\xc3\xa9\xc3\xa9", 5); /* never half a char */
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	ai_prompt_clean(out, sizeof(out), "x --token=abcdefgh", 12); /* scrubbed before the cut */
	assert_lacks(out, "abc");
	ai_prompt_clean(out, 4, "abcdef", 100);
	assert_string_equal(out, "abc");
}

static void test_iostat(void **state)
{
	struct ai_iostat *s = ai_iostat_new(16);
	struct ai_io_row rows[8];
	struct pl_event ev;
	size_t n;

	assert_non_null(s);
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_READ;
	for (unsigned i = 0; i < 40; i++) {
		ev.pid = i == 39 ? 7 : 100;
		ev.u.io.ino = i;
		ev.u.io.lat_ns = 1000000ull * (i + 1);
		snprintf(ev.u.io.file, sizeof(ev.u.io.file), "/f%u", i);
		ai_iostat_add(s, &ev);
	}
	assert_true(ai_iostat_pruned(s) > 0);
	assert_true(ai_iostat_count(s) <= 16);
	n = ai_iostat_top(s, 7, rows, 8, 1);
	assert_int_equal(n, 8);
	assert_string_equal(rows[0].name, "/f38"); /* pid 7 (f39) skipped */
	assert_int_equal(rows[0].recent, 1);
	ai_iostat_add(s, &ev);
	ev.pid = 100;
	ev.u.io.ino = 38;
	ai_iostat_add(s, &ev);
	n = ai_iostat_top(s, 0, rows, 8, 0);
	assert_int_equal(rows[0].pid, 7);
	assert_int_equal(rows[0].count, 2);
	assert_int_equal(rows[0].recent, 1); /* one since the mark */
	assert_string_equal(rows[1].name, "/f38");
	assert_int_equal(rows[1].count, 2);
	assert_int_equal(rows[1].recent, 1);
	ai_iostat_free(s);
}

/* Pruning keeps exactly the heaviest half, ties included, whatever the order. */
static void test_iostat_prune(void **state)
{
	uint64_t seed = 12345;

	for (int round = 0; round < 50; round++) {
		struct ai_iostat *s = ai_iostat_new(32);
		struct ai_io_row rows[32];
		uint64_t lat[32], sorted[32];
		struct pl_event ev;
		size_t n;

		assert_non_null(s);
		memset(&ev, 0, sizeof(ev));
		ev.type = PL_EV_READ;
		ev.pid = 1;
		for (unsigned i = 0; i < 32; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			lat[i] = 1 + (seed >> 33) % (round % 2 ? 5 : 1000); /* many ties on odd rounds */
			ev.u.io.ino = i;
			ev.u.io.lat_ns = lat[i];
			ai_iostat_add(s, &ev);
		}
		ev.u.io.ino = 999; /* the 33rd key: prunes to 16, then adds it */
		ev.u.io.lat_ns = 0;
		ai_iostat_add(s, &ev);
		assert_int_equal(ai_iostat_count(s), 17);
		assert_int_equal(ai_iostat_pruned(s), 16);
		memcpy(sorted, lat, sizeof(lat));
		for (int i = 0; i < 32; i++) /* descending */
			for (int j = i + 1; j < 32; j++)
				if (sorted[j] > sorted[i]) {
					uint64_t t = sorted[i];

					sorted[i] = sorted[j];
					sorted[j] = t;
				}
		n = ai_iostat_top(s, 0, rows, 32, 0);
		assert_int_equal(n, 17);
		for (int i = 0; i < 16; i++)
			assert_int_equal(rows[i].total_ns, sorted[i]);
		ai_iostat_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_in_proc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusions_and_scrubbing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fingerprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_describe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anonymize, setup, teardown),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_iostat),
		cmocka_unit_test(test_iostat_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
