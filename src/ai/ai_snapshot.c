#include "ai_snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../engine.h"
#include "../query/counters.h"
#include "../stack_resolver.h"
#include "../store/hist.h"
#include "../store/series.h"

#define USER_FRAMES 10
#define KERNEL_FRAMES 6
#define SAMPLE_NS 10000000ull /* a CPU sample stands for ~10 ms at 99 Hz */

/* ---- [sys] ---------------------------------------------------------------- */

static void sys_static(const struct ai_snap_opts *o, struct ai_snapshot *s)
{
	struct utsname u;

	if (!uname(&u)) {
		snprintf(s->host, sizeof(s->host), "%s", u.nodename);
		snprintf(s->kernel, sizeof(s->kernel), "%s", u.release);
	}
	s->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	s->self_pid = o->self_pid;
	s->threshold_ns = o->threshold_ns;
	s->block_threshold_ns = o->block_threshold_ns;
	snprintf(s->pmu, sizeof(s->pmu), "%s", o->pmu ? o->pmu : "off");
	s->drops_lost = o->drops ? o->drops(o->drops_ctx) : 0;
}

static void sys_counters(struct engine *e, const struct ai_snap_opts *o, struct ai_snapshot *s)
{
	const struct satstore *sat = e->sat;

	s->uptime_s = engine_ts(e, engine_now_ns());
	s->events = e->events;
	s->drops_late = timeline_late_dropped(e->tl);
	s->log_overwritten = eventlog_overwritten(e->log);
	s->proc_refused = proctree_refused(e->pt);
	s->stack_refused = stackstore_refused(e->stacks);
	s->agg_refused = stackagg_refused(e->agg);
	s->io_pruned = o->io ? ai_iostat_pruned(o->io) : 0;
	s->self_cpu_pct = sat->self_cpu_pct;
	s->self_bpf_pct = sat->self_bpf_pct;
	s->self_rss_mb = (double)sat->self_rss_bytes / 1048576.0;
	s->self_ring_pct = sat->self_ring_fill_pct;
}

/* ---- [delta]: windows from the timeline ------------------------------------ */

struct win_acc {
	struct ai_win_stat st[AI_CLS_MAX];
	struct hist h[AI_CLS_MAX];
};

static void acc_cell(struct win_acc *a, int cls, const struct tl_cell *c)
{
	if (!c || !c->count)
		return;
	a->st[cls].count += c->count;
	a->st[cls].bytes += c->bytes;
	a->st[cls].total_ns += c->total_ns;
	hist_merge(&a->h[cls], &c->h);
}

static void acc_second(struct win_acc *a, const struct tl_second *sec)
{
	for (unsigned t = PL_EV_READ; t <= PL_EV_SYNC; t++) {
		for (unsigned k = 0; k < PL_KIND_MAX; k++) {
			int cls = t == PL_EV_SYNC ? AI_CLS_SYNC
				: !pl_kind_is_storage(k) ? AI_CLS_WAIT
				: t == PL_EV_READ ? AI_CLS_READ : AI_CLS_WRITE;

			acc_cell(a, cls, tl_second_cell(sec, t, k));
		}
	}
	acc_cell(a, AI_CLS_BLOCK, tl_second_cell(sec, PL_EV_BLOCK, 0));
}

/* Seconds [from, to] into out; a is scratch (two hists per class). */
static void window(const struct timeline *tl, int64_t from, int64_t to, struct win_acc *a,
		   struct ai_win_stat *out)
{
	memset(a, 0, sizeof(*a));
	for (int64_t sec = from < 0 ? 0 : from; sec <= to; sec++) {
		const struct tl_second *s = timeline_get(tl, sec);

		if (s)
			acc_second(a, s);
	}
	for (int c = 0; c < AI_CLS_MAX; c++) {
		out[c] = a->st[c];
		out[c].p50_ns = hist_percentile(&a->h[c], 50);
		out[c].p99_ns = hist_percentile(&a->h[c], 99);
		out[c].max_ns = a->h[c].max;
	}
}

