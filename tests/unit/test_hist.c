/* Unit tests for the log-linear histogram (src/store/hist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/hist.h"

#define N_REF 100000

/* xorshift64*: fixed seed, so the reference distribution never changes. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The exact order statistic hist_percentile approximates: the smallest
 * value with at least p% of the samples at or below it. */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n);
	if ((double)rank < p / 100.0 * (double)n)
		rank++;
	return sorted[rank ? rank - 1 : 0];
}

/*
 * Latencies as a tracer sees them: a fast mode (10-60 us), a slow mode
 * (1-5 ms) and a long log-spread tail up to seconds, so the percentiles
 * fall in different bucket groups.
 */
static uint64_t ref_value(uint64_t *s)
{
	uint64_t r = rng_next(s);
	uint64_t pick = r % 1000;
	uint64_t u = rng_next(s);

	if (pick < 900)
		return 10000 + u % 50000;
	if (pick < 985)
		return 1000000 + u % 4000000;
	return (1000 + u % 9000) << (10 + (r >> 32) % 20);
}

static void test_bucket_layout(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < HIST_SUB; v++)
		assert_int_equal(hist_bucket(v), v);
	/* Every bucket's low edge maps back to it, and buckets are contiguous. */
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		assert_int_equal(hist_bucket(hist_bucket_low(i)), i);
		if (i + 1 < HIST_BUCKETS) {
			assert_true(hist_bucket_low(i + 1) > hist_bucket_low(i));
			assert_int_equal(hist_bucket(hist_bucket_low(i + 1) - 1), i);
		}
	}
	/* Width never exceeds 1/HIST_SUB of the low edge (the error bound). */
	for (size_t i = HIST_SUB; i + 1 < HIST_BUCKETS; i++) {
		uint64_t w = hist_bucket_low(i + 1) - hist_bucket_low(i);
		assert_true(w * HIST_SUB <= hist_bucket_low(i));
	}
	assert_true(hist_bucket_low(HIST_BUCKETS - 1) < (1ull << HIST_MAX_EXP));
	assert_int_equal(hist_bucket((1ull << HIST_MAX_EXP) - 1), HIST_BUCKETS - 1);
}

static void test_empty(void **state)
{
	(void)state;
	struct hist h = { 0 };

	assert_int_equal(hist_percentile(&h, 0), 0);
	assert_int_equal(hist_percentile(&h, 50), 0);
	assert_int_equal(hist_percentile(&h, 99.9), 0);
	assert_int_equal(hist_percentile(&h, 100), 0);
}

static void test_one_value(void **state)
{
	(void)state;
	struct hist h = { 0 };
	const uint64_t v = 123456;

	hist_add(&h, v);
	assert_int_equal(h.count, 1);
	assert_int_equal(h.sum, v);
	assert_int_equal(h.max, v);
	assert_int_equal(hist_percentile(&h, 100), v);
	/* Any percentile of one sample is that sample, within the bucket bound
	 * and never above max. */
	double ps[] = { 0, 1, 50, 99, 99.99 };
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t got = hist_percentile(&h, ps[i]);
		assert_true(got <= v);
		assert_true(got * 16 >= v * 15);
	}
}

static void test_zero_and_small(void **state)
{
	(void)state;
	struct hist h = { 0 };

	for (int i = 0; i < 10; i++)
		hist_add(&h, 0);
	assert_int_equal(h.count, 10);
	assert_int_equal(h.sum, 0);
	assert_int_equal(h.max, 0);
	assert_int_equal(hist_percentile(&h, 50), 0);
	assert_int_equal(hist_percentile(&h, 100), 0);

	/* Values below HIST_SUB are exact. */
	hist_add(&h, 5);
	for (int i = 0; i < 9; i++)
		hist_add(&h, 7);
	assert_int_equal(hist_percentile(&h, 50), 0);
	assert_int_equal(hist_percentile(&h, 51), 5);
	assert_int_equal(hist_percentile(&h, 90), 7);
}

