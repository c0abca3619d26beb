#include "findings_fmt.h"

#include <math.h>
#include <stdio.h>

#include "tui_int.h"

enum role finding_role(const struct finding *fd)
{
	if (fd->state == FINDING_CLEARED)
		return R_DIM;
	return fd->severity == FINDING_CRITICAL ? R_CRITICAL
	       : fd->severity == FINDING_WARNING ? R_WARN : R_DIM;
}

int64_t finding_now(const struct tui *t, const struct finding *fd)
{
	return t->snap.latest_sec > fd->last_sec ? t->snap.latest_sec : fd->last_sec;
}

void fmt_figure(char *buf, size_t sz, double v)
{
	double a = fabs(v);

	snprintf(buf, sz, a >= 100 || a == 0 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
}

void fmt_secs(char *buf, size_t sz, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, sz, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, sz, "%lldm%02llds", (long long)(secs / 60), (long long)(secs % 60));
	else
		snprintf(buf, sz, "%lldh%02lldm", (long long)(secs / 3600), (long long)(secs / 60 % 60));
}

void finding_age(const struct finding *fd, int64_t now, char *buf, size_t sz)
{
	char a[24], b[24];

	if (fd->state != FINDING_CLEARED) {
		fmt_secs(a, sizeof(a), now - fd->start_sec + 1);
		snprintf(buf, sz, "for %s", a);
		return;
	}
	fmt_secs(a, sizeof(a), fd->end_sec - fd->start_sec + 1);
	fmt_secs(b, sizeof(b), now - fd->end_sec);
	snprintf(buf, sz, "lasted %s, %s ago", a, b);
}

void finding_subject(const struct finding *fd, char *buf, size_t sz)
{
	const struct finding_subject *s = &fd->subject;

	if (s->scope == FSCOPE_PROCESS)
		snprintf(buf, sz, "pid %u %s", s->pid, s->name);
	else if (s->scope == FSCOPE_DEVICE)
		snprintf(buf, sz, "dev %s", s->name);
	else
		snprintf(buf, sz, "system");
}

void finding_value(const struct finding *fd, char *buf, size_t sz)
{
	const struct findings_rule *r = fd->rule;
	const char *unit = findings_input_info(r->input)->unit;
	char v[32], p[32];

	fmt_figure(v, sizeof(v), fd->value);
	fmt_figure(p, sizeof(p), fd->peak);
	snprintf(buf, sz, "%s %s (warn >= %g, crit >= %g; peak %s)", v, unit, r->warn, r->crit, p);
}

void findings_health_line(const struct findings_health *h, char *buf, size_t sz)
{
	size_t n = (size_t)snprintf(buf, sz, "health %d/100", h->score);

	if (!h->nreasons && n < sz)
		n += (size_t)snprintf(buf + n, sz - n, ": no open findings");
	for (int i = 0; i < h->nreasons && n < sz; i++) {
		const struct findings_health_reason *r = &h->reasons[i];

		n += (size_t)snprintf(buf + n, sz - n, "%s -%.0f %s (%s, %s)", i ? "," : ":", r->points,
				      findings_category_name(r->category), r->rule->title,
				      findings_severity_name(r->severity));
	}
	if (!h->data_complete && h->caveat && n < sz)
		snprintf(buf + n, sz - n, "; data incomplete (%s)", h->caveat->id);
}

enum role findings_health_role(int score)
{
	return score >= 90 ? R_GOOD : score >= 50 ? R_WARN : R_CRITICAL;
}
