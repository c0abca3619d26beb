/*
 * Dashboard (d): what is slow right now, at a glance.  Slow ops per second
 * by type with a 60 s sparkline; the top processes by storage I/O slow time
 * (idle waits on pipes, sockets and ttys shown apart, never ranked with
 * real I/O); the latency histogram; the top files and devices; drops and
 * the active attach paths; the health score and open findings; and the
 * panes fed by optional providers (stuck
 * operations, per-device IOPS, saturation, hot functions, AI), which say
 * what is missing until their module is wired.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings_fmt.h"
#include "text.h"
#include "tui_int.h"
#include "w_bar.h"
#include "w_spark.h"

#define SPARK_SECS 60
#define NTYPES 4
#define TOP_PROCS 16
#define TOP_FILES 12
#define MAX_STUCK 8
#define MAX_DEVS 8
#define MAX_HOT 8
#define MAX_FINDINGS 6           /* rows the pane can show; the rest is "+N more" */
#define COMPACT_FINDING_ROWS 3
#define WIDE_FINDINGS_H 7

struct dash_view {
	struct view v;
	uint64_t spark[NTYPES][SPARK_SECS];
	uint64_t last[NTYPES];       /* the newest complete second */
	uint64_t procs_last;
	struct proc_row top[TOP_PROCS];
	size_t ntop;
	uint64_t idle_n, idle_ns;    /* all processes' idle waits */
	struct topfile files[TOP_FILES];
	size_t nfiles;
	struct topdev devs[4];
	size_t ndevs;
	uint64_t lat_log2[64];
	uint64_t provider_gen;
	struct tui_stuck stuck[MAX_STUCK];
	int nstuck;
	struct tui_devstat dstat[MAX_DEVS];
	int ndstat;
	char saturation[512];
	struct tui_hot hot[MAX_HOT];
	int nhot;
	struct tui_hot_info hot_info;
	char ai[512];
	int ai_rc;
	bool have_findings;
	struct finding fnd[MAX_FINDINGS]; /* the open ones, oldest first */
	size_t nfnd;
	struct findings_health health;
};

static const enum role type_roles[NTYPES] = { R_READ, R_WRITE, R_SYNC, R_BLOCK };
static const char *const type_names[NTYPES] = { "read", "write", "sync", "block" };

static const char *dash(void)
{
	return theme_utf8() ? "—" : "-";
}

/* ---- update ---- */

static uint64_t type_count(const struct tl_second *s, int type)
{
	uint64_t n = 0;

	if (type == 3)
		return s->block.count;
	for (int k = 0; k < PL_KIND_MAX; k++)
		n += s->io[type][k].count;
	return n;
}

static void read_sparks(struct dash_view *dv, struct tui *t)
{
	int64_t latest = t->snap.latest_sec;

	memset(dv->spark, 0, sizeof(dv->spark));
	memset(dv->last, 0, sizeof(dv->last));
	dv->procs_last = 0;
	if (latest < 0)
		return;
	engine_lock(t->eng);
	for (int i = 0; i < SPARK_SECS; i++) {
		const struct tl_second *s = timeline_get(t->eng->tl, latest - (SPARK_SECS - 1) + i);

		if (!s)
			continue;
		for (int k = 0; k < NTYPES; k++)
			dv->spark[k][i] = type_count(s, k);
		if (i == SPARK_SECS - 2)
			dv->procs_last = (uint64_t)s->forks + s->execs + s->exits;
	}
	engine_unlock(t->eng);
	/* The newest second is still filling: "per second" reads the one before. */
	for (int k = 0; k < NTYPES; k++)
		dv->last[k] = dv->spark[k][SPARK_SECS - 2];
}

/* Top processes by storage slow time (+ block time charged to them). */
static void read_top(struct dash_view *dv, struct tui *t)
{
	dv->ntop = 0;
	dv->idle_n = dv->idle_ns = 0;
	for (size_t i = 0; i < t->snap.nprocs; i++) {
		const struct proc_row *p = &t->snap.procs[i];
		uint64_t key = p->storage_ns + p->block_ns;
		size_t at;

		dv->idle_n += p->idle_n;
		dv->idle_ns += p->idle_ns;
		if (!key)
			continue;
		at = dv->ntop;
		while (at > 0 && dv->top[at - 1].storage_ns + dv->top[at - 1].block_ns < key)
			at--;
		if (at >= TOP_PROCS)
			continue;
		size_t last = dv->ntop < TOP_PROCS ? dv->ntop : TOP_PROCS - 1;
		memmove(&dv->top[at + 1], &dv->top[at], (last - at) * sizeof(dv->top[0]));
		dv->top[at] = *p;
		if (dv->ntop < TOP_PROCS)
			dv->ntop++;
	}
}

