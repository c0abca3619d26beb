#include "diskstats.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"

#define SECTOR_BYTES 512.0
#define DISKSTATS_MAX_FILE (4u << 20)
#define NCOUNTERS 17 /* counters after "major minor name" at 20 fields */

/* Counter i (0-based, after "major minor name") -> its field, in file order. */
static const size_t counter_offsets[NCOUNTERS] = {
	offsetof(struct diskstats_dev, rd_ios),      offsetof(struct diskstats_dev, rd_merges),
	offsetof(struct diskstats_dev, rd_sectors),  offsetof(struct diskstats_dev, rd_ms),
	offsetof(struct diskstats_dev, wr_ios),      offsetof(struct diskstats_dev, wr_merges),
	offsetof(struct diskstats_dev, wr_sectors),  offsetof(struct diskstats_dev, wr_ms),
	offsetof(struct diskstats_dev, in_flight),   offsetof(struct diskstats_dev, io_ticks_ms),
	offsetof(struct diskstats_dev, weighted_ms), offsetof(struct diskstats_dev, dc_ios),
	offsetof(struct diskstats_dev, dc_merges),   offsetof(struct diskstats_dev, dc_sectors),
	offsetof(struct diskstats_dev, dc_ms),       offsetof(struct diskstats_dev, fl_ios),
	offsetof(struct diskstats_dev, fl_ms),
};

/* loop and ram devices mirror files and memory, not hardware. */
static bool is_virtual(const char *name)
{
	static const char *const prefixes[] = { "loop", "ram" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i]);

		if (!strncmp(name, prefixes[i], len) && name[len] >= '0' && name[len] <= '9')
			return true;
	}
	return false;
}

/* Copy the whitespace-delimited name at *p; false if empty or too long. */
static bool parse_name(const char **p, char *dst)
{
	const char *s = readfile_skip_blanks(*p);
	size_t len = strcspn(s, " \t\n");

	if (len == 0 || len >= DISKSTATS_NAME_MAX)
		return false;
	memcpy(dst, s, len);
	dst[len] = '\0';
	*p = s + len;
	return true;
}

static bool parse_u32(const char **p, uint32_t *v)
{
	uint64_t x;

	*p = readfile_skip_blanks(*p);
	if (!readfile_u64(p, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* One line into *d.  False when it has fewer than 14 fields or bad numbers. */
static bool parse_dev_line(const char *p, struct diskstats_dev *d)
{
	int n = 0;

	memset(d, 0, sizeof(*d));
	if (!parse_u32(&p, &d->major) || !parse_u32(&p, &d->minor) || !parse_name(&p, d->name))
		return false;
	/* Later kernels may append fields: read the ones we know, stop there. */
	for (; n < NCOUNTERS; n++) {
		p = readfile_skip_blanks(p);
		if (!*p || *p == '\n')
			break;
		if (!readfile_u64(&p, (uint64_t *)((char *)d + counter_offsets[n])))
			return false;
	}
	if (n < 11)
		return false;
	d->nfields = (uint8_t)(3 + (n >= 17 ? 17 : n >= 15 ? 15 : 11));
	return true;
}

int diskstats_parse(const char *text, unsigned flags, struct diskstats *out)
{
	struct diskstats_dev d;

	out->n = out->over_cap = out->malformed = 0;
	for (const char *p = text; *p; p = readfile_next_line(p)) {
		if (*readfile_skip_blanks(p) == '\n')
			continue;
		if (!parse_dev_line(p, &d)) {
			out->malformed++;
			continue;
		}
		if (!(flags & DISKSTATS_KEEP_VIRTUAL) && is_virtual(d.name))
			continue;
		if (out->n == DISKSTATS_MAX_DEVS) {
			out->over_cap++;
			continue;
		}
		out->dev[out->n++] = d;
	}
	return (int)out->n;
}

int diskstats_read(const char *path, unsigned flags, struct diskstats *out)
{
	size_t len;
	char *text = readfile_alloc(path, DISKSTATS_MAX_FILE, &len);

	if (!text)
		return -errno;
	int n = diskstats_parse(text, flags, out);
	free(text);
	return n;
}

/* The device named like want; try the same index first (order rarely changes). */
static const struct diskstats_dev *find_dev(const struct diskstats *s, size_t hint,
					    const char *name)
{
	if (hint < s->n && !strcmp(s->dev[hint].name, name))
		return &s->dev[hint];
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->dev[i].name, name))
			return &s->dev[i];
	return NULL;
}

static double delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? (double)(cur - prev) : 0.0;
}

static void rate_of(const struct diskstats_dev *a, const struct diskstats_dev *b,
		    double elapsed_s, struct diskstats_rate *r)
{
	double elapsed_ms = elapsed_s * 1000.0;
	double rd = delta(a->rd_ios, b->rd_ios), wr = delta(a->wr_ios, b->wr_ios);

	snprintf(r->name, sizeof(r->name), "%s", b->name);
	r->r_s = rd / elapsed_s;
	r->w_s = wr / elapsed_s;
	r->rd_bytes_s = delta(a->rd_sectors, b->rd_sectors) * SECTOR_BYTES / elapsed_s;
	r->wr_bytes_s = delta(a->wr_sectors, b->wr_sectors) * SECTOR_BYTES / elapsed_s;
	r->util_pct = delta(a->io_ticks_ms, b->io_ticks_ms) / elapsed_ms * 100.0;
	if (r->util_pct > 100.0)
		r->util_pct = 100.0; /* io_ticks is jiffy-grained; the clocks differ */
	r->avg_queue = delta(a->weighted_ms, b->weighted_ms) / elapsed_ms;
	r->r_await_ms = rd > 0 ? delta(a->rd_ms, b->rd_ms) / rd : 0.0;
	r->w_await_ms = wr > 0 ? delta(a->wr_ms, b->wr_ms) / wr : 0.0;
	r->in_flight = b->in_flight;
}

size_t diskstats_delta(const struct diskstats *prev, const struct diskstats *cur,
		       double elapsed_s, struct diskstats_rate *out, size_t out_cap)
{
	size_t n = 0;

	if (elapsed_s <= 0)
		return 0;
	for (size_t i = 0; i < cur->n && n < out_cap; i++) {
		const struct diskstats_dev *a = find_dev(prev, i, cur->dev[i].name);

		if (a)
			rate_of(a, &cur->dev[i], elapsed_s, &out[n++]);
	}
	return n;
}

int diskstats_rotational(const char *sys_root, const char *name)
{
	char sysname[DISKSTATS_NAME_MAX], path[256], buf[16];

	if (!*name || strlen(name) >= sizeof(sysname) || strstr(name, ".."))
		return -EINVAL;
	snprintf(sysname, sizeof(sysname), "%s", name);
	for (char *c = sysname; *c; c++)
		if (*c == '/')
			*c = '!';
	snprintf(path, sizeof(path), "%s/block/%s/queue/rotational", sys_root, sysname);
	ssize_t n = readfile(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (buf[0] != '0' && buf[0] != '1')
		return -EINVAL;
	return buf[0] - '0';
}
