/*
 * One process: identity and command line, its slow-op totals and CPU use
 * (IPC, cache-miss rate, page faults, context switches), the files
 * it waited on, its children, its events (newest first) and top stacks.
 * Enter on a child opens that child, on an event opens the event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/query/evscan.h"
#include "../src/query/topfiles.h"
#include "../src/util/scrub.h"
#include "text.h"
#include "tui_int.h"
#include "w_doc.h"

enum { LINK_PROC = 1, LINK_EVENT = 2 };

#define SHOW_EVENTS 300
#define SHOW_FILES 8
#define SHOW_STACKS 5

struct proc_view {
	struct view v;
	uint32_t pid;
	uint64_t start_ns;
	struct evscan *scan;
	struct topfiles *files;
	struct doc doc;
	bool busy;
	bool known;
	struct proc_node node;
};

static bool of_pid(const struct pl_event *ev, void *arg)
{
	const struct proc_view *pv = arg;

	return ev->pid == pv->pid && ev->type != PL_EV_SAMPLE;
}

static void on_found(const struct pl_event *ev, uint64_t seq, void *arg)
{
	struct proc_view *pv = arg;

	(void)seq;
	topfiles_add(pv->files, ev);
}

/* IPC and cache-miss rate, or why not; page faults and context switches. */
static void add_cpu_use(struct doc *d, struct tui *t, uint32_t pid)
{
	char line[256];

	for (size_t i = 0; i < t->snap.nprocs; i++) {
		const struct proc_row *r = &t->snap.procs[i];

		if (r->pid != pid)
			continue;
		doc_add(d, R_NORMAL, "CPU use      %s", cpu_use_counters(&t->snap, r, line, sizeof(line)));
		doc_add(d, R_NORMAL, "             %s", cpu_use_faults(r, line, sizeof(line)));
		return;
	}
}

static void add_header(struct proc_view *pv, struct tui *t)
{
	const struct proc_node *n = &pv->node;
	struct doc *d = &pv->doc;
	char args[PL_ARGS_LEN], a[16], b[16], c[16];
	uint64_t sn = n->st.slow_count[PL_KIND_FILE] + n->st.slow_count[PL_KIND_BLOCKDEV];
	uint64_t sns = n->st.slow_ns[PL_KIND_FILE] + n->st.slow_ns[PL_KIND_BLOCKDEV];
	uint64_t in = 0, ins = 0;

	if (!pv->known) {
		doc_add(d, R_WARN, "process %u is not in the process table (evicted or never seen)",
			pv->pid);
		return;
	}
	for (int k = 0; k < PL_KIND_MAX; k++)
		if (!pl_kind_is_storage((unsigned)k)) {
			in += n->st.slow_count[k];
			ins += n->st.slow_ns[k];
		}
	doc_link(d, R_TITLE, LINK_PROC, n->ppid, 0, "pid %u  %s   parent %u (Enter opens it)", n->pid,
		 n->comm, n->ppid);
	scrub_copy(args, sizeof(args), n->args);
	doc_add(d, R_NORMAL, "command      %s", args[0] ? args : "(unknown: born before perflens)");
	if (n->exited) {
		int code, sig;
		bool core;

		pl_exit_status(n->exit_status, &code, &sig, &core);
		fmt_dur(a, sizeof(a), n->lifetime_ns);
		if (sig)
			doc_add(d, R_EXITED, "state        exited: killed by signal %d after %s", sig, a);
		else
			doc_add(d, R_EXITED, "state        exited with code %d after %s", code, a);
	} else {
		doc_add(d, R_GOOD, "state        running%s", n->seeded ? " (found in /proc at start)" : "");
	}
	fmt_dur(a, sizeof(a), sns);
	fmt_dur(b, sizeof(b), ins);
	fmt_dur(c, sizeof(c), n->st.block_ns);
	doc_add(d, R_NORMAL, "storage I/O  %llu slow, %s     idle waits (pipe/socket/tty) %llu, %s",
		(unsigned long long)sn, a, (unsigned long long)in, b);
	fmt_bytes(a, sizeof(a), n->st.block_bytes);
	doc_add(d, R_NORMAL, "block        %llu slow requests, %s, %s     CPU samples %llu",
		(unsigned long long)n->st.block_count, c, a, (unsigned long long)n->st.samples);
	add_cpu_use(d, t, n->pid);
}

