/*
 * Block device counters from /proc/diskstats and per-second rates from two
 * readings (iostat's r/s, w/s, rkB/s, wkB/s, %util, aqu-sz).  A line is
 * "major minor name" then 11 counters (14 fields), + 4 discard counters
 * (18 fields, kernel 4.18) + 2 flush counters (20 fields, kernel 5.5).
 * Sectors are always 512 bytes here, whatever the device's block size.
 */
#ifndef PERFLENS_DISKSTATS_H
#define PERFLENS_DISKSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISKSTATS_PATH "/proc/diskstats"
#define DISKSTATS_MAX_DEVS 128
#define DISKSTATS_NAME_MAX 32

/* diskstats_read() flags. */
#define DISKSTATS_KEEP_VIRTUAL 0x1 /* keep loop* and ram* devices */

struct diskstats_dev {
	char name[DISKSTATS_NAME_MAX];
	uint32_t major, minor;
	uint64_t rd_ios, rd_merges, rd_sectors, rd_ms;
	uint64_t wr_ios, wr_merges, wr_sectors, wr_ms;
	uint64_t in_flight;   /* requests in flight now (a gauge, not a counter) */
	uint64_t io_ticks_ms; /* ms with at least one request in flight */
	uint64_t weighted_ms; /* sum of in-flight time over all requests */
	uint64_t dc_ios, dc_merges, dc_sectors, dc_ms; /* discards: 0 below 18 fields */
	uint64_t fl_ios, fl_ms;                         /* flushes: 0 below 20 fields */
	uint8_t nfields;      /* 14, 18 or 20 as read (more are ignored) */
};

struct diskstats {
	size_t n;
	size_t over_cap;  /* devices left out because the table was full */
	size_t malformed; /* lines with fewer than 14 fields or bad numbers */
	struct diskstats_dev dev[DISKSTATS_MAX_DEVS];
};

/* Rates for one device over an interval; the device is matched by name. */
struct diskstats_rate {
	char name[DISKSTATS_NAME_MAX];
	double r_s, w_s;               /* completed requests per second */
	double rd_bytes_s, wr_bytes_s;
	double util_pct;               /* io_ticks delta / elapsed, 0..100 */
	double avg_queue;              /* weighted ms delta / elapsed ms (aqu-sz) */
	double r_await_ms, w_await_ms; /* mean time per completed request; 0 if none */
	uint64_t in_flight;            /* from the newer reading */
};

/* Parse diskstats text into *out (which is cleared first).  Loop and ram
 * devices are skipped unless flags has DISKSTATS_KEEP_VIRTUAL.  Returns the
 * number of devices kept. */
int diskstats_parse(const char *text, unsigned flags, struct diskstats *out);
/* Read and parse path (DISKSTATS_PATH).  Devices kept, or -errno. */
int diskstats_read(const char *path, unsigned flags, struct diskstats *out);
/* Rates between two readings elapsed_s apart, for each device of cur that is
 * also in prev (a device new in cur has no baseline yet and is left out).
 * A counter that went backwards (device re-created) counts as 0.  Writes at
 * most out_cap entries and returns how many; 0 when elapsed_s <= 0. */
size_t diskstats_delta(const struct diskstats *prev, const struct diskstats *cur,
		       double elapsed_s, struct diskstats_rate *out, size_t out_cap);
/* 1 if /sys/block/NAME/queue/rotational (under sys_root, "/sys") says the
 * device spins, 0 if not, -errno otherwise (-ENOENT for partitions: ask for
 * the whole disk).  A '/' in name ("cciss/c0d0") is sysfs's '!'. */
int diskstats_rotational(const char *sys_root, const char *name);

#endif
