/*
 * Where "jump to a time" goes: the text a user types at the replay's jump
 * prompt (or gives to --from / --to) turned into a recording timestamp.
 * Pure, so the rules are unit-tested without a terminal.
 */
#ifndef PERFLENS_REPLAY_TIME_H
#define PERFLENS_REPLAY_TIME_H

#include <stddef.h>
#include <stdint.h>

/* The recording's clocks: monotonic ts `mono` was wall-clock `wall`. */
struct replay_clocks {
	uint64_t mono;
	double wall;
};

/*
 * "HH:MM:SS": that wall-clock time of the recording (local time, as the
 * status line shows it), on the day nearest to `now` (recordings may span
 * midnight).  "+90s", "-5m", "+1h", "+30" (seconds): relative to `now`.
 * 0 with *ts, or -1 with a one-line message in err.  The result is not
 * clamped to the recording (replay_seek does that).
 */
int replay_time_parse(const char *s, const struct replay_clocks *c, uint64_t now,
		      uint64_t *ts, char *err, size_t errsz);
/* "HH:MM:SS" local wall-clock time of ts. */
void replay_time_format(const struct replay_clocks *c, uint64_t ts, char *buf, size_t sz);

#endif
