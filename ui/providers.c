#include "providers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/out/folded.h"
#include "../src/ai/ai_worker.h"
#include "../src/query/hot.h"

static int stack_frames(void *ctx, uint32_t id, struct tui_frame *out, int max)
{
	struct tui_providers *p = ctx;
	const struct stack_entry *e = stack_resolve(p->res, id);
	int n = 0;

	for (unsigned i = 0; e && i < e->nframes && n < max; i++, n++) {
		out[n].ip = i < e->n ? e->ips[i] : 0;
		snprintf(out[n].text, sizeof(out[n].text), "%s", stack_entry_frame(e, i));
	}
	return n;
}

static size_t folded_stacks(void *ctx, uint32_t pid, int role, char *buf, size_t sz)
{
	struct tui_providers *p = ctx;
	FILE *f;
	size_t len = 0;

	if (!sz)
		return 0;
	buf[0] = '\0';
	f = fmemopen(buf, sz, "w");
	if (!f)
		return 0;
	engine_lock(p->eng);
	folded_write_role(f, p->eng, p->res, role, pid, 200);
	engine_unlock(p->eng);
	len = (size_t)ftell(f);
	fclose(f);
	return len < sz ? len : sz - 1;
}

/* Merge one process's functions into out (by name and kernel flag). */
static int merge_funcs(const struct hot_proc *hp, struct tui_hot *out, int n, int max)
{
	for (size_t i = 0; i < hp->nfuncs; i++) {
		const struct hot_func *f = &hp->funcs[i];
		int j;

		for (j = 0; j < n; j++)
			if (out[j].kernel == f->kernel && !strcmp(out[j].name, f->name))
				break;
		if (j == n) {
			if (n == max)
				continue;
			snprintf(out[n].name, sizeof(out[n].name), "%s", f->name);
			out[n].kernel = f->kernel;
			out[n].self = out[n].total = 0;
			n++;
		}
		out[j].self += f->self;
		out[j].total += f->total;
	}
	return n;
}

static int cmp_hot(const void *a, const void *b)
{
	const struct tui_hot *x = a, *y = b;

	return x->self < y->self ? 1 : x->self > y->self ? -1 : 0;
}

static int hot_functions(void *ctx, uint32_t pid, struct tui_hot *out, int max,
			 struct tui_hot_info *info)
{
	struct tui_providers *p = ctx;
	struct hot_table t;
	int n = 0;

	snprintf(info->event, sizeof(info->event), "%s", p->pmu_event);
	info->samples = 0;
	engine_lock(p->eng);
	if (hot_build(p->eng, p->res, &t)) {
		engine_unlock(p->eng);
		return 0;
	}
	engine_unlock(p->eng);
	for (size_t i = 0; i < t.nprocs; i++) {
		if (pid && t.procs[i].pid != pid)
			continue;
		info->samples += t.procs[i].samples;
		n = merge_funcs(&t.procs[i], out, n, max);
	}
	hot_free(&t);
	qsort(out, (size_t)n, sizeof(*out), cmp_hot);
	return n;
}

static int stuck_ops(void *ctx, struct tui_stuck *out, int max)
{
	struct tui_providers *p = ctx;
	const struct satstore *s = p->eng->sat;
	int n = 0;

	engine_lock(p->eng);
	for (int i = 0; i < s->ninflight && n < max; i++, n++) {
		const struct sat_inflight *o = &s->inflight[i];

		out[n] = (struct tui_stuck){ .pid = o->pid, .tid = o->tid, .type = o->type,
					     .kind = o->kind, .fd = o->fd, .age_ns = o->age_ns };
		snprintf(out[n].comm, sizeof(out[n].comm), "%s", o->comm);
		snprintf(out[n].file, sizeof(out[n].file), "%s", o->file);
	}
	engine_unlock(p->eng);
	return n;
}

static int dev_stats(void *ctx, struct tui_devstat *out, int max)
{
	struct tui_providers *p = ctx;
	const struct satstore *s = p->eng->sat;
	int n = 0;

	engine_lock(p->eng);
	for (int i = 0; i < s->ndevs && n < max; i++, n++) {
		const struct sat_dev *d = &s->devs[i];

		out[n] = (struct tui_devstat){ .iops = d->iops, .read_bps = d->rbps,
					       .write_bps = d->wbps, .p99_ns = d->p99_us * 1000,
					       .util_pct = d->util_pct };
		snprintf(out[n].name, sizeof(out[n].name), "%s", d->name);
	}
	engine_unlock(p->eng);
	return n;
}

