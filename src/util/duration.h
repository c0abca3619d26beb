/* Parsing of durations and sizes given on the command line. */
#ifndef PERFLENS_DURATION_H
#define PERFLENS_DURATION_H

#include <stdint.h>

/*
 * "200us", "5ms", "1s", "1.5s", "2m", "250ns"; a bare number is
 * milliseconds (the unit perf-style tools default to for thresholds).
 * Returns 0 and *ns, or -EINVAL for anything else (negative, empty, junk,
 * overflow).
 */
int duration_parse_ns(const char *s, uint64_t *ns);
/* Seconds as a positive decimal ("10", "2.5"); -EINVAL otherwise. */
int seconds_parse(const char *s, double *secs);
/* "64M", "1G", "4096", "10k" (binary multiples); -EINVAL otherwise. */
int size_parse_bytes(const char *s, uint64_t *bytes);

#endif