static void run_totals(const struct engine *e, struct ai_snapshot *s)
{
	const struct engine_totals *t = &e->tot;

	for (unsigned k = 0; k < PL_KIND_MAX; k++) {
		int storage = pl_kind_is_storage(k);

		s->run[storage ? AI_CLS_READ : AI_CLS_WAIT].count += t->count[PL_EV_READ][k];
		s->run[storage ? AI_CLS_WRITE : AI_CLS_WAIT].count += t->count[PL_EV_WRITE][k];
		s->run[AI_CLS_SYNC].count += t->count[PL_EV_SYNC][k];
		s->run[AI_CLS_BLOCK].count += t->count[PL_EV_BLOCK][k];
	}
	s->run[AI_CLS_SYNC].p99_ns = hist_percentile(&t->lat[PL_EV_SYNC], 99);
	s->run[AI_CLS_BLOCK].p99_ns = hist_percentile(&t->lat[PL_EV_BLOCK], 99);
	s->run[AI_CLS_BLOCK].max_ns = t->lat[PL_EV_BLOCK].max;
	s->run[AI_CLS_BLOCK].bytes = t->block_bytes;
}

static int windows(struct engine *e, const struct ai_snap_opts *o, struct ai_snapshot *s)
{
	struct win_acc *a = malloc(sizeof(*a));
	unsigned w = o->win_s ? o->win_s : 30, half = timeline_window(e->tl) / 2;
	int64_t now = engine_sec(e, engine_now_ns());

	if (!a)
		return -ENOMEM;
	if (w > half)
		w = half ? half : 1;
	s->win_s = w;
	/* w full seconds plus the current, partial one: the checks come every
	 * interval (+ the time a question takes), so nothing that happened
	 * since the previous check falls between two windows. */
	window(e->tl, now - (int64_t)w, now, a, s->now);
	window(e->tl, now - 2 * (int64_t)w - 1, now - (int64_t)w - 1, a, s->before);
	run_totals(e, s);
	free(a);
	return 0;
}

/* ---- saturation ---------------------------------------------------------- */

static void sat_psi_runq(const struct satstore *sat, struct ai_snapshot *s)
{
	const double *v = sat->psi_available && sat->psi ? series_latest(sat->psi, NULL) : NULL;

	if (v) {
		s->psi_ok = true;
		s->psi_cpu = v[SAT_PSI_CPU_SOME10];
		s->psi_io = v[SAT_PSI_IO_SOME10];
		s->psi_io_full = v[SAT_PSI_IO_FULL10];
		s->psi_mem = v[SAT_PSI_MEM_SOME10];
		s->psi_mem_full = v[SAT_PSI_MEM_FULL10];
	}
	v = sat->runq_available && sat->runq ? series_latest(sat->runq, NULL) : NULL;
	if (v) {
		s->runq_ok = true;
		s->runq_p99_us = v[SAT_RUNQ_P99_US];
		s->runq_max_us = v[SAT_RUNQ_MAX_US];
	}
}

/* Busiest devices first (utilisation, then IOPS). */
static void sat_devs(const struct satstore *sat, struct ai_snapshot *s)
{
	for (int i = 0; i < sat->ndevs; i++) {
		const struct sat_dev *d = &sat->devs[i];
		struct ai_dev x = { .rotational = d->rotational, .util_pct = d->util_pct,
				    .qdepth = d->qdepth, .iops = d->iops, .rbps = d->rbps,
				    .wbps = d->wbps, .p50_us = d->p50_us, .p99_us = d->p99_us,
				    .max_us = d->max_us, .in_flight = d->in_flight };
		int j;

		if (!d->requests && d->util_pct <= 0)
			continue;
		snprintf(x.name, sizeof(x.name), "%s", d->name);
		if (s->ndevs == AI_SNAP_DEVS && x.util_pct + x.iops / 1e6 <=
		    s->devs[AI_SNAP_DEVS - 1].util_pct + s->devs[AI_SNAP_DEVS - 1].iops / 1e6)
			continue;
		j = s->ndevs < AI_SNAP_DEVS ? s->ndevs++ : AI_SNAP_DEVS - 1;
		for (; j > 0 && s->devs[j - 1].util_pct + s->devs[j - 1].iops / 1e6 <
				x.util_pct + x.iops / 1e6; j--)
			s->devs[j] = s->devs[j - 1];
		s->devs[j] = x;
	}
}

