/*
 * The display filter typed after '\'.  Space-separated terms, all of which
 * must match:
 *   comm:NAME  type:read  kind:pipe  file:PART  pid:123  re:REGEX  cgroup:ID
 * A bare number is a pid, a bare type or kind name is that, anything else
 * matches comm or file as a substring (case-insensitive).  '!' in front
 * negates a term.  Regexes are POSIX extended, matched against comm and
 * file.  cgroup:ID is the cgroup v2 id events carry (the events view's
 * CGROUP column).  Terms that do not apply to processes (type, kind, file, cgroup) are
 * ignored by filter_match_proc.
 */
#ifndef PERFLENS_UI_FILTER_H
#define PERFLENS_UI_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/event.h"

enum filter_what { FW_ANY, FW_COMM, FW_TYPE, FW_KIND, FW_FILE, FW_PID, FW_RE, FW_CGROUP };

#define FILTER_MAX_TERMS 8

struct filter_term {
	enum filter_what what;
	bool neg;
	bool has_re;
	uint32_t num;
	uint64_t cgroup_id;
	char text[96];
	regex_t re;
};

struct filter {
	int n;
	struct filter_term t[FILTER_MAX_TERMS];
	char src[160];
};

/* Parse text into f (empty text: no terms, matches everything).  0, or
 * -EINVAL with err saying why (f is left empty). */
int filter_parse(struct filter *f, const char *text, char *err, size_t errsz);
/* Release regexes; f becomes empty.  Accepts an empty filter. */
void filter_clear(struct filter *f);
bool filter_active(const struct filter *f);
bool filter_match_event(const struct filter *f, const struct pl_event *ev);
bool filter_match_proc(const struct filter *f, uint32_t pid, const char *comm, const char *args);
/* The text an event is searched and filtered on for "file": the path, the
 * device, or the exec'd file. */
const char *filter_event_file(const struct pl_event *ev);

#endif
