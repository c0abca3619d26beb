/* Unit tests for the /proc/diskstats reader (src/sys/diskstats.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sys/diskstats.h"

#define FIX "tests/fixtures/sys/diskstats"

/* struct diskstats is ~25 KiB: keep it off the test's stack. */
static int setup(void **state)
{
	*state = calloc(2, sizeof(struct diskstats));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static const struct diskstats_dev *find(const struct diskstats *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->dev[i].name, name))
			return &s->dev[i];
	return NULL;
}

/* The device, or the test fails (abort() tells the compiler it is not NULL). */
static const struct diskstats_dev *dev(const struct diskstats *s, const char *name)
{
	const struct diskstats_dev *d = find(s, name);

	if (!d) {
		fail_msg("no device %s", name);
		abort();
	}
	return d;
}

static void test_14_fields(void **state)
{
	struct diskstats *s = *state;

	assert_int_equal(diskstats_read(FIX "/diskstats_14", 0, s), 2); /* loop0, ram0 skipped */
	const struct diskstats_dev *d = dev(s, "sda");
	assert_int_equal(d->nfields, 14);
	assert_int_equal(d->major, 8);
	assert_int_equal(d->minor, 0);
	assert_int_equal(d->rd_ios, 1000);
	assert_int_equal(d->rd_sectors, 20000);
	assert_int_equal(d->wr_ms, 1500);
	assert_int_equal(d->io_ticks_ms, 1800);
	assert_int_equal(d->weighted_ms, 2000);
	assert_int_equal(d->dc_ios, 0);
	assert_int_equal(d->fl_ios, 0);
	/* The partition is its own row: summing rows would count twice. */
	assert_non_null(find(s, "sda1"));
	assert_null(find(s, "loop0"));
	assert_null(find(s, "ram0"));
}

static void test_18_fields_discard(void **state)
{
	struct diskstats *s = *state;

	assert_int_equal(diskstats_read(FIX "/diskstats_18", 0, s), 2);
	const struct diskstats_dev *d = dev(s, "nvme0n1");
	assert_int_equal(d->nfields, 18);
	assert_int_equal(d->in_flight, 2);
	assert_int_equal(d->dc_ios, 10);
	assert_int_equal(d->dc_sectors, 800);
	assert_int_equal(d->dc_ms, 5);
	assert_int_equal(d->fl_ios, 0);
	assert_non_null(find(s, "nvme0n1p1"));
}

static void test_20_fields_flush_and_malformed(void **state)
{
	struct diskstats *s = *state;

	assert_int_equal(diskstats_read(FIX "/diskstats_20_a", 0, s), 3);
	assert_int_equal(s->malformed, 1); /* "broken 1 2 3" */
	assert_int_equal(s->over_cap, 0);
	const struct diskstats_dev *d = dev(s, "vda");
	assert_int_equal(d->nfields, 20);
	assert_int_equal(d->rd_ios, 45609);
	assert_int_equal(d->dc_sectors, 1148080);
	assert_int_equal(d->fl_ios, 653);
	assert_int_equal(d->fl_ms, 295);
	assert_int_equal(dev(s, "vda1")->fl_ios, 0);
	assert_non_null(find(s, "zram0")); /* zram is swap I/O: kept */
}

static void test_keep_virtual_flag(void **state)
{
	struct diskstats *s = *state;

	assert_int_equal(diskstats_read(FIX "/diskstats_14", DISKSTATS_KEEP_VIRTUAL, s), 4);
	assert_non_null(find(s, "loop0"));
	assert_non_null(find(s, "ram0"));
	/* "ramdisk"-like names that are not ram<N> stay either way. */
	assert_int_equal(diskstats_parse("1 0 rampart 0 0 0 0 0 0 0 0 0 0 0\n", 0, s), 1);
}

