#include "replay_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/duration.h"

static double wall_of(const struct replay_clocks *c, uint64_t ts)
{
	return c->wall + ((double)ts - (double)c->mono) / 1e9;
}

/* The monotonic ts of a wall-clock time (before the recording: its start). */
static uint64_t mono_of(const struct replay_clocks *c, double wall)
{
	double d = (wall - c->wall) * 1e9;

	return d <= 0 ? c->mono : c->mono + (uint64_t)d;
}

static int parse_hms(const char *s, const struct replay_clocks *c, uint64_t now, uint64_t *ts)
{
	unsigned h, m, sec;
	int end = 0;
	double wall = wall_of(c, now), best = 0;
	time_t t = (time_t)wall;
	struct tm tm;

	if (sscanf(s, "%2u:%2u:%2u%n", &h, &m, &sec, &end) != 3 || s[end] || h > 23 || m > 59 ||
	    sec > 59 || !isdigit((unsigned char)s[0]))
		return -1;
	localtime_r(&t, &tm);
	/* The same time of day yesterday, today and tomorrow: the nearest. */
	for (int day = -1; day <= 1; day++) {
		struct tm d = tm;
		double cand;

		d.tm_mday += day;
		d.tm_hour = (int)h;
		d.tm_min = (int)m;
		d.tm_sec = (int)sec;
		d.tm_isdst = -1;
		cand = (double)mktime(&d);
		if (day == -1 || (cand > wall ? cand - wall : wall - cand) <
				 (best > wall ? best - wall : wall - best))
			best = cand;
	}
	*ts = mono_of(c, best);
	return 0;
}

static int parse_relative(const char *s, uint64_t now, uint64_t *ts)
{
	char buf[64];
	uint64_t ns;
	size_t n;

	if (s[0] != '+' && s[0] != '-')
		return -1;
	n = strlen(s + 1);
	if (!n || n >= sizeof(buf) - 1)
		return -1;
	/* A bare number is seconds here (duration_parse_ns reads milliseconds). */
	snprintf(buf, sizeof(buf), "%s%s", s + 1, isdigit((unsigned char)s[n]) ? "s" : "");
	if (duration_parse_ns(buf, &ns))
		return -1;
	*ts = s[0] == '+' ? (now + ns < now ? UINT64_MAX : now + ns) : (ns > now ? 0 : now - ns);
	return 0;
}

int replay_time_parse(const char *s, const struct replay_clocks *c, uint64_t now,
		      uint64_t *ts, char *err, size_t errsz)
{
	while (*s == ' ')
		s++;
	if (!parse_relative(s, now, ts) || !parse_hms(s, c, now, ts))
		return 0;
	snprintf(err, errsz, "not a time: \"%.40s\" (want HH:MM:SS, or +/-N[s|m|h] like +90s, -5m)",
		 s);
	return -1;
}

void replay_time_format(const struct replay_clocks *c, uint64_t ts, char *buf, size_t sz)
{
	time_t t = (time_t)wall_of(c, ts);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, sz, "%H:%M:%S", &tm);
}
