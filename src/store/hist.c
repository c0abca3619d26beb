#include "hist.h"

/*
 * Layout: group 0 holds the values 0..HIST_SUB-1 one per bucket (exact).
 * Group g >= 1 covers [2^(g+SUB_BITS-1), 2^(g+SUB_BITS)) in HIST_SUB equal
 * steps of 2^(g-1), so a bucket is never wider than 1/HIST_SUB of its low
 * edge.  The last group ends at 2^HIST_MAX_EXP; anything above it shares the
 * top bucket.
 */
#define HIST_GROUPS (HIST_MAX_EXP - HIST_SUB_BITS + 1)

_Static_assert(HIST_BUCKETS == HIST_GROUPS * HIST_SUB, "bucket count matches the layout");
_Static_assert(HIST_MAX_EXP < 64, "bucket edges fit in 64 bits");

size_t hist_bucket(uint64_t v)
{
	return pl_hist_bucket(v);
}

uint64_t hist_bucket_low(size_t i)
{
	if (i >= HIST_BUCKETS)
		i = HIST_BUCKETS - 1;
	size_t group = i / HIST_SUB;
	uint64_t sub = i % HIST_SUB;
	if (group == 0)
		return sub;
	return (HIST_SUB + sub) << (group - 1);
}

static uint64_t bucket_width(size_t i)
{
	size_t group = i / HIST_SUB;
	return group == 0 ? 1 : 1ull << (group - 1);
}

static uint64_t add_sat64(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

void hist_add(struct hist *h, uint64_t v)
{
	size_t i = hist_bucket(v);

	h->count++;
	h->sum = add_sat64(h->sum, v);
	if (v > h->max)
		h->max = v;
	/* Saturate rather than wrap: a wrapped bucket would corrupt every
	 * percentile above it, a saturated one only under-weights itself. */
	if (h->b[i] != UINT32_MAX)
		h->b[i]++;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	dst->count += src->count;
	dst->sum = add_sat64(dst->sum, src->sum);
	if (src->max > dst->max)
		dst->max = src->max;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		uint64_t n = (uint64_t)dst->b[i] + src->b[i];
		dst->b[i] = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
}

uint64_t hist_percentile(const struct hist *h, double p)
{
	/* Rank against the buckets themselves, not count: after saturation
	 * the two may disagree and the buckets are what we walk. */
	uint64_t total = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		total += h->b[i];
	if (total == 0)
		return 0;
	if (!(p < 100.0)) /* also catches NaN */
		return h->max;
	if (p < 0.0)
		p = 0.0;

	/* The smallest value with at least p% of the samples at or below it. */
	uint64_t rank = (uint64_t)(p / 100.0 * (double)total);
	if ((double)rank < p / 100.0 * (double)total)
		rank++;
	if (rank == 0)
		rank = 1;

	uint64_t seen = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t mid = hist_bucket_low(i) + bucket_width(i) / 2;
			return mid < h->max ? mid : h->max;
		}
	}
	return h->max;
}