static void test_delta_rates(void **state)
{
	struct diskstats *a = *state, *b = a + 1;
	struct diskstats_rate r[8];

	assert_int_equal(diskstats_read(FIX "/diskstats_20_a", 0, a), 3);
	assert_int_equal(diskstats_read(FIX "/diskstats_20_b", 0, b), 4);
	/* sdb appeared in b only: no baseline, so no rate yet. */
	size_t n = diskstats_delta(a, b, 1.0, r, 8);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].name, "vda");
	assert_float_equal(r[0].r_s, 100.0, 1e-9);
	assert_float_equal(r[0].w_s, 50.0, 1e-9);
	assert_float_equal(r[0].rd_bytes_s, 25000.0 * 512, 1e-6);
	assert_float_equal(r[0].wr_bytes_s, 20000.0 * 512, 1e-6);
	assert_float_equal(r[0].util_pct, 50.0, 1e-9);
	assert_float_equal(r[0].avg_queue, 0.5, 1e-9);
	assert_float_equal(r[0].r_await_ms, 2.0, 1e-9);
	assert_float_equal(r[0].w_await_ms, 2.0, 1e-9);
	assert_int_equal(r[0].in_flight, 3);
	assert_string_equal(r[2].name, "zram0");
	assert_float_equal(r[2].util_pct, 0.0, 1e-9);
	assert_float_equal(r[2].r_await_ms, 0.0, 1e-9); /* no requests: not NaN */

	/* Twice the interval halves the rates; out_cap bounds the output. */
	assert_int_equal(diskstats_delta(a, b, 2.0, r, 1), 1);
	assert_float_equal(r[0].r_s, 50.0, 1e-9);
	assert_float_equal(r[0].util_pct, 25.0, 1e-9);
	assert_int_equal(diskstats_delta(a, b, 0.0, r, 8), 0);
}

static void test_delta_counter_reset_and_clamp(void **state)
{
	struct diskstats *a = *state, *b = a + 1;
	struct diskstats_rate r[8];

	/* b -> a goes backwards (device re-created): zeros, never huge. */
	diskstats_read(FIX "/diskstats_20_a", 0, a);
	diskstats_read(FIX "/diskstats_20_b", 0, b);
	assert_int_equal(diskstats_delta(b, a, 1.0, r, 8), 3);
	assert_float_equal(r[0].r_s, 0.0, 1e-9);
	assert_float_equal(r[0].rd_bytes_s, 0.0, 1e-9);
	/* 500 ms of io_ticks in a 0.4 s interval: capped at 100%. */
	assert_int_equal(diskstats_delta(a, b, 0.4, r, 8), 3);
	assert_float_equal(r[0].util_pct, 100.0, 1e-9);
}

static void test_over_cap(void **state)
{
	struct diskstats *s = *state;
	size_t cap = (DISKSTATS_MAX_DEVS + 3) * 64;
	char *text = malloc(cap), *p = text;

	assert_non_null(text);
	for (int i = 0; i < DISKSTATS_MAX_DEVS + 3; i++)
		p += sprintf(p, "8 %d sd%d 1 0 0 0 0 0 0 0 0 0 0\n", i, i);
	assert_int_equal(diskstats_parse(text, 0, s), DISKSTATS_MAX_DEVS);
	assert_int_equal(s->over_cap, 3);
	free(text);
}

static void test_rotational(void **state)
{
	const char *sys = "tests/fixtures/sys/sysfs";

	(void)state;
	assert_int_equal(diskstats_rotational(sys, "vda"), 0);
	assert_int_equal(diskstats_rotational(sys, "sda"), 1);
	assert_int_equal(diskstats_rotational(sys, "cciss/c0d0"), 1); /* sysfs says cciss!c0d0 */
	assert_int_equal(diskstats_rotational(sys, "vda1"), -ENOENT);
	assert_int_equal(diskstats_rotational(sys, "../vda"), -EINVAL);
	assert_int_equal(diskstats_rotational(sys, ""), -EINVAL);
}

static void test_real_system(void **state)
{
	struct diskstats *s = *state;

	int n = diskstats_read(DISKSTATS_PATH, DISKSTATS_KEEP_VIRTUAL, s);
	assert_true(n >= 0);
	assert_int_equal(s->malformed, 0);
	for (size_t i = 0; i < s->n; i++)
		assert_true(s->dev[i].nfields == 14 || s->dev[i].nfields == 18 ||
			    s->dev[i].nfields == 20);
	assert_int_equal(diskstats_read("/no/such/file", 0, s), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_14_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_18_fields_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_20_fields_flush_and_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_virtual_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delta_counter_reset_and_clamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_over_cap, setup, teardown),
		cmocka_unit_test(test_rotational),
		cmocka_unit_test_setup_teardown(test_real_system, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
