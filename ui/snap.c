/*
 * The per-refresh snapshot (what several views share, copied under one
 * short lock) and the once-a-second housekeeping (engine upkeep, drops,
 * our own CPU and memory, log trimming).
 */
#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/sys/selfstat.h"
#include "applog.h"

struct copy_ctx {
	struct snap *s;
	const struct satstore *sat;
};

/* Counters and /proc faults, when the sampler has them for this process. */
static void copy_cpu_use(struct proc_row *r, const struct satstore *sat)
{
	const struct sat_pmc *c = satstore_pmc(sat, r->pid);
	const struct sat_faults *f = satstore_faults(sat, r->pid);

	r->has_pmc = c != NULL;
	if (c)
		r->pmc = c->c;
	r->has_faults = f != NULL;
	r->minflt = f ? f->minflt : 0;
	r->majflt = f ? f->majflt : 0;
	r->ctx_switches = f ? f->ctx_switches : 0;
}

static int copy_proc(struct proc_node *n, void *arg)
{
	struct copy_ctx *cc = arg;
	struct snap *s = cc->s;
	struct proc_row *r;

	if (s->nprocs == s->procs_cap)
		return 1; /* grown before the next take */
	r = &s->procs[s->nprocs++];
	r->pid = n->pid;
	r->ppid = n->ppid;
	r->start_ns = n->start_ns;
	memcpy(r->comm, n->comm, sizeof(r->comm));
	r->exited = n->exited;
	r->exit_code = r->exit_sig = 0;
	if (n->exited) {
		bool core;

		pl_exit_status(n->exit_status, &r->exit_code, &r->exit_sig, &core);
	}
	r->storage_n = n->st.slow_count[PL_KIND_FILE] + n->st.slow_count[PL_KIND_BLOCKDEV];
	r->storage_ns = n->st.slow_ns[PL_KIND_FILE] + n->st.slow_ns[PL_KIND_BLOCKDEV];
	r->idle_n = r->idle_ns = 0;
	for (int k = 0; k < PL_KIND_MAX; k++)
		if (!pl_kind_is_storage((unsigned)k)) {
			r->idle_n += n->st.slow_count[k];
			r->idle_ns += n->st.slow_ns[k];
		}
	r->block_n = n->st.block_count;
	r->block_ns = n->st.block_ns;
	r->block_bytes = n->st.block_bytes;
	r->samples = n->st.samples;
	copy_cpu_use(r, cc->sat);
	return 0;
}

/* Room for every process plus some growth, allocated outside the lock. */
static void reserve_procs(struct snap *s, size_t want)
{
	struct proc_row *p;

	if (want <= s->procs_cap)
		return;
	want += want / 4 + 64;
	p = realloc(s->procs, want * sizeof(*p));
	if (!p)
		return;
	s->procs = p;
	s->procs_cap = want;
}

void snap_take(struct tui *t)
{
	struct snap *s = &t->snap;
	struct engine *e = t->eng;

	engine_lock(e);
	s->mono_ns = engine_now_ns();
	s->log_total = eventlog_total(e->log);
	s->log_count = eventlog_count(e->log);
	s->log_overwritten = eventlog_overwritten(e->log);
	s->latest_sec = timeline_latest(e->tl);
	s->window = timeline_window(e->tl);
	s->events = e->events;
	s->tot = e->tot;
	s->late_dropped = timeline_late_dropped(e->tl);
	s->proc_refused = proctree_refused(e->pt);
	s->proc_evicted = proctree_evicted(e->pt);
	memcpy(s->pmc_source, e->sat->pmc_source, sizeof(s->pmc_source));
	memcpy(s->pmc_note, e->sat->pmc_note, sizeof(s->pmc_note));
	topfiles_update(t->files, e->log);
	engine_unlock(e);
	s->gen++;
}

void snap_procs(struct tui *t)
{
	struct snap *s = &t->snap;
	struct engine *e = t->eng;
	size_t nproc;

	if (s->procs_gen == s->gen && s->procs)
		return;
	engine_lock(e);
	nproc = proctree_count(e->pt);
	engine_unlock(e);
	reserve_procs(s, nproc);
	engine_lock(e);
	s->nprocs = 0;
	if (s->procs)
		proctree_foreach(e->pt, copy_proc, &(struct copy_ctx){ s, e->sat });
	engine_unlock(e);
	s->procs_gen = s->gen;
}

void snap_free(struct snap *s)
{
	free(s->procs);
	s->procs = NULL;
	s->nprocs = s->procs_cap = 0;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	/* All threads of the process, at ns resolution: no file to parse. */
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void read_drops(struct tui *t)
{
	struct pl_source *src = t->env->src;
	struct pl_source_stats ss;
	uint64_t d = 0;

	if (!src || !src->ops || !src->ops->stats)
		return;
	src->ops->stats(src, &ss);
	for (int i = 0; i < PL_EV_TYPE_MAX; i++)
		d += ss.kernel_drops[i];
	t->st.drops = d;
	t->st.decode_errors = ss.decode_errors;
	t->st.have_src = true;
}

/* Say once, in the log, why the feed stopped. */
static void note_feed(struct tui *t)
{
	static bool noted;
	const struct consumer *c = t->env->consumer;

	if (noted || !c || (!c->error && !c->eof))
		return;
	noted = true;
	if (c->error)
		applog_note("the event feed stopped: %s", strerror(-c->error));
	else
		applog_note("the event feed ended; the screen keeps what it had");
}

void tui_housekeeping(struct tui *t)
{
	struct status *st = &t->st;
	uint64_t now = engine_now_ns(), cpu = cpu_ns(), events;

	if (t->env->housekeeping)
		t->env->housekeeping(t->eng);
	engine_lock(t->eng);
	events = t->eng->events;
	engine_unlock(t->eng);
	if (st->last_ns && now > st->last_ns) {
		double dt = (double)(now - st->last_ns);

		/* A replay seek back resets the count: no rate for that second. */
		st->ev_rate = events < st->last_events ? 0
			      : (double)(events - st->last_events) * 1e9 / dt;
		st->cpu_pct = (double)(cpu - st->last_cpu_ns) * 100.0 / dt;
	}
	st->last_ns = now;
	st->last_events = events;
	st->last_cpu_ns = cpu;
	if (selfstat_rss(SELFSTAT_DIR, &st->rss))
		st->rss = 0;
	read_drops(t);
	note_feed(t);
	applog_trim(4u << 20, 64u << 10);
}
