#include "procstat.h"

#include <errno.h>
#include <string.h>

#include "readfile.h"

/* The character after the comm's closing parenthesis, NULL if malformed. */
static const char *after_comm(const char *line)
{
	const char *close = strrchr(line, ')');

	if (!close || !strchr(line, '('))
		return NULL;
	return close + 1;
}

static void copy_comm(const char *line, const char *close, char *dst)
{
	const char *open = strchr(line, '(') + 1;
	size_t len = close > open ? (size_t)(close - open) : 0;

	if (len > PROCSTAT_COMM_MAX)
		len = PROCSTAT_COMM_MAX;
	memcpy(dst, open, len);
	dst[len] = '\0';
}

char procstat_state(const char *line)
{
	const char *p = after_comm(line);

	if (!p)
		return 0;
	p = readfile_skip_blanks(p);
	return (*p && *p != '\n') ? *p : 0;
}

int procstat_parse(const char *line, struct procstat *out)
{
	const char *p = after_comm(line);
	uint64_t v, threads = 0;

	if (!p)
		return -EINVAL;
	copy_comm(line, p - 1, out->comm);
	p = readfile_skip_blanks(p);
	if (!*p || *p == '\n')
		return -EINVAL;
	out->state = *p++;
	/* Fields 4..20 are all numeric; some (e.g. 7, tty_nr) may be negative
	 * on odd kernels, so a leading '-' is skipped, not an error. */
	for (int field = 4; field <= 20; field++) {
		p = readfile_skip_blanks(p);
		if (*p == '-')
			p++;
		if (!readfile_u64(&p, &v))
			return -EINVAL;
		if (field == 10)
			out->minflt = v;
		else if (field == 12)
			out->majflt = v;
		else if (field == 14)
			out->utime_ticks = v;
		else if (field == 15)
			out->stime_ticks = v;
		else if (field == 20)
			threads = v;
	}
	out->num_threads = threads > UINT32_MAX ? UINT32_MAX : (uint32_t)threads;
	return 0;
}