static void read_latency(struct dash_view *dv, struct tui *t)
{
	struct hist all;

	memset(&all, 0, sizeof(all));
	for (int ty = PL_EV_READ; ty <= PL_EV_BLOCK; ty++)
		hist_merge(&all, &t->snap.tot.lat[ty]);
	hist_log2(&all, dv->lat_log2);
}

/* Providers are asked once per snapshot, not per frame. */
static void read_providers(struct dash_view *dv, struct tui *t)
{
	struct tui_env *e = t->env;

	if (dv->provider_gen == t->snap.gen)
		return;
	dv->provider_gen = t->snap.gen;
	dv->nstuck = e->stuck_ops ? e->stuck_ops(e->prov_ctx, dv->stuck, MAX_STUCK) : -1;
	dv->ndstat = e->dev_stats ? e->dev_stats(e->prov_ctx, dv->dstat, MAX_DEVS) : -1;
	dv->saturation[0] = '\0';
	if (e->saturation)
		e->saturation(e->prov_ctx, dv->saturation, sizeof(dv->saturation));
	memset(&dv->hot_info, 0, sizeof(dv->hot_info));
	dv->nhot = e->hot_functions ? e->hot_functions(e->prov_ctx, 0, dv->hot, MAX_HOT, &dv->hot_info)
				    : -1;
	dv->ai[0] = '\0';
	dv->ai_rc = e->ai_summary ? e->ai_summary(e->prov_ctx, dv->ai, sizeof(dv->ai)) : -100;
	dv->have_findings = e->findings != NULL;
	dv->nfnd = 0;
	if (e->findings) {
		findings_health(e->findings, &dv->health);
		dv->nfnd = findings_list(e->findings, dv->fnd, MAX_FINDINGS, false);
	}
}

static void dash_update(struct view *v, struct tui *t)
{
	struct dash_view *dv = (struct dash_view *)v;
	char n[16];

	read_sparks(dv, t);
	read_top(dv, t);
	read_latency(dv, t);
	dv->nfiles = topfiles_files(t->files, (1u << PL_KIND_FILE) | (1u << PL_KIND_BLOCKDEV),
				    dv->files, TOP_FILES);
	dv->ndevs = topfiles_devices(t->files, dv->devs, 4);
	read_providers(dv, t);
	fmt_count(n, sizeof(n), t->snap.events);
	snprintf(v->title, sizeof(v->title), "Dashboard");
	snprintf(v->info, sizeof(v->info), "%s events since start  window %us", n, t->snap.window);
}

/* ---- panes ---- */

static void pane_ops(struct dash_view *dv, struct tui *t, struct rect r)
{
	int spark_w = r.w - 40;

	draw_rule(r.y, r.x, r.w, "Slow ops per second (last 60 s)", R_DIM);
	if (spark_w > SPARK_SECS)
		spark_w = SPARK_SECS;
	for (int k = 0; k < NTYPES && k + 1 < r.h; k++) {
		int y = r.y + 1 + k;
		char rate[16], p99[16] = "-", tot[16];
		const struct hist *h = &t->snap.tot.lat[PL_EV_READ + k];

		fmt_count(rate, sizeof(rate), dv->last[k]);
		if (h->count)
			fmt_dur(p99, sizeof(p99), hist_percentile(h, 99));
		fmt_count(tot, sizeof(tot), h->count);
		draw_text(y, r.x, 6, type_roles[k], type_names[k]);
		draw_textf(y, r.x + 6, 8, R_NORMAL, "%6s/s", rate);
		if (spark_w > 0)
			spark_draw(y, r.x + 15, dv->spark[k] + (SPARK_SECS - spark_w), (size_t)spark_w,
				   type_roles[k]);
		draw_textf(y, r.x + 16 + (spark_w > 0 ? spark_w : 0), r.w - 16 - spark_w, R_DIM,
			   "p99 %-7s total %s", p99, tot);
	}
	if (r.h > 5) {
		uint64_t f = 0, x = 0, e = 0;

		for (int k = 0; k < PL_KIND_MAX; k++) {
			f += t->snap.tot.count[PL_EV_FORK][k];
			x += t->snap.tot.count[PL_EV_EXEC][k];
			e += t->snap.tot.count[PL_EV_EXIT][k];
		}
		draw_textf(r.y + 5, r.x, r.w, R_PROC, "procs  %6llu/s  fork %llu  exec %llu  exit %llu",
			   (unsigned long long)dv->procs_last, (unsigned long long)f,
			   (unsigned long long)x, (unsigned long long)e);
	}
}