static size_t saturation(void *ctx, char *buf, size_t sz)
{
	struct tui_providers *p = ctx;
	const struct satstore *s = p->eng->sat;
	const double *psi, *rq;
	int n = 0;

	engine_lock(p->eng);
	psi = s->psi_available ? series_latest(s->psi, NULL) : NULL;
	rq = s->runq_available ? series_latest(s->runq, NULL) : NULL;
	if (psi)
		n += snprintf(buf + n, sz - (size_t)n,
			      "PSI some/full %%: cpu %.1f/%.1f  io %.1f/%.1f  mem %.1f/%.1f\n",
			      psi[SAT_PSI_CPU_SOME], psi[SAT_PSI_CPU_FULL] < 0 ? 0 : psi[SAT_PSI_CPU_FULL],
			      psi[SAT_PSI_IO_SOME], psi[SAT_PSI_IO_FULL] < 0 ? 0 : psi[SAT_PSI_IO_FULL],
			      psi[SAT_PSI_MEM_SOME], psi[SAT_PSI_MEM_FULL] < 0 ? 0 : psi[SAT_PSI_MEM_FULL]);
	else
		n += snprintf(buf + n, sz - (size_t)n, "PSI: not available yet\n");
	if (n < (int)sz && rq)
		n += snprintf(buf + n, sz - (size_t)n, "run queue p50 %.0f us  p99 %.0f us  max %.0f us\n",
			      rq[SAT_RUNQ_P50_US], rq[SAT_RUNQ_P99_US], rq[SAT_RUNQ_MAX_US]);
	if (n < (int)sz)
		n += snprintf(buf + n, sz - (size_t)n, "D-state tasks %u  stuck ops %d\n",
			      s->dstate_total, s->ninflight);
	engine_unlock(p->eng);
	return n < (int)sz ? (size_t)n : sz - 1;
}

#define APPEND(...) (n += n < sz ? (size_t)snprintf(buf + n, sz - n, __VA_ARGS__) : 0)

/* The worker's state: its status and message, and the headline streaming. */
static int ai_status(void *ctx, char *buf, size_t sz)
{
	struct tui_providers *p = ctx;
	struct ai_view v;
	size_t n = 0;

	ai_worker_view(p->ai, &v);
	APPEND("%s%s%s", ai_status_name(v.status), v.message[0] ? ": " : "", v.message);
	if (v.next_check_s >= 0)
		APPEND(" (next check in %.0fs)", v.next_check_s);
	APPEND("; %llu request(s), %llu failed; model %s, %s", (unsigned long long)v.requests,
	       (unsigned long long)v.failures, v.model, v.format);
	if (v.partial_headline[0])
		APPEND("\nstreaming: %s", v.partial_headline);
	return v.status == AI_ST_ERROR || v.status == AI_ST_PAUSED ? -1 : 1;
}

/* The dashboard's line: the latest answer, its age and the status. */
static int ai_summary(void *ctx, char *buf, size_t sz)
{
	struct tui_providers *p = ctx;
	struct ai_record *r = malloc(sizeof(*r));
	struct ai_view v;
	int rc = 1;
	size_t n = 0;

	ai_worker_view(p->ai, &v);
	if (!r || !ai_store_list(p->ai_store, r, 1)) {
		if (p->ai_recorded)
			APPEND("no recorded answer yet");
		else
			APPEND("%s%s%s", ai_status_name(v.status), v.message[0] ? ": " : "", v.message);
		rc = !p->ai_recorded && (v.status == AI_ST_ERROR || v.status == AI_ST_PAUSED) ? -1 : 1;
	} else if (p->ai_recorded) {
		APPEND("[%s] %s  (recorded at t+%.0fs)", ai_severity_name(r->answer.severity),
		       r->answer.headline, r->ts);
	} else {
		APPEND("[%s] %s  (%.0fs ago, %s)", ai_severity_name(r->answer.severity),
		       r->answer.headline, engine_ts(p->eng, engine_now_ns()) - r->ts,
		       ai_status_name(v.status));
	}
	free(r);
	return rc;
}

static void ai_ask(void *ctx)
{
	ai_worker_ask_now(((struct tui_providers *)ctx)->ai);
}

void tui_providers_install(struct tui_env *env, struct tui_providers *p)
{
	env->prov_ctx = p;
	env->stack_frames = stack_frames;
	env->folded_stacks = folded_stacks;
	env->hot_functions = p->pmu_on ? hot_functions : NULL;
	env->stuck_ops = stuck_ops;
	env->dev_stats = dev_stats;
	env->saturation = saturation;
	env->ai_summary = p->ai_store ? ai_summary : NULL;
	env->ai_store = p->ai_store;
	env->ai_recorded = p->ai_recorded;
	env->ai_status = p->ai ? ai_status : NULL;
	env->ai_ask = p->ai ? ai_ask : NULL;
}
