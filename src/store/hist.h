/*
 * Log-linear latency histogram (HDR style): each power of two is split into
 * 2^HIST_SUB_BITS linear sub-buckets, so any percentile read back is within
 * 1/2^HIST_SUB_BITS (6.25%) of the true value.  Values are nanoseconds;
 * values >= 2^HIST_MAX_EXP land in the top bucket, max stays exact.
 */
#ifndef PERFLENS_HIST_H
#define PERFLENS_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "../../bpf/hist_bucket.h"

/* The layout is shared with the kernel-side histograms (bpf/hist_bucket.h). */
#define HIST_SUB_BITS PL_HIST_SUB_BITS
#define HIST_SUB PL_HIST_SUB
#define HIST_MAX_EXP PL_HIST_MAX_EXP /* ~73 minutes in ns */
#define HIST_BUCKETS PL_HIST_BUCKETS

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t max;
	uint32_t b[HIST_BUCKETS];
};

/* Bucket index for a value. */
size_t hist_bucket(uint64_t v);
/* Smallest value that falls in bucket i. */
uint64_t hist_bucket_low(size_t i);
/* Add one value. */
void hist_add(struct hist *h, uint64_t v);
/* dst += src */
void hist_merge(struct hist *dst, const struct hist *src);
/* Value at percentile p (0..100): the bucket midpoint, clamped to max; 0 if
 * empty; p >= 100 is max itself. */
uint64_t hist_percentile(const struct hist *h, double p);

#endif