/* Health and the open findings, worst colour first glance: one row each,
 * bounded by r; what does not fit is counted, never cut silently. */
static void pane_findings(struct dash_view *dv, struct tui *t, struct rect r)
{
	char line[320], age[24], subj[300];
	int total = dv->health.nopen, rows = r.h - 1, shown;

	if (!dv->have_findings) {
		draw_text(r.y, r.x, r.w, R_NOTE, "findings: not available (no rule engine in this session)");
		return;
	}
	findings_health_line(&dv->health, line, sizeof(line));
	draw_text(r.y, r.x, r.w, findings_health_role(dv->health.score), line);
	shown = total > rows ? rows - 1 : total;
	if (shown > (int)dv->nfnd)
		shown = (int)dv->nfnd;
	for (int i = 0; i < shown; i++) {
		const struct finding *fd = &dv->fnd[i];

		fmt_secs(age, sizeof(age), finding_now(t, fd) - fd->start_sec + 1);
		finding_subject(fd, subj, sizeof(subj));
		draw_textf(r.y + 1 + i, r.x, r.w, finding_role(fd), "  %-8s %6s  %s %s %s",
			   findings_severity_name(fd->severity), age, fd->rule->title, dash(), subj);
	}
	if (total > shown && rows > 0)
		draw_textf(r.y + 1 + shown, r.x, r.w, R_WARN, "  +%d more (! lists every finding)",
			   total - shown);
}

/* Rows the compact layout gives the findings: the health line, and up to
 * COMPACT_FINDING_ROWS more (the last says "+N more" when they overflow). */
static int findings_height(const struct dash_view *dv)
{
	int n = dv->have_findings ? dv->health.nopen : 0;

	return 1 + (n < COMPACT_FINDING_ROWS ? n : COMPACT_FINDING_ROWS);
}

static void pane_procs(struct dash_view *dv, struct rect r)
{
	char idle[16], n[16];

	fmt_dur(idle, sizeof(idle), dv->idle_ns);
	fmt_count(n, sizeof(n), dv->idle_n);
	draw_rule(r.y, r.x, r.w, "Top processes by storage I/O slow time", R_DIM);
	draw_textf(r.y + 1, r.x, r.w, R_HEADER, "%7s %-15s %9s %7s %9s   %s", "PID", "COMM", "IO-TIME",
		   "SLOW", "BLOCK", "idle waits apart");
	if (!dv->ntop)
		draw_text(r.y + 2, r.x + 2, r.w - 2, R_DIM, "no slow storage I/O yet");
	for (size_t i = 0; i < dv->ntop && (int)i + 2 < r.h - 1; i++) {
		const struct proc_row *p = &dv->top[i];
		char io[16], bl[16], sl[16], iw[16];

		snprintf(io, sizeof(io), "-");
		snprintf(bl, sizeof(bl), "-");
		if (p->storage_ns)
			fmt_dur(io, sizeof(io), p->storage_ns);
		if (p->block_ns)
			fmt_dur(bl, sizeof(bl), p->block_ns);
		fmt_count(sl, sizeof(sl), p->storage_n + p->block_n);
		fmt_dur(iw, sizeof(iw), p->idle_ns);
		draw_textf(r.y + 2 + (int)i, r.x, r.w, p->exited ? R_EXITED : R_NORMAL,
			   "%7u %-15.15s %9s %7s %9s   waits %s", p->pid, p->comm, io, sl, bl,
			   p->idle_ns ? iw : "-");
	}
	draw_textf(r.y + r.h - 1, r.x, r.w, R_DIM,
		   "idle waits (pipes, sockets, ttys), all processes: %s in %s ops", idle, n);
}

