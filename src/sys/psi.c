#include "psi.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "readfile.h"

static const char *const resource_names[PSI_NR] = { "cpu", "io", "memory" };

const char *psi_resource_name(enum psi_resource r)
{
	return (unsigned)r < PSI_NR ? resource_names[r] : "?";
}

/*
 * "21.17" -> 21.17 without strtod: the TUI may call setlocale(LC_ALL, ""),
 * after which strtod would stop at the '.' in a ',' locale.
 */
static bool parse_fixed(const char **s, double *v)
{
	uint64_t whole, frac = 0;
	double scale = 1.0;

	if (!readfile_u64(s, &whole))
		return false;
	if (**s == '.') {
		for ((*s)++; **s >= '0' && **s <= '9'; (*s)++) {
			if (scale < 1e15) { /* more digits add nothing */
				frac = frac * 10 + (uint64_t)(**s - '0');
				scale *= 10.0;
			}
		}
	}
	*v = (double)whole + (double)frac / scale;
	return true;
}

/* After "some"/"full": "avg10=X avg60=Y avg300=Z total=N", any order. */
static int parse_line(const char *p, double *avg10, uint64_t *total)
{
	bool have_avg = false, have_total = false;

	while (*(p = readfile_skip_blanks(p)) && *p != '\n') {
		if (!strncmp(p, "avg10=", 6)) {
			p += 6;
			have_avg = parse_fixed(&p, avg10);
		} else if (!strncmp(p, "total=", 6)) {
			p += 6;
			have_total = readfile_u64(&p, total);
		}
		p += strcspn(p, " \t\n"); /* skip the rest of this key=value */
	}
	return have_avg && have_total ? 0 : -EINVAL;
}

int psi_parse(const char *text, struct psi_sample *out)
{
	bool have_some = false;
	int err = 0;

	out->some_avg10 = 0;
	out->some_total_us = 0;
	out->full_avg10 = -1;
	out->full_total_us = 0;
	for (const char *p = text; *p && !err; p = readfile_next_line(p)) {
		if (!strncmp(p, "some ", 5)) {
			err = parse_line(p + 5, &out->some_avg10, &out->some_total_us);
			have_some = !err;
		} else if (!strncmp(p, "full ", 5)) {
			err = parse_line(p + 5, &out->full_avg10, &out->full_total_us);
		}
	}
	return err ? err : (have_some ? 0 : -EINVAL);
}

int psi_read(const char *root_dir, struct psi_all *out)
{
	char path[512], buf[512];

	for (int r = 0; r < PSI_NR; r++) {
		snprintf(path, sizeof(path), "%s/%s", root_dir, resource_names[r]);
		ssize_t n = readfile(path, buf, sizeof(buf));

		if (n == -EOPNOTSUPP || n == -ENOTDIR)
			return -ENOENT; /* CONFIG_PSI with psi=0: files refuse to show */
		if (n < 0)
			return (int)n;
		int err = psi_parse(buf, &out->res[r]);
		if (err)
			return err;
	}
	return 0;
}

static double pct_of(uint64_t prev, uint64_t cur, double elapsed_us)
{
	if (cur < prev)
		return 0;
	double pct = (double)(cur - prev) / elapsed_us * 100.0;

	return pct > 100.0 ? 100.0 : pct;
}

struct psi_pct psi_rate(const struct psi_sample *prev, const struct psi_sample *cur,
			double elapsed_s)
{
	struct psi_pct out = { 0, -1 };
	bool has_full = prev->full_avg10 >= 0 && cur->full_avg10 >= 0;

	if (elapsed_s <= 0)
		return (struct psi_pct){ 0, has_full ? 0 : -1 };
	out.some = pct_of(prev->some_total_us, cur->some_total_us, elapsed_s * 1e6);
	if (has_full)
		out.full = pct_of(prev->full_total_us, cur->full_total_us, elapsed_s * 1e6);
	return out;
}
