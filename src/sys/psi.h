/*
 * Pressure stall information from /proc/pressure/{cpu,io,memory} (kernel
 * >= 4.20, CONFIG_PSI).  Each file holds
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * "some": at least one task stalled; "full": all non-idle tasks stalled at
 * once.  cpu has a "full" line only since 5.13 (always zero at system level),
 * so a missing "full" line is normal, not an error.
 */
#ifndef PERFLENS_PSI_H
#define PERFLENS_PSI_H

#include <stdint.h>

enum psi_resource { PSI_CPU, PSI_IO, PSI_MEMORY, PSI_NR };

struct psi_sample {
	double some_avg10;      /* % over the last 10 s, as the kernel averages it */
	double full_avg10;      /* -1 when the file has no "full" line */
	uint64_t some_total_us; /* cumulative stall time, microseconds */
	uint64_t full_total_us; /* 0 when the file has no "full" line */
};

struct psi_all {
	struct psi_sample res[PSI_NR];
};

/* Stall share of the interval between two samples, from the totals. */
struct psi_pct {
	double some; /* 0..100 */
	double full; /* 0..100; -1 when either sample has no "full" line */
};

/* Default root for psi_read(). */
#define PSI_ROOT "/proc/pressure"

/* "cpu", "io", "memory". */
const char *psi_resource_name(enum psi_resource r);
/* Parse one pressure file's text into *out. 0, or -EINVAL if no "some" line. */
int psi_parse(const char *text, struct psi_sample *out);
/* Read the three files under root_dir (PSI_ROOT).  -ENOENT when PSI is not
 * available (no such directory: CONFIG_PSI off or booted with psi=0; or a
 * file that says EOPNOTSUPP), else -errno or -EINVAL for unparsable text. */
int psi_read(const char *root_dir, struct psi_all *out);
/* % of elapsed_s stalled between prev and cur: delta total_us / elapsed_us
 * * 100, clamped to 0..100 (the caller's clock and the kernel's accounting
 * drift a little).  Zeros when elapsed_s <= 0 or a total went backwards. */
struct psi_pct psi_rate(const struct psi_sample *prev, const struct psi_sample *cur,
			double elapsed_s);

#endif