static void pane_files(struct dash_view *dv, struct rect r)
{
	int y = r.y + 1;

	draw_rule(r.y, r.x, r.w, "Top files and devices (slow time)", R_DIM);
	if (!dv->nfiles && !dv->ndevs)
		draw_text(y, r.x + 2, r.w - 2, R_DIM, "no slow storage I/O yet");
	for (size_t i = 0; i < dv->ndevs && y < r.y + r.h; i++, y++) {
		char tot[16], p99[16];

		fmt_dur(tot, sizeof(tot), dv->devs[i].total_ns);
		fmt_dur(p99, sizeof(p99), hist_percentile(&dv->devs[i].h, 99));
		draw_textf(y, r.x, r.w, R_BLOCK, "%9s  dev %-10s %llu slow req, p99 %s", tot,
			   dv->devs[i].name, (unsigned long long)dv->devs[i].count, p99);
	}
	for (size_t i = 0; i < dv->nfiles && y < r.y + r.h; i++, y++) {
		char tot[16];

		fmt_dur(tot, sizeof(tot), dv->files[i].total_ns);
		draw_textf(y, r.x, 11, R_NORMAL, "%9s ", tot);
		draw_text_left(y, r.x + 11, r.w - 11, R_NORMAL, dv->files[i].name);
	}
}

static void pane_hist(struct dash_view *dv, struct rect r)
{
	draw_rule(r.y, r.x, r.w, "Latency histogram (all slow ops)", R_DIM);
	hist_draw((struct rect){ r.y + 1, r.x, r.h - 1, r.w }, dv->lat_log2, R_HEAT2);
}

static void paths_line(struct tui *t, char *buf, size_t sz)
{
	const struct pl_paths *p = t->env->paths;

	if (!p) {
		snprintf(buf, sz, "attach: none (replay)");
		return;
	}
	snprintf(buf, sz, "attach: syscalls %s  block %s  proc %s  off-CPU %s  pmu %s",
		 p->syscalls ? p->syscalls : "?", p->block ? p->block : "?", p->proc ? p->proc : "?",
		 p->offcpu ? p->offcpu : "?", p->pmu ? p->pmu : "none");
}

static void drops_line(struct tui *t, char *buf, size_t sz)
{
	snprintf(buf, sz, "drops: ring buffer %llu  log overwritten %llu  late %llu  procs refused %llu",
		 (unsigned long long)t->st.drops, (unsigned long long)t->snap.log_overwritten,
		 (unsigned long long)t->snap.late_dropped, (unsigned long long)t->snap.proc_refused);
}

static void stuck_line(struct dash_view *dv, char *buf, size_t sz)
{
	if (dv->nstuck < 0)
		snprintf(buf, sz, "stuck now: not available in this build");
	else if (dv->nstuck == 0)
		snprintf(buf, sz, "stuck now: none");
	else {
		char age[16];

		fmt_dur(age, sizeof(age), dv->stuck[0].age_ns);
		snprintf(buf, sz, "stuck now: %d, oldest %s %s %.60s for %s", dv->nstuck,
			 dv->stuck[0].comm, pl_type_name(dv->stuck[0].type), dv->stuck[0].file, age);
	}
}

static void devstat_line(struct dash_view *dv, char *buf, size_t sz)
{
	if (dv->ndstat < 0) {
		snprintf(buf, sz, "devices: IOPS/p99 not available in this build");
		return;
	}
	size_t w = (size_t)snprintf(buf, sz, "devices:");
	for (int i = 0; i < dv->ndstat && w < sz; i++) {
		char p99[16];

		fmt_dur(p99, sizeof(p99), dv->dstat[i].p99_ns);
		w += (size_t)snprintf(buf + w, sz - w, "  %s %.0f IOPS p99 %s", dv->dstat[i].name,
				      dv->dstat[i].iops, p99);
	}
	if (!dv->ndstat)
		snprintf(buf, sz, "devices: no block I/O");
}

