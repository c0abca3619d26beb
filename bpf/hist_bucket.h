/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The log-linear histogram layout, shared by the BPF side (histograms kept
 * in the kernel) and user space (src/store/hist.c), so a bucket index means
 * the same on both sides.  Group 0 holds 0..PL_HIST_SUB-1 exactly; group
 * g >= 1 covers [2^(g+SUB_BITS-1), 2^(g+SUB_BITS)) in PL_HIST_SUB steps, so
 * no bucket is wider than 1/8 of its low edge.  Values at or above
 * 2^PL_HIST_MAX_EXP share the top bucket.
 */
#ifndef PERFLENS_HIST_BUCKET_H
#define PERFLENS_HIST_BUCKET_H

#define PL_HIST_SUB_BITS 3
#define PL_HIST_SUB (1u << PL_HIST_SUB_BITS)
#define PL_HIST_MAX_EXP 42
#define PL_HIST_BUCKETS ((PL_HIST_MAX_EXP - PL_HIST_SUB_BITS + 1) * PL_HIST_SUB)

/* floor(log2(v)) for v > 0, without clz (BPF has no such instruction). */
static inline unsigned pl_log2(unsigned long long v)
{
	unsigned r = 0, shift;

	shift = (v > 0xffffffffull) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (unsigned)(v >> 1);
	return r;
}

static inline unsigned pl_hist_bucket(unsigned long long v)
{
	unsigned shift;

	if (v < PL_HIST_SUB)
		return (unsigned)v;
	if (v >= (1ull << PL_HIST_MAX_EXP))
		return PL_HIST_BUCKETS - 1;
	shift = pl_log2(v) - PL_HIST_SUB_BITS;
	return (shift + 1) * PL_HIST_SUB + (unsigned)((v >> shift) & (PL_HIST_SUB - 1));
}

#endif
