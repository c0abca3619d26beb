/* The one monotonic clock reader. */
#ifndef PERFLENS_MONOTIME_H
#define PERFLENS_MONOTIME_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in ns: the clock bpf_ktime_get_ns() reads, so event
 * timestamps and user-space times compare directly. */
static inline uint64_t monotime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