static void sat_tasks(const struct satstore *sat, uint32_t self, struct ai_snapshot *s)
{
	s->dstate_total = sat->dstate_total;
	for (int i = 0; i < sat->ndstate && s->ndstate < AI_SNAP_DSTATE; i++) {
		struct ai_dstate *d = &s->dstate[s->ndstate];

		if (sat->dstate[i].pid == self)
			continue;
		d->pid = sat->dstate[i].pid;
		d->count = sat->dstate[i].count;
		memcpy(d->comm, sat->dstate[i].comm, sizeof(d->comm));
		s->ndstate++;
	}
	for (int i = 0; i < sat->ninflight; i++) {
		const struct sat_inflight *f = &sat->inflight[i];
		struct ai_stuck x = { .pid = f->pid, .type = f->type, .kind = f->kind,
				      .age_ns = f->age_ns };
		int j;

		if (f->pid == self)
			continue;
		s->stuck_total++;
		memcpy(x.comm, f->comm, sizeof(x.comm));
		snprintf(x.file, sizeof(x.file), "%.*s", (int)sizeof(x.file) - 1, f->file);
		if (s->nstuck == AI_SNAP_STUCK && x.age_ns <= s->stuck[AI_SNAP_STUCK - 1].age_ns)
			continue;
		j = s->nstuck < AI_SNAP_STUCK ? s->nstuck++ : AI_SNAP_STUCK - 1;
		for (; j > 0 && s->stuck[j - 1].age_ns < x.age_ns; j--)
			s->stuck[j] = s->stuck[j - 1];
		s->stuck[j] = x;
	}
}

/* ---- [proc] ----------------------------------------------------------------- */

struct proc_pick {
	uint32_t self;
	bool full_cmdline;
	struct ai_proc top[AI_SNAP_TOP_PROCS];
	int n;
};

static uint64_t proc_score(const struct proc_stats *st)
{
	uint64_t storage = 0, wait = 0;

	for (unsigned k = 0; k < PL_KIND_MAX; k++) {
		if (pl_kind_is_storage(k))
			storage += st->slow_ns[k];
		else
			wait += st->slow_ns[k];
	}
	/* A process waiting on a socket is usually idle, not slow: it ranks low. */
	return storage + st->block_ns + wait / 8 + st->samples * SAMPLE_NS;
}

/* "argv0 args..." -> basename of argv0. */
static void argv0_base(char *dst, size_t dstsz, const char *args)
{
	size_t n = strcspn(args, " ");
	const char *slash = memrchr(args, '/', n);
	const char *b = slash ? slash + 1 : args;

	snprintf(dst, dstsz, "%.*s", (int)(args + n - b), b);
}

static void proc_copy(const struct proc_node *n, bool full, struct ai_proc *p)
{
	bool core;

	memset(p, 0, sizeof(*p));
	p->pid = n->pid;
	p->ppid = n->ppid;
	memcpy(p->comm, n->comm, sizeof(p->comm));
	argv0_base(p->argv0, sizeof(p->argv0), n->args);
	if (full)
		snprintf(p->cmdline, sizeof(p->cmdline), "%.*s", (int)sizeof(p->cmdline) - 1, n->args);
	p->exited = n->exited;
	if (n->exited)
		pl_exit_status(n->exit_status, &p->exit_code, &p->exit_sig, &core);
	for (unsigned k = 0; k < PL_KIND_MAX; k++) {
		bool storage = pl_kind_is_storage(k);

		*(storage ? &p->storage_count : &p->wait_count) += n->st.slow_count[k];
		*(storage ? &p->storage_ns : &p->wait_ns) += n->st.slow_ns[k];
	}
	p->block_count = n->st.block_count;
	p->block_ns = n->st.block_ns;
	p->block_bytes = n->st.block_bytes;
	p->samples = n->st.samples;
	p->score = proc_score(&n->st);
}

