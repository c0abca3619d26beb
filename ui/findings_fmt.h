/*
 * How the dashboard pane and the findings view put a finding into words:
 * severity colour, subject, age, value against the thresholds, and the
 * health score with its reasons.  One copy, so the pane and the view say
 * the same thing.
 */
#ifndef PERFLENS_UI_FINDINGS_FMT_H
#define PERFLENS_UI_FINDINGS_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "../src/findings/findings.h"
#include "theme.h"

struct tui;

/* R_CRITICAL, R_WARN, or R_DIM (cleared, none). */
enum role finding_role(const struct finding *fd);
/* "now" on the findings' clock: the newest second the screen shows, never
 * before the finding's own last evaluation. */
int64_t finding_now(const struct tui *t, const struct finding *fd);
/* A measured figure with sense of scale: "1234", "38.5", "4.98", "0.070". */
void fmt_figure(char *buf, size_t sz, double v);
/* "12s", "3m05s", "1h02m". */
void fmt_secs(char *buf, size_t sz, int64_t secs);
/* Open: "for 12s"; cleared: "lasted 30s, 2m ago". */
void finding_age(const struct finding *fd, int64_t now, char *buf, size_t sz);
/* "pid 4242 stress-ng", "dev vda", "system" (raw bytes: drawing sanitizes). */
void finding_subject(const struct finding *fd, char *buf, size_t sz);
/* "38 ops/s (warn >= 10, crit >= 100; peak 52)". */
void finding_value(const struct finding *fd, char *buf, size_t sz);
/* "health 72/100: -20 storage (slow_storage warning), -8 cpu (...)"; the
 * data caveat when events were lost. */
void findings_health_line(const struct findings_health *h, char *buf, size_t sz);
/* The health score's role: R_GOOD at 90 and up, R_WARN, R_CRITICAL below 50. */
enum role findings_health_role(int score);

#endif