static void hot_line(struct dash_view *dv, struct tui *t, char *buf, size_t sz)
{
	const struct pl_paths *p = t->env->paths;

	if (dv->nhot > 0)
		snprintf(buf, sz, "hot: %s (%llu self of %llu %s samples)", dv->hot[0].name,
			 (unsigned long long)dv->hot[0].self, (unsigned long long)dv->hot_info.samples,
			 dv->hot_info.event);
	else if (dv->nhot == 0)
		snprintf(buf, sz, "hot functions: no samples yet");
	else if (!p || !p->pmu || !strcmp(p->pmu, "none"))
		snprintf(buf, sz, "hot functions: PMU sampling not enabled");
	else
		snprintf(buf, sz, "hot functions: not available in this build (sampling %s)", p->pmu);
}

static void ai_line(struct dash_view *dv, char *buf, size_t sz)
{
	if (dv->ai_rc == -100)
		snprintf(buf, sz, "AI: not configured %s see perflens(8)", dash());
	else if (dv->ai_rc > 0)
		snprintf(buf, sz, "AI: %.240s", dv->ai);
	else if (dv->ai_rc == 0)
		snprintf(buf, sz, "AI: thinking...");
	else
		snprintf(buf, sz, "AI: failed: %.200s", dv->ai);
}

static void line_pair(int y, struct rect r, const char *a, enum role ra, const char *b, enum role rb)
{
	int half = r.w / 2;

	draw_text(y, r.x, half - 1, ra, a);
	draw_text(y, r.x + half, r.w - half, rb, b);
}

static enum role note_role(const char *s)
{
	return strstr(s, "not ") ? R_NOTE : R_NORMAL;
}

/* 80x24 and up to 159 columns: everything, the minor panes as one-liners. */
static void layout_compact(struct dash_view *dv, struct tui *t, struct rect r)
{
	char a[256], b[256];
	int y = r.y, rest, procs_h, lower_h, half = r.w / 2, fh = findings_height(dv);

	pane_ops(dv, t, (struct rect){ y, r.x, 6, r.w });
	y += 6;
	pane_findings(dv, t, (struct rect){ y, r.x, fh, r.w });
	y += fh;
	rest = r.h - 6 - 3 - fh;
	procs_h = rest * 5 / 12 > 5 ? rest * 5 / 12 : 5;
	lower_h = rest - procs_h;
	pane_procs(dv, (struct rect){ y, r.x, procs_h, r.w });
	y += procs_h;
	pane_hist(dv, (struct rect){ y, r.x, lower_h, half - 1 });
	pane_files(dv, (struct rect){ y, r.x + half, lower_h, r.w - half });
	y += lower_h;
	drops_line(t, a, sizeof(a));
	paths_line(t, b, sizeof(b));
	line_pair(y++, r, a, t->st.drops ? R_WARN : R_DIM, b, R_DIM);
	stuck_line(dv, a, sizeof(a));
	devstat_line(dv, b, sizeof(b));
	line_pair(y++, r, a, note_role(a), b, note_role(b));
	hot_line(dv, t, a, sizeof(a));
	ai_line(dv, b, sizeof(b));
	line_pair(y, r, a, note_role(a), b, note_role(b));
}

static void pane_text(struct rect r, const char *title, const char *text, enum role role)
{
	int y = r.y + 1;

	draw_rule(r.y, r.x, r.w, title, R_DIM);
	for (const char *p = text; *p && y < r.y + r.h; y++) {
		const char *nl = strchr(p, '\n');
		char line[256];
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		draw_text(y, r.x + 1, r.w - 1, role, line);
		p += n + (nl ? 1 : 0);
	}
}

static void pane_stuck(struct dash_view *dv, struct rect r)
{
	char line[256];

	if (dv->nstuck <= 0) {
		stuck_line(dv, line, sizeof(line));
		pane_text(r, "Operations stuck right now", line, note_role(line));
		return;
	}
	draw_rule(r.y, r.x, r.w, "Operations stuck right now", R_DIM);
	for (int i = 0; i < dv->nstuck && i + 1 < r.h; i++) {
		char age[16];

		fmt_dur(age, sizeof(age), dv->stuck[i].age_ns);
		draw_textf(r.y + 1 + i, r.x, r.w, R_WARN, "%9s %7u %-15s %-5s %s", age, dv->stuck[i].pid,
			   dv->stuck[i].comm, pl_type_name(dv->stuck[i].type), dv->stuck[i].file);
	}
}