static void add_files(struct proc_view *pv)
{
	struct topfile f[SHOW_FILES];
	struct topdev dv[4];
	size_t n = topfiles_files(pv->files, PL_KINDS_ALL, f, SHOW_FILES);
	size_t nd = topfiles_devices(pv->files, dv, 4);

	doc_rule(&pv->doc, "Files and devices it waited on");
	if (!n && !nd)
		doc_add(&pv->doc, R_DIM, pv->busy ? "  (scanning the event log...)" : "  none in the event log");
	for (size_t i = 0; i < n; i++) {
		char tot[16], cnt[16];

		fmt_dur(tot, sizeof(tot), f[i].total_ns);
		fmt_count(cnt, sizeof(cnt), f[i].count);
		doc_add(&pv->doc, R_NORMAL, "  %9s %6s  %-6s %s", tot, cnt, pl_kind_name(f[i].kind),
			f[i].name);
	}
	for (size_t i = 0; i < nd; i++) {
		char tot[16], cnt[16];

		fmt_dur(tot, sizeof(tot), dv[i].total_ns);
		fmt_count(cnt, sizeof(cnt), dv[i].count);
		doc_add(&pv->doc, R_BLOCK, "  %9s %6s  device %s", tot, cnt, dv[i].name);
	}
}

static void add_children(struct proc_view *pv, struct tui *t)
{
	size_t shown = 0;

	doc_rule(&pv->doc, "Children");
	for (size_t i = 0; i < t->snap.nprocs; i++) {
		const struct proc_row *r = &t->snap.procs[i];

		if (r->ppid != pv->pid || r->pid == pv->pid)
			continue;
		doc_link(&pv->doc, r->exited ? R_EXITED : R_NORMAL, LINK_PROC, r->pid, 0,
			 "  %7u %-16s %s %llu slow", r->pid, r->comm, r->exited ? "exited " : "running",
			 (unsigned long long)(r->storage_n + r->idle_n + r->block_n));
		shown++;
	}
	if (!shown)
		doc_add(&pv->doc, R_DIM, "  none");
}

static void add_events(struct proc_view *pv, struct tui *t)
{
	size_t n = evscan_count(pv->scan);

	doc_rule(&pv->doc, "Events, newest first (Enter opens one)");
	if (!n)
		doc_add(&pv->doc, R_DIM, pv->busy ? "  (scanning the event log...)" : "  none in the event log");
	engine_lock(t->eng);
	for (size_t i = 0; i < n && i < SHOW_EVENTS; i++) {
		uint64_t seq = evscan_seq(pv->scan, i);
		const struct pl_event *ev = evlog_by_seq(t->eng->log, seq);
		char when[24], lat[16] = "", tgt[PL_FILE_MAX];

		if (!ev)
			break;
		fmt_clock(when, sizeof(when), tui_wall(t, ev->ts_ns), true);
		if (pl_event_lat(ev))
			fmt_dur(lat, sizeof(lat), pl_event_lat(ev));
		event_target(ev, tgt, sizeof(tgt));
		doc_link(&pv->doc, theme_type_role(ev->type), LINK_EVENT, seq, 0, "  %s %-5s %8s  %s",
			 when, pl_type_name(ev->type), lat, tgt);
	}
	engine_unlock(t->eng);
	if (n > SHOW_EVENTS)
		doc_add(&pv->doc, R_DIM, "  ... %zu more (the events view with filter pid:%u lists all)",
			n - SHOW_EVENTS, pv->pid);
}

static void add_stacks(struct proc_view *pv, struct tui *t)
{
	char buf[4096];
	size_t len, shown = 0;

	doc_rule(&pv->doc, "Top stacks");
	if (!t->env->folded_stacks) {
		doc_add(&pv->doc, R_NOTE, "  stacks: not available in this build");
		return;
	}
	len = t->env->folded_stacks(t->env->prov_ctx, pv->pid, TUI_STACKS_SLOW, buf, sizeof(buf));
	for (char *p = buf, *nl; len && p < buf + len && shown < SHOW_STACKS; p = nl + 1, shown++) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		if (!nl)
			nl = buf + len;
		*nl = '\0';
		doc_add(&pv->doc, R_NORMAL, "  %s", p);
	}
	if (!shown)
		doc_add(&pv->doc, R_DIM, "  none recorded for this process");
}

