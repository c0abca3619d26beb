#include "engine.h"

#include "util/monotime.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t engine_now_ns(void)
{
	return monotime_ns();
}

struct engine *engine_new(const struct engine_config *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));
	struct timespec rt;

	if (!e)
		return NULL;
	pthread_mutex_init(&e->lock, NULL);
	e->tl = timeline_new(cfg->window_s);
	e->log = eventlog_new(cfg->eventlog_cap);
	e->pt = proctree_new(cfg->proc_cap, cfg->keep_exited_ns);
	e->stacks = stackstore_new(cfg->stack_cap ? cfg->stack_cap : 65536);
	e->agg = stackagg_new(cfg->agg_cap ? cfg->agg_cap : 131072);
	e->cg = cgstats_new(1024);
	e->sat = satstore_new(cfg->window_s);
	if (!e->tl || !e->log || !e->pt || !e->stacks || !e->agg || !e->cg || !e->sat) {
		engine_free(e);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	e->origin_ns = engine_now_ns();
	e->origin_wall = (double)rt.tv_sec + rt.tv_nsec / 1e9;
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	timeline_free(e->tl);
	eventlog_free(e->log);
	proctree_free(e->pt);
	stackstore_free(e->stacks);
	stackagg_free(e->agg);
	cgstats_free(e->cg);
	satstore_free(e->sat);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

void engine_reset(struct engine *e)
{
	timeline_clear(e->tl);
	eventlog_clear(e->log);
	proctree_clear(e->pt);
	stackstore_clear_counts(e->stacks);
	stackagg_clear(e->agg);
	cgstats_clear(e->cg);
	satstore_clear(e->sat);
	memset(&e->tot, 0, sizeof(e->tot));
	e->events = 0;
}

int engine_add_tap(struct engine *e, struct engine_tap tap)
{
	if (e->ntaps >= ENGINE_MAX_TAPS)
		return -1;
	e->taps[e->ntaps++] = tap;
	return 0;
}

void engine_set_origin(struct engine *e, uint64_t mono_ns, double wall)
{
	e->origin_ns = mono_ns;
	e->origin_wall = wall;
}

double engine_ts(const struct engine *e, uint64_t mono_ns)
{
	return ((double)mono_ns - (double)e->origin_ns) / 1e9;
}

int64_t engine_sec(const struct engine *e, uint64_t mono_ns)
{
	return mono_ns > e->origin_ns ? (int64_t)((mono_ns - e->origin_ns) / 1000000000ull) : 0;
}

static void account_proc(struct engine *e, const struct pl_event *ev)
{
	struct proc_node *n;

	switch (ev->type) {
	case PL_EV_FORK:
		proctree_on_fork(e->pt, ev->pid, ev->u.fork.child_pid, ev->u.fork.child_start_ns,
				 ev->comm);
		return;
	case PL_EV_EXEC:
		proctree_on_exec(e->pt, ev->pid, ev->u.exec.start_ns, ev->u.exec.ppid, ev->comm,
				 ev->u.exec.args);
		return;
	case PL_EV_EXIT:
		proctree_on_exit(e->pt, ev->pid, ev->u.exit.start_ns, ev->u.exit.ppid,
				 ev->u.exit.status, ev->ts_ns, ev->u.exit.lifetime_ns);
		return;
	}
	n = proctree_get(e->pt, ev->pid, ev->comm);
	if (!n)
		return;
	if (ev->type == PL_EV_BLOCK) {
		n->st.block_count++;
		n->st.block_ns += ev->u.blk.lat_ns;
		n->st.block_bytes += ev->u.blk.bytes;
	} else if (ev->type == PL_EV_SAMPLE) {
		n->st.samples++;
	} else if (ev->type == PL_EV_OOM) {
		n->oom_killed = true;
	} else {
		unsigned k = ev->kind < PL_KIND_MAX ? ev->kind : PL_KIND_OTHER;

		n->st.slow_count[k]++;
		n->st.slow_ns[k] += ev->u.io.lat_ns;
	}
}

static void account_stacks(struct engine *e, const struct pl_event *ev)
{
	const struct pl_io_info *io = &ev->u.io;
	const struct pl_block_info *b = &ev->u.blk;
	const struct pl_sample_info *sm = &ev->u.sample;

	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		stackstore_account(e->stacks, io->ustack_id, io->lat_ns);
		stackstore_account(e->stacks, io->wstack_id, io->blocked_ns);
		stackagg_add(e->agg, STACK_ROLE_SLOW, ev->pid, io->ustack_id, 0, io->lat_ns);
		if (io->wstack_id)
			stackagg_add(e->agg, STACK_ROLE_WAIT, ev->pid, io->ustack_id, io->wstack_id,
				     io->blocked_ns);
		break;
	case PL_EV_BLOCK:
		stackstore_account(e->stacks, b->ustack_id, b->lat_ns);
		stackstore_account(e->stacks, b->kstack_id, b->lat_ns);
		stackagg_add(e->agg, STACK_ROLE_BLOCK, ev->pid, b->ustack_id, b->kstack_id, b->lat_ns);
		break;
	case PL_EV_SAMPLE:
		stackstore_account(e->stacks, sm->ustack_id, 0);
		stackstore_account(e->stacks, sm->kstack_id, 0);
		stackagg_add(e->agg, STACK_ROLE_CPU, ev->pid, sm->ustack_id, sm->kstack_id, 1);
		break;
	}
}

static void account_totals(struct engine_totals *t, const struct pl_event *ev)
{
	unsigned kind = ev->kind < PL_KIND_MAX ? ev->kind : PL_KIND_OTHER;

	t->count[ev->type][kind]++;
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		hist_add(&t->lat[ev->type], ev->u.io.lat_ns);
		break;
	case PL_EV_BLOCK:
		if (!(ev->u.blk.flags & PL_BLF_NO_COMPLETION)) /* latency unknown */
			hist_add(&t->lat[PL_EV_BLOCK], ev->u.blk.lat_ns);
		t->block_bytes += ev->u.blk.bytes;
		t->block_kthread += !!(ev->u.blk.flags & PL_BLF_KTHREAD);
		t->block_other_issuer += !!(ev->u.blk.flags & PL_BLF_OTHER_ISSUER);
		break;
	}
}

static void run_taps(struct engine *e, const struct pl_event *ev)
{
	for (int i = 0; i < e->ntaps; i++)
		e->taps[i].fn(e->taps[i].ctx, ev);
}

void engine_ingest(struct engine *e, const struct pl_event *ev)
{
	if (ev->type == 0 || ev->type >= PL_EV_ALL_MAX)
		return;
	if (ev->type >= PL_EV_TYPE_MAX) {
		run_taps(e, ev);
		return;
	}
	e->events++;
	account_totals(&e->tot, ev);
	timeline_add(e->tl, engine_sec(e, ev->ts_ns), ev);
	account_proc(e, ev);
	account_stacks(e, ev);
	cgstats_account(e->cg, ev);
	if (ev->type != PL_EV_SAMPLE)
		eventlog_push(e->log, ev);
	run_taps(e, ev);
}

void engine_on_event(void *ctx, const struct pl_event *ev)
{
	engine_ingest(ctx, ev);
}

static uint32_t intern_stack(void *ctx, uint32_t pid, int is_kernel, const uint64_t *ips, unsigned n)
{
	struct engine *e = ctx;

	return stackstore_intern(e->stacks, pid, is_kernel, ips, n);
}

struct pl_stack_sink engine_stack_sink(struct engine *e)
{
	return (struct pl_stack_sink){ intern_stack, e };
}