static void pane_hot(struct dash_view *dv, struct tui *t, struct rect r)
{
	char line[256];

	if (dv->nhot <= 0) {
		hot_line(dv, t, line, sizeof(line));
		pane_text(r, "Hot functions", line, note_role(line));
		return;
	}
	draw_rule(r.y, r.x, r.w, "Hot functions", R_DIM);
	for (int i = 0; i < dv->nhot && i + 1 < r.h; i++)
		draw_textf(r.y + 1 + i, r.x, r.w, R_NORMAL, "%8llu self %8llu total  %s%s",
			   (unsigned long long)dv->hot[i].self, (unsigned long long)dv->hot[i].total,
			   dv->hot[i].name, dv->hot[i].kernel ? " [k]" : "");
}

/* 160 columns and more: two columns of full panes. */
static void layout_wide(struct dash_view *dv, struct tui *t, struct rect r)
{
	int half = r.w / 2, lh = r.h, y, rw = r.w - half - 1;
	struct rect L = { r.y, r.x, lh, half - 1 }, R = { r.y, r.x + half + 1, lh, rw };
	char a[256], b[256], both[600];
	int hist_h = (lh - 6) / 2, procs_h = lh - 6 - hist_h;

	pane_ops(dv, t, (struct rect){ L.y, L.x, 6, L.w });
	pane_procs(dv, (struct rect){ L.y + 6, L.x, procs_h, L.w });
	pane_hist(dv, (struct rect){ L.y + 6 + procs_h, L.x, hist_h, L.w });
	y = R.y;
	drops_line(t, a, sizeof(a));
	paths_line(t, b, sizeof(b));
	snprintf(both, sizeof(both), "%s\n%s", a, b);
	pane_text((struct rect){ y, R.x, 3, R.w }, "Drops and attach paths", both, R_DIM);
	y += 3;
	draw_rule(y, R.x, R.w, "Health and findings", R_DIM);
	pane_findings(dv, t, (struct rect){ y + 1, R.x, WIDE_FINDINGS_H - 1, R.w });
	y += WIDE_FINDINGS_H;
	pane_files(dv, (struct rect){ y, R.x, (lh - 3) / 3, R.w });
	y += (lh - 3) / 3;
	pane_stuck(dv, (struct rect){ y, R.x, 5, R.w });
	y += 5;
	devstat_line(dv, a, sizeof(a));
	pane_text((struct rect){ y, R.x, 3, R.w }, "Per-device IOPS and p99", a, note_role(a));
	y += 3;
	pane_text((struct rect){ y, R.x, 4, R.w }, "Saturation (PSI, run queue)",
		  dv->saturation[0] ? dv->saturation
				    : "saturation: PSI and run-queue latency not available in this build",
		  dv->saturation[0] ? R_NORMAL : R_NOTE);
	y += 4;
	ai_line(dv, a, sizeof(a));
	pane_hot(dv, t, (struct rect){ y, R.x, r.y + lh - y - 3, R.w });
	pane_text((struct rect){ r.y + lh - 3, R.x, 3, R.w }, "AI insight", a, note_role(a));
}

static void dash_draw(struct view *v, struct tui *t, struct rect r)
{
	struct dash_view *dv = (struct dash_view *)v;

	if (r.w >= 160 && r.h >= 40)
		layout_wide(dv, t, r);
	else
		layout_compact(dv, t, r);
}

static unsigned dash_action(struct view *v, struct tui *t, enum action a)
{
	(void)v;
	if (a == ACT_ENTER) {
		tui_show(t, TV_PROCS);
		return UI_REDRAW | UI_DATA;
	}
	return 0;
}

static void dash_free(struct view *v)
{
	free(v);
}

static const struct view_ops dash_ops = {
	.needs_procs = true,
	.name = "dashboard",
	.ctx = CTX_DASH,
	.update = dash_update,
	.draw = dash_draw,
	.action = dash_action,
	.free = dash_free,
};

struct view *view_dash_new(void)
{
	struct dash_view *dv = calloc(1, sizeof(*dv));

	if (!dv)
		return NULL;
	dv->v.ops = &dash_ops;
	dv->provider_gen = UINT64_MAX;
	snprintf(dv->v.title, sizeof(dv->v.title), "Dashboard");
	return &dv->v;
}