static int pick_visit(struct proc_node *n, void *arg)
{
	struct proc_pick *pp = arg;
	uint64_t score = proc_score(&n->st);
	int j;

	if (n->pid == pp->self || !score)
		return 0;
	if (pp->n == AI_SNAP_TOP_PROCS && score <= pp->top[pp->n - 1].score)
		return 0;
	j = pp->n < AI_SNAP_TOP_PROCS ? pp->n++ : AI_SNAP_TOP_PROCS - 1;
	for (; j > 0 && pp->top[j - 1].score < score; j--)
		pp->top[j] = pp->top[j - 1];
	proc_copy(n, pp->full_cmdline, &pp->top[j]);
	pp->top[j].top = true;
	return 0;
}

static bool have_proc(const struct ai_snapshot *s, uint32_t pid)
{
	for (int i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return true;
	return false;
}

/* IPC and cache-miss rate from hardware counters (software stand-ins are
 * not IPC, so the model never sees them). */
static void procs_counters(const struct satstore *sat, struct ai_snapshot *s)
{
	if (strcmp(sat->pmc_source, "hardware"))
		return;
	for (int i = 0; i < s->nprocs; i++) {
		const struct sat_pmc *c = satstore_pmc(sat, s->procs[i].pid);
		struct counter_ratios r;

		if (!c)
			continue;
		counter_ratios(&c->c, &r);
		s->procs[i].has_ipc = r.has_ipc;
		s->procs[i].ipc = r.ipc;
		s->procs[i].has_miss = r.has_miss;
		s->procs[i].miss_pct = r.miss_pct;
	}
}

/* The heaviest processes, then the ancestors that connect them. */
static void procs(struct engine *e, const struct ai_snap_opts *o, struct ai_snapshot *s)
{
	struct proc_pick pick = { .self = o->self_pid, .full_cmdline = o->full_cmdline };
	struct proc_pick *pp = &pick;

	proctree_foreach(e->pt, pick_visit, pp);
	memcpy(s->procs, pp->top, (size_t)pp->n * sizeof(pp->top[0]));
	s->nprocs = pp->n;
	for (int i = 0; i < pp->n; i++) {
		uint32_t ppid = pp->top[i].ppid;

		for (int depth = 0; depth < 8 && ppid && s->nprocs < AI_SNAP_PROCS; depth++) {
			struct proc_node *n;

			if (ppid == o->self_pid || have_proc(s, ppid))
				break;
			n = proctree_find(e->pt, ppid);
			if (!n)
				break;
			proc_copy(n, o->full_cmdline, &s->procs[s->nprocs++]);
			ppid = n->ppid;
		}
	}
	procs_counters(e->sat, s);
}

/* ---- [stacks] and hot functions ------------------------------------------- */

struct cpu_heap {
	struct stackagg_entry e[AI_HOT_STACKS]; /* min-heap on weight */
	char comm[AI_HOT_STACKS][PL_COMM_LEN + 1];
	int n;
};

static void heap_down(struct cpu_heap *h, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		struct stackagg_entry t;

		if (l < h->n && h->e[l].weight < h->e[m].weight)
			m = l;
		if (r < h->n && h->e[r].weight < h->e[m].weight)
			m = r;
		if (m == i)
			return;
		t = h->e[i];
		h->e[i] = h->e[m];
		h->e[m] = t;
		i = m;
	}
}