static void proc_update(struct view *v, struct tui *t)
{
	struct proc_view *pv = (struct proc_view *)v;
	struct proc_node *n;

	engine_lock(t->eng);
	n = proctree_find(t->eng->pt, pv->pid);
	pv->known = n != NULL;
	if (n)
		pv->node = *n;
	pv->busy = !evscan_update(pv->scan, t->eng->log, t->snap.log_total, SCAN_BUDGET_NS);
	engine_unlock(t->eng);
	snprintf(v->title, sizeof(v->title), "Process %u %s%s", pv->pid, pv->known ? pv->node.comm : "",
		 pv->known && pv->node.exited ? " (exited)" : "");
	snprintf(v->info, sizeof(v->info), "%s%zu events  Esc: back", pv->busy ? "scanning... " : "",
		 evscan_count(pv->scan));
	doc_begin(&pv->doc);
	add_header(pv, t);
	add_files(pv);
	add_children(pv, t);
	add_events(pv, t);
	add_stacks(pv, t);
	doc_end(&pv->doc, t->body.h);
}

static void proc_draw(struct view *v, struct tui *t, struct rect r)
{
	struct proc_view *pv = (struct proc_view *)v;

	if (!pv->doc.n)
		proc_update(v, t);
	doc_draw(&pv->doc, r, true);
}

static unsigned open_event(struct tui *t, uint64_t seq)
{
	const struct pl_event *ev;
	struct pl_event copy;

	engine_lock(t->eng);
	ev = evlog_by_seq(t->eng->log, seq);
	if (ev)
		copy = *ev;
	engine_unlock(t->eng);
	if (!ev) {
		tui_message(t, "that event has left the event log");
		return UI_REDRAW;
	}
	tui_push(t, view_event_detail_new(t, &copy, seq));
	return UI_REDRAW | UI_DATA;
}

static unsigned proc_action(struct view *v, struct tui *t, enum action a)
{
	struct proc_view *pv = (struct proc_view *)v;
	const struct doc_line *l;

	if (a != ACT_ENTER)
		return list_action(&pv->doc.ls, a, t->body.h);
	l = doc_selected(&pv->doc);
	if (!l)
		return 0;
	if (l->link == LINK_EVENT)
		return open_event(t, l->a);
	if (l->link == LINK_PROC && l->a && l->a != pv->pid) {
		tui_push(t, view_proc_detail_new(t, (uint32_t)l->a, 0));
		return UI_REDRAW | UI_DATA;
	}
	return 0;
}

static unsigned proc_click(struct view *v, struct tui *t, int row, int col)
{
	(void)col;
	return list_click(&((struct proc_view *)v)->doc.ls, row, t->body.h) ? UI_REDRAW : 0;
}

static bool proc_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct proc_view *pv = (struct proc_view *)v;

	return doc_search(&pv->doc, needle, dir, t->body.h, false);
}

static bool proc_busy(const struct view *v)
{
	return ((const struct proc_view *)v)->busy;
}

static void proc_free(struct view *v)
{
	struct proc_view *pv = (struct proc_view *)v;

	evscan_free(pv->scan);
	topfiles_free(pv->files);
	doc_free(&pv->doc);
	free(pv);
}

static const struct view_ops proc_ops = {
	.needs_procs = true,
	.name = "process",
	.ctx = CTX_DETAIL,
	.update = proc_update,
	.draw = proc_draw,
	.action = proc_action,
	.click = proc_click,
	.search = proc_search,
	.busy = proc_busy,
	.free = proc_free,
};

struct view *view_proc_detail_new(struct tui *t, uint32_t pid, uint64_t start_ns)
{
	struct proc_view *pv = calloc(1, sizeof(*pv));

	(void)t;
	if (!pv)
		return NULL;
	pv->v.ops = &proc_ops;
	pv->v.transient = true;
	pv->pid = pid;
	pv->start_ns = start_ns;
	pv->scan = evscan_new(65536, of_pid, on_found, pv);
	pv->files = topfiles_new(256);
	if (!pv->scan || !pv->files) {
		proc_free(&pv->v);
		return NULL;
	}
	snprintf(pv->v.title, sizeof(pv->v.title), "Process %u", pid);
	return &pv->v;
}
