/* Unit tests for the snapshot and the prompt builder: sections, exclusions,
 * scrubbing, the token budget, the fingerprint (src/ai/ai_snapshot.c,
 * src/ai/ai_prompt.c, src/ai/ai_iostat.c), on synthetic stores. */
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
#include "ai/ai_iostat.h"
#include "ai/ai_prompt.h"
#include "ai/ai_snapshot.h"
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
		cmocka_unit_test_setup_teardown(test_anonymize, setup, teardown),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_iostat),
		cmocka_unit_test(test_iostat_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