static void heap_push(struct cpu_heap *h, const struct stackagg_entry *x)
{
	int i;

	if (h->n == AI_HOT_STACKS) {
		if (x->weight <= h->e[0].weight)
			return;
		h->e[0] = *x;
		heap_down(h, 0);
		return;
	}
	i = h->n++;
	h->e[i] = *x;
	while (i > 0 && h->e[(i - 1) / 2].weight > h->e[i].weight) {
		struct stackagg_entry t = h->e[i];

		h->e[i] = h->e[(i - 1) / 2];
		h->e[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* Per role: how many of the heaviest stacks go into the prompt. */
static const int role_quota[STACK_ROLE_MAX] = {
	[STACK_ROLE_SLOW] = 5, [STACK_ROLE_WAIT] = 5, [STACK_ROLE_BLOCK] = 2,
};

static void stack_keep(struct ai_snapshot *s, const struct stackagg_entry *x, int *per_role)
{
	int first = 0, j;

	for (int r = 0; r < x->role; r++)
		first += role_quota[r];
	if (per_role[x->role] == role_quota[x->role] &&
	    x->weight <= s->stacks[first + per_role[x->role] - 1].weight)
		return;
	j = per_role[x->role] < role_quota[x->role] ? per_role[x->role]++ : role_quota[x->role] - 1;
	for (; j > 0 && s->stacks[first + j - 1].weight < x->weight; j--)
		s->stacks[first + j] = s->stacks[first + j - 1];
	s->stacks[first + j] = (struct ai_stack){ .role = x->role, .pid = x->pid,
						  .ustack_id = x->ustack_id,
						  .kstack_id = x->kstack_id, .count = x->count,
						  .weight = x->weight };
}

/* Slots are laid out by role; squeeze out the unused ones. */
static void stacks_compact(struct ai_snapshot *s, const int *per_role)
{
	int first = 0;

	s->nstacks = 0;
	for (int r = 0; r < STACK_ROLE_MAX; r++) {
		for (int i = 0; i < per_role[r]; i++)
			s->stacks[s->nstacks++] = s->stacks[first + i];
		first += role_quota[r];
	}
}

static void comm_of(struct engine *e, uint32_t pid, char *dst)
{
	struct proc_node *n = proctree_find(e->pt, pid);

	memcpy(dst, n ? n->comm : "", n ? PL_COMM_LEN + 1 : 1);
}

static void stacks(struct engine *e, const struct ai_snap_opts *o, struct ai_snapshot *s,
		   struct cpu_heap *h)
{
	int per_role[STACK_ROLE_MAX] = { 0 };
	size_t n = stackagg_count(e->agg);

	for (size_t i = 0; i < n; i++) {
		const struct stackagg_entry *x = stackagg_get(e->agg, i);

		if (!x || x->pid == o->self_pid || !x->weight || x->role >= STACK_ROLE_MAX)
			continue;
		if (x->role == STACK_ROLE_CPU) {
			heap_push(h, x);
			s->cpu_samples += x->weight;
		}
		else if (x->ustack_id || x->kstack_id)
			stack_keep(s, x, per_role);
	}
	stacks_compact(s, per_role);
	for (int i = 0; i < s->nstacks; i++)
		comm_of(e, s->stacks[i].pid, s->stacks[i].comm);
	for (int i = 0; i < h->n; i++)
		comm_of(e, h->e[i].pid, h->comm[i]);
}

/* Resolved frames of a stack, outside the engine lock. */
static const struct stack_entry *frames_of(const struct ai_snap_opts *o, uint32_t id)
{
	if (!id)
		return NULL;
	return o->res ? stack_resolve(o->res, id) : stackstore_get(o->eng->stacks, id);
}

/* Append to the string in dst, never past dstsz. */
static void append(char *dst, size_t dstsz, const char *a, const char *b)
{
	size_t len = strlen(dst);

	snprintf(dst + len, dstsz - len, "%s%s", a, b);
}

/* Append the leaf-most `max` frames of e, root first, ';'-joined. */
static void put_frames(char *dst, size_t dstsz, const struct stack_entry *e, unsigned max)
{
	unsigned n = e ? e->nframes : 0, from = n < max ? n : max;

	if (!e || !stack_entry_frame(e, 0)) {
		append(dst, dstsz, "?", "");
		return;
	}
	if (n > max)
		append(dst, dstsz, "...;", "");
	for (unsigned i = from; i-- > 0;) {
		char fn[128];

		stack_frame_function(stack_entry_frame(e, i), fn, sizeof(fn));
		append(dst, dstsz, fn[0] ? fn : "?", i ? ";" : "");
	}
}

static void stack_text(const struct ai_snap_opts *o, struct ai_stack *st)
{
	st->frames[0] = '\0';
	if (st->ustack_id)
		put_frames(st->frames, sizeof(st->frames), frames_of(o, st->ustack_id), USER_FRAMES);
	if (!st->kstack_id)
		return;
	append(st->frames, sizeof(st->frames), st->frames[0] ? " | " : "", "k: ");
	put_frames(st->frames, sizeof(st->frames), frames_of(o, st->kstack_id), KERNEL_FRAMES);
}

static int cmp_hot(const void *a, const void *b)
{
	const struct ai_hot *x = a, *y = b;

	return x->self < y->self ? 1 : x->self > y->self ? -1 : 0;
}

/* Leaf functions of the heaviest CPU stacks (the kernel frame when the
 * sample was in the kernel), summed per process and function. */
static int hot(const struct ai_snap_opts *o, const struct cpu_heap *h, struct ai_snapshot *s)
{
	struct ai_hot *acc = calloc(AI_HOT_STACKS, sizeof(*acc));
	int n = 0;

	if (!acc)
		return -ENOMEM;
	for (int i = 0; i < h->n; i++) {
		const struct stack_entry *k = frames_of(o, h->e[i].kstack_id);
		const struct stack_entry *u = frames_of(o, h->e[i].ustack_id);
		const struct stack_entry *leaf = k && stack_entry_frame(k, 0) ? k : u;
		char fn[128];
		int j;

		if (!leaf || !stack_entry_frame(leaf, 0))
			continue;
		stack_frame_function(stack_entry_frame(leaf, 0), fn, sizeof(fn));
		for (j = 0; j < n; j++)
			if (acc[j].pid == h->e[i].pid && !strcmp(acc[j].func, fn))
				break;
		if (j == n) {
			acc[n] = (struct ai_hot){ .kernel = leaf == k, .pid = h->e[i].pid };
			snprintf(acc[n].func, sizeof(acc[n].func), "%s", fn);
			memcpy(acc[n++].comm, h->comm[i], PL_COMM_LEN + 1);
		}
		acc[j].self += h->e[i].weight;
	}
	qsort(acc, (size_t)n, sizeof(*acc), cmp_hot);
	s->nhot = n < AI_SNAP_HOT ? n : AI_SNAP_HOT;
	memcpy(s->hot, acc, (size_t)s->nhot * sizeof(*acc));
	free(acc);
	return 0;
}

/* ---- all of it ---------------------------------------------------------------- */

static int locked_part(const struct ai_snap_opts *o, struct ai_snapshot *s, struct cpu_heap *h)
{
	struct engine *e = o->eng;
	int err;

	engine_lock(e);
	sys_counters(e, o, s);
	err = windows(e, o, s);
	sat_psi_runq(e->sat, s);
	sat_devs(e->sat, s);
	sat_tasks(e->sat, o->self_pid, s);
	if (o->io)
		s->nio = (int)ai_iostat_top(o->io, o->self_pid, s->io, AI_SNAP_IO, o->mark);
	procs(e, o, s);
	stacks(e, o, s, h);
	engine_unlock(e);
	return err;
}

int ai_snapshot_take(const struct ai_snap_opts *o, struct ai_snapshot *out)
{
	struct cpu_heap *h = calloc(1, sizeof(*h));
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!h)
		goto out;
	sys_static(o, out);
	err = locked_part(o, out, h);
	if (err)
		goto out;
	for (int i = 0; i < out->nstacks; i++)
		stack_text(o, &out->stacks[i]);
	err = hot(o, h, out);
	if (!err && o->findings)
		err = ai_snapshot_findings(o, out);
out:
	free(h);
	return err;
}