static void test_huge_values(void **state)
{
	(void)state;
	struct hist h = { 0 };
	const uint64_t big = 1ull << 50;

	hist_add(&h, big);
	assert_int_equal(hist_bucket(big), HIST_BUCKETS - 1);
	assert_int_equal(hist_bucket(UINT64_MAX), HIST_BUCKETS - 1);
	assert_int_equal(h.b[HIST_BUCKETS - 1], 1);
	assert_int_equal(h.max, big);
	/* Over-range values share the top bucket, but max stays exact. */
	assert_int_equal(hist_percentile(&h, 100), big);
	assert_true(hist_percentile(&h, 50) >= hist_bucket_low(HIST_BUCKETS - 1));
	assert_true(hist_percentile(&h, 50) <= big);

	hist_add(&h, UINT64_MAX);
	assert_int_equal(h.count, 2);
	assert_int_equal(h.max, UINT64_MAX);
	assert_int_equal(h.sum, UINT64_MAX); /* saturated, not wrapped */
	assert_int_equal(h.b[HIST_BUCKETS - 1], 2);
	assert_int_equal(hist_percentile(&h, 100), UINT64_MAX);
}

static void test_reference_distribution(void **state)
{
	(void)state;
	uint64_t *vals = malloc(N_REF * sizeof(*vals));
	struct hist *h = calloc(1, sizeof(*h));
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	uint64_t sum = 0;

	assert_non_null(vals);
	assert_non_null(h);
	for (size_t i = 0; i < N_REF; i++) {
		vals[i] = ref_value(&seed);
		sum += vals[i];
		hist_add(h, vals[i]);
	}
	qsort(vals, N_REF, sizeof(*vals), cmp_u64);
	assert_int_equal(h->count, N_REF);
	assert_int_equal(h->sum, sum);
	assert_int_equal(h->max, vals[N_REF - 1]);

	const double ps[] = { 50, 90, 99, 99.9 };
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t exact = exact_percentile(vals, N_REF, ps[i]);
		uint64_t got = hist_percentile(h, ps[i]);
		uint64_t err = got > exact ? got - exact : exact - got;
		print_message("# p%g exact %llu hist %llu\n", ps[i], (unsigned long long)exact,
			      (unsigned long long)got);
		assert_true(err * 10 <= exact);      /* the bound: 10% */
		assert_true(err * 16 <= exact + 16); /* the design's: half a bucket */
	}
	/* The modes are far apart, so the percentiles must be too: guards
	 * against a histogram that returns one value for everything. */
	assert_true(hist_percentile(h, 50) < 100000);
	assert_true(hist_percentile(h, 99) > 1000000);
	free(vals);
	free(h);
}

static void test_merge(void **state)
{
	(void)state;
	struct hist *a = calloc(1, sizeof(*a));
	struct hist *b = calloc(1, sizeof(*b));
	struct hist *all = calloc(1, sizeof(*all));
	struct hist *empty = calloc(1, sizeof(*empty));
	uint64_t seed = 42;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(all);
	assert_non_null(empty);
	for (int i = 0; i < 20000; i++) {
		uint64_t v = ref_value(&seed);
		hist_add(i % 3 ? a : b, v);
		hist_add(all, v);
	}
	hist_merge(a, b);
	assert_int_equal(a->count, all->count);
	assert_int_equal(a->sum, all->sum);
	assert_int_equal(a->max, all->max);
	assert_memory_equal(a->b, all->b, sizeof(a->b));
	assert_int_equal(hist_percentile(a, 99), hist_percentile(all, 99));

	/* Merging nothing changes nothing; merging into nothing copies. */
	hist_merge(a, empty);
	assert_memory_equal(a, all, sizeof(*a));
	hist_merge(empty, all);
	assert_memory_equal(empty, all, sizeof(*empty));
	free(a);
	free(b);
	free(all);
	free(empty);
}

static void test_merge_saturates(void **state)
{
	(void)state;
	struct hist a = { 0 }, b = { 0 };

	a.b[3] = UINT32_MAX - 1;
	a.count = UINT32_MAX - 1;
	a.max = 3;
	b.b[3] = 5;
	b.count = 5;
	hist_merge(&a, &b);
	assert_int_equal(a.b[3], UINT32_MAX);
	assert_int_equal(hist_percentile(&a, 50), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_layout),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_value),
		cmocka_unit_test(test_zero_and_small),
		cmocka_unit_test(test_huge_values),
		cmocka_unit_test(test_reference_distribution),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_saturates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
