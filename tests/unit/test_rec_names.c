/*
 * Unit tests for REC_NAMES (src/record/rec_names.c) and the learnt tables of
 * src/out/idnames.c: names noted on the recording side (its look-up thread)
 * come back on the replay side; each id is looked up once; damaged payloads
 * are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "record/rec_names.h"

static struct pl_event ev_of(uint32_t pid, uint64_t cgroup_id, uint8_t type)
{
	struct pl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.pid = pid;
	ev.cgroup_id = cgroup_id;
	return ev;
}

static int learn_json(struct idnames *ids, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	return rec_names_learn(ids, (const uint8_t *)s, strlen(s));
}

/* The "system" side is a learnt table too, so the test needs no cgroupfs. */
static void test_round_trip_told_once(void **state)
{
	struct idnames *sys = idnames_new(NULL, NULL), *back = idnames_new(NULL, NULL);
	struct rec_names *n;
	struct pl_event a = ev_of(4000, 77, PL_EV_READ), b = ev_of(4001, 78, PL_EV_EXEC);
	struct pl_event in = ev_of(4002, 79, PL_EV_INFLIGHT);
	json_object *o;

	(void)state;
	assert_int_equal(idnames_learn_cgroup(sys, 77, "/system.slice/db.service"), 0);
	assert_int_equal(idnames_learn_cgroup(sys, 79, "/inflight"), 0);
	assert_int_equal(idnames_learn_nspid(sys, 4000, 1), 0);
	assert_int_equal(idnames_learn_nspid(sys, 4002, 3), 0);
	n = rec_names_start(sys);
	assert_non_null(n);
	assert_null(rec_names_take(n));
	rec_names_note(n, &a);
	rec_names_note(n, &b);  /* cgroup 78 and pid 4001 unknown: nothing to tell */
	rec_names_note(n, &in); /* in-flight reports carry no names, live or recorded */
	rec_names_note(n, &a);  /* seen: not looked up again */
	rec_names_stop(n);      /* the thread finishes what was queued */
	o = rec_names_take(n);
	assert_non_null(o);
	assert_int_equal(json_object_object_length(json_object_object_get(o, "cgroups")), 1);
	assert_int_equal(json_object_object_length(json_object_object_get(o, "nspids")), 1);
	assert_int_equal(learn_json(back, o), 0);
	json_object_put(o);
	assert_null(rec_names_take(n)); /* taken once */
	assert_int_equal(rec_names_dropped(n), 0);
	assert_string_equal(idnames_cgroup(back, 77), "/system.slice/db.service");
	assert_null(idnames_cgroup(back, 78));
	assert_null(idnames_cgroup(back, 79));
	assert_int_equal(idnames_nspid(back, 4000), 1);
	assert_int_equal(idnames_nspid(back, 4002), 0);
	/* A later name for the same id wins on the replay side. */
	assert_int_equal(idnames_learn_cgroup(back, 77, "/moved"), 0);
	assert_string_equal(idnames_cgroup(back, 77), "/moved");
	rec_names_free(n);
	idnames_free(back);
}

static void test_damaged_payloads_refused(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{\"cgroups\":{\"x\":\"/a\"}}", "{\"cgroups\":{\"5\":7}}",
		"{\"nspids\":{\"5\":\"a\"}}", "{\"nspids\":{\"5\":0}}",
		"{\"nspids\":{\"99999999999\":1}}", "{\"nspids\":{\"-5\":1}}", "{\"cgroups\":",
	};
	struct idnames *ids = idnames_new(NULL, NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rec_names_learn(ids, (const uint8_t *)bad[i], strlen(bad[i])) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(rec_names_learn(ids, (const uint8_t *)"{}", 2), 0);
	assert_int_equal(rec_names_learn(ids, (const uint8_t *)"{\"nspids\":{\"12\":3}}", 19), 0);
	assert_int_equal(idnames_nspid(ids, 12), 3);
	idnames_free(ids);
}

/* Many ids, learnt out of order: the sorted table finds each. */
static void test_learnt_table_many(void **state)
{
	struct idnames *ids = idnames_new(NULL, NULL);
	char path[32];

	(void)state;
	for (uint32_t i = 0; i < 5000; i++) {
		uint32_t id = (i * 7919u) % 5000 + 1;

		snprintf(path, sizeof(path), "/cg%u", id);
		assert_int_equal(idnames_learn_cgroup(ids, id, path), 0);
		assert_int_equal(idnames_learn_nspid(ids, id, id + 1), 0);
	}
	for (uint32_t id = 1; id <= 5000; id++) {
		snprintf(path, sizeof(path), "/cg%u", id);
		assert_string_equal(idnames_cgroup(ids, id), path);
		assert_int_equal(idnames_nspid(ids, id), id + 1);
	}
	assert_null(idnames_cgroup(ids, 5001));
	idnames_free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_told_once),
		cmocka_unit_test(test_damaged_payloads_refused),
		cmocka_unit_test(test_learnt_table_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
