/*
 * The generic evaluator: for every rule of the table, every candidate of
 * its input updates a (rule, subject) state machine:
 *
 *   over  = value >= warn          over_n / under_n   count consecutive seconds
 *   crit  = value >= crit          crit_n / calm_n    the same for the critical level
 *
 *   closed --over_n >= fire_after--> open (critical if crit_n >= fire_after)
 *   open   --crit_n >= fire_after--> critical      --calm_n >= clear_after--> warning
 *   open   --under_n >= clear_after--> cleared (into the history)
 *
 * A subject whose candidate is missing this second (the device went idle,
 * the process stopped syncing, the gate is not met) counts as under.
 */
#include "findings.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine.h"
#include "frame.h"

#define FINDINGS_MAX_STATES 256
#define FINDINGS_DEFAULT_HISTORY 64
#define FINDINGS_MAX_CHANGES 64

struct fstate {
	bool used;
	uint16_t rule;
	struct finding_subject subj;
	uint32_t seen;            /* evaluation that last saw a candidate */
	uint32_t over_n, under_n, crit_n, calm_n;
	int64_t over_since;
	int open;                 /* index into open[], -1 */
};

struct findings {
	pthread_mutex_t lock;     /* lifecycle, history, OOM ring, stats */
	const struct findings_rule *rules;
	size_t nrules;
	findings_change_fn on_change;
	void *change_ctx;
	struct fstate st[FINDINGS_MAX_STATES];
	struct finding open[FINDINGS_MAX_OPEN];
	bool open_used[FINDINGS_MAX_OPEN];
	struct finding *hist;     /* ring of cleared findings */
	size_t hist_cap, hist_head, hist_len;
	uint64_t next_id;
	uint32_t gen;
	struct frame_ctx ctx;     /* the frame's memory between seconds */
	struct findings_frame *fr;
	struct finding changes[FINDINGS_MAX_CHANGES];
	int nchanges;
	struct findings_stats stats;
};

const char *findings_severity_name(enum finding_severity s)
{
	return s == FINDING_CRITICAL ? "critical" : s == FINDING_WARNING ? "warning" : "none";
}

void findings_evidence_id(const struct finding_evidence *v, char *dst, size_t dstsz)
{
	static const char *const prefix[FEV_NKINDS] = {
		[FEV_DEVICE] = "dev:", [FEV_FILE] = "file:", [FEV_CGROUP] = "cg:",
		[FEV_COUNTER] = "counter:",
	};

	if (v->kind == FEV_PROCESS)
		snprintf(dst, dstsz, "pid:%u", v->pid);
	else if (v->kind == FEV_STACK)
		snprintf(dst, dstsz, "stk#%u", v->stack_id);
	else
		snprintf(dst, dstsz, "%s%s", (unsigned)v->kind < FEV_NKINDS && prefix[v->kind]
					   ? prefix[v->kind] : "counter:", v->name);
}

const char *findings_state_name(enum finding_state s)
{
	return s == FINDING_OPEN ? "open" : s == FINDING_ONGOING ? "ongoing" : "cleared";
}

struct findings *findings_new(const struct findings_config *cfg)
{
	struct findings *f = calloc(1, sizeof(*f));

	if (!f)
		goto fail;
	f->rules = cfg->rules ? cfg->rules : findings_rules(&f->nrules);
	if (cfg->rules)
		f->nrules = cfg->nrules;
	f->hist_cap = cfg->history_cap ? cfg->history_cap : FINDINGS_DEFAULT_HISTORY;
	f->hist = calloc(f->hist_cap, sizeof(*f->hist));
	f->fr = malloc(sizeof(*f->fr));
	if (!f->hist || !f->fr)
		goto fail;
	/* Touch both now, so their page faults belong to start-up and not to
	 * the first evaluation under the engine lock (explicit_bzero, because
	 * a plain memset after malloc may be folded into a lazy calloc). */
	explicit_bzero(f->fr, sizeof(*f->fr));
	explicit_bzero(f->st, sizeof(f->st));
	explicit_bzero(f->open, sizeof(f->open));
	explicit_bzero(f->changes, sizeof(f->changes));
	f->on_change = cfg->on_change;
	f->change_ctx = cfg->change_ctx;
	f->ctx.lost = cfg->lost;
	f->ctx.lost_ctx = cfg->lost_ctx;
	f->ctx.prev_lost_sec = -1;
	f->next_id = 1;
	pthread_mutex_init(&f->lock, NULL);
	return f;
fail:
	if (f) {
		free(f->hist);
		free(f->fr);
		free(f);
	}
	errno = ENOMEM;
	return NULL;
}

void findings_free(struct findings *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f->hist);
	free(f->fr);
	free(f);
}

void findings_note_oom(struct findings *f, const struct findings_oom *v)
{
	pthread_mutex_lock(&f->lock);
	f->ctx.oom[f->ctx.noom % FRAME_OOM_RING] = *v;
	f->ctx.noom++;
	pthread_mutex_unlock(&f->lock);
}

void findings_tap(void *ctx, const struct pl_event *ev)
{
	struct findings_oom v = { 0 };

	if (ev->type != PL_EV_OOM)
		return;
	v.pid = ev->pid;
	v.ts_ns = ev->ts_ns;
	v.cgroup_id = ev->cgroup_id;
	memcpy(v.comm, ev->comm, sizeof(v.comm));
	findings_note_oom(ctx, &v);
}

/* ------------------------------------------------------------- lifecycle */

static bool subject_eq(const struct finding_subject *a, const struct finding_subject *b)
{
	if (a->scope != b->scope)
		return false;
	if (a->scope == FSCOPE_PROCESS)
		return a->pid == b->pid && a->start_ns == b->start_ns;
	return a->scope == FSCOPE_SYSTEM || !strcmp(a->name, b->name);
}

static struct fstate *state_get(struct findings *f, size_t rule, const struct finding_subject *s)
{
	struct fstate *free_slot = NULL;

	for (size_t i = 0; i < FINDINGS_MAX_STATES; i++) {
		struct fstate *st = &f->st[i];

		if (!st->used) {
			free_slot = free_slot ? free_slot : st;
			continue;
		}
		if (st->rule == rule && subject_eq(&st->subj, s))
			return st;
	}
	if (!free_slot) {
		f->stats.states_full++;
		return NULL;
	}
	*free_slot = (struct fstate){ .used = true, .rule = (uint16_t)rule, .subj = *s, .open = -1 };
	return free_slot;
}

static void note_change(struct findings *f, const struct finding *fd)
{
	if (f->nchanges < FINDINGS_MAX_CHANGES)
		f->changes[f->nchanges++] = *fd;
}

static void open_finding(struct findings *f, struct fstate *st, const struct frame_cand *c)
{
	const struct findings_rule *r = &f->rules[st->rule];
	struct finding *fd;
	int i;

	for (i = 0; i < FINDINGS_MAX_OPEN && f->open_used[i]; i++)
		;
	if (i == FINDINGS_MAX_OPEN)
		return; /* every slot busy: it opens once one clears */
	fd = &f->open[i];
	memset(fd, 0, sizeof(*fd));
	fd->id = f->next_id++;
	fd->rule = r;
	fd->state = FINDING_OPEN;
	fd->severity = st->crit_n >= r->fire_after_s ? FINDING_CRITICAL : FINDING_WARNING;
	fd->peak_severity = fd->severity;
	fd->subject = c->subj;
	fd->start_sec = st->over_since;
	fd->open_sec = fd->last_sec = f->fr->sec;
	fd->end_sec = -1;
	fd->value = fd->peak = c->value;
	f->open_used[i] = true;
	st->open = i;
	f->stats.opened++;
}

static void keep_evidence(struct finding *fd, const struct frame_cand *c)
{
	unsigned want = fd->rule->evidence;

	fd->nev = 0;
	for (int i = 0; i < c->nev; i++)
		if (want & FEV_BIT(c->ev[i].kind))
			fd->ev[fd->nev++] = c->ev[i];
}

/* The history is a ring: hist_head is the oldest, so the newest is at
 * hist_head + hist_len - 1. */
static void history_push(struct findings *f, const struct finding *fd)
{
	if (f->hist_len == f->hist_cap) {
		f->hist[f->hist_head] = *fd;
		f->hist_head = (f->hist_head + 1) % f->hist_cap;
		f->stats.history_dropped++;
		return;
	}
	f->hist[(f->hist_head + f->hist_len++) % f->hist_cap] = *fd;
}

static void clear_finding(struct findings *f, struct fstate *st)
{
	struct finding *fd = &f->open[st->open];

	fd->state = FINDING_CLEARED;
	fd->end_sec = fd->last_sec = f->fr->sec;
	note_change(f, fd);
	history_push(f, fd);
	f->open_used[st->open] = false;
	st->open = -1;
	f->stats.cleared++;
}

/* Severity follows crit_n/calm_n with the rule's hysteresis. */
static void update_severity(struct findings *f, struct fstate *st, struct finding *fd)
{
	const struct findings_rule *r = fd->rule;
	enum finding_severity want = fd->severity;

	if (fd->severity == FINDING_WARNING && st->crit_n >= r->fire_after_s)
		want = FINDING_CRITICAL;
	else if (fd->severity == FINDING_CRITICAL && st->calm_n >= r->clear_after_s)
		want = FINDING_WARNING;
	if (want == fd->severity)
		return;
	fd->severity = want;
	if (want > fd->peak_severity)
		fd->peak_severity = want;
	fd->state = FINDING_ONGOING;
	note_change(f, fd);
}

static void step(struct findings *f, struct fstate *st, const struct frame_cand *c)
{
	const struct findings_rule *r = &f->rules[st->rule];
	double v = c ? c->value : 0;
	bool over = c && v >= r->warn, crit = c && v >= r->crit;

	if (over && !st->over_n)
		st->over_since = f->fr->sec;
	st->over_n = over ? st->over_n + 1 : 0;
	st->under_n = over ? 0 : st->under_n + 1;
	st->crit_n = crit ? st->crit_n + 1 : 0;
	st->calm_n = crit ? 0 : st->calm_n + 1;
	if (st->open < 0 && over && st->over_n >= r->fire_after_s) {
		open_finding(f, st, c);
		if (st->open < 0)
			return;
		keep_evidence(&f->open[st->open], c);
		note_change(f, &f->open[st->open]);
		return;
	}
	if (st->open < 0)
		return;
	struct finding *fd = &f->open[st->open];

	fd->value = v;
	fd->last_sec = f->fr->sec;
	if (v > fd->peak)
		fd->peak = v;
	if (over)
		keep_evidence(fd, c);
	if (st->under_n >= r->clear_after_s) {
		clear_finding(f, st);
		return;
	}
	update_severity(f, st, fd);
}

static bool cand_applies(const struct findings_rule *r, const struct frame_cand *c)
{
	if (r->filter == FFILT_ROTATIONAL && c->rotational == 0)
		return false;
	/* Unknown counts as rotational: the lenient thresholds, no false alarm. */
	if (r->filter == FFILT_NONROTATIONAL && c->rotational != 0)
		return false;
	return c->support >= r->min_support;
}

static void eval_rule(struct findings *f, size_t ri)
{
	const struct findings_rule *r = &f->rules[ri];
	const struct findings_frame *fr = f->fr;

	for (int i = fr->first[r->input]; i < fr->first[r->input] + fr->count[r->input]; i++) {
		const struct frame_cand *c = &fr->cand[i];
		struct fstate *st;

		if (!cand_applies(r, c))
			continue;
		st = state_get(f, ri, &c->subj);
		if (!st || st->seen == f->gen)
			continue; /* one candidate per subject and second */
		st->seen = f->gen;
		step(f, st, c);
	}
}

/* Subjects without a candidate this second count as under; idle ones go. */
static void age_unseen(struct findings *f)
{
	for (size_t i = 0; i < FINDINGS_MAX_STATES; i++) {
		struct fstate *st = &f->st[i];

		if (!st->used || st->seen == f->gen)
			continue;
		step(f, st, NULL);
		if (st->open < 0 && !st->over_n)
			st->used = false;
	}
}

static void evaluate(struct findings *f)
{
	if (++f->gen == 0)
		f->gen = 1;
	f->nchanges = 0;
	for (size_t ri = 0; ri < f->nrules; ri++)
		if ((unsigned)f->rules[ri].input < FIN_COUNT)
			eval_rule(f, ri);
	age_unseen(f);
}

void findings_tick(struct findings *f, struct engine *e, int64_t sec)
{
	uint64_t t0 = engine_now_ns(), t1;
	struct frame_ctx ctx;

	/* The frame context (OOM ring, loss baseline) is copied out under our
	 * lock and back after, so the engine lock is never taken inside ours. */
	pthread_mutex_lock(&f->lock);
	ctx = f->ctx;
	pthread_mutex_unlock(&f->lock);
	engine_lock(e);
	t1 = engine_now_ns();
	frame_build(f->fr, e, sec, &ctx);
	t1 = engine_now_ns() - t1;
	engine_unlock(e);

	pthread_mutex_lock(&f->lock);
	f->ctx.prev_lost = ctx.prev_lost;
	f->ctx.prev_lost_sec = ctx.prev_lost_sec;
	evaluate(f);
	f->stats.evaluations++;
	f->stats.last_locked_ns = t1;
	f->stats.last_scanned = f->fr->scanned;
	f->stats.candidates_left_out += f->fr->left_out;
	f->stats.last_eval_ns = engine_now_ns() - t0;
	if (f->stats.last_eval_ns > f->stats.max_eval_ns)
		f->stats.max_eval_ns = f->stats.last_eval_ns;
	pthread_mutex_unlock(&f->lock);
	/* Only this thread writes changes[], so it is read without the lock. */
	for (int i = 0; i < f->nchanges && f->on_change; i++)
		f->on_change(f->change_ctx, &f->changes[i]);
}

/* ------------------------------------------------------- replayed findings */

static int open_slot_of(struct findings *f, uint64_t id)
{
	for (int i = 0; i < FINDINGS_MAX_OPEN; i++)
		if (f->open_used[i] && f->open[i].id == id)
			return i;
	return -1;
}

void findings_reset(struct findings *f)
{
	pthread_mutex_lock(&f->lock);
	memset(f->st, 0, sizeof(f->st));
	memset(f->open, 0, sizeof(f->open));
	memset(f->open_used, 0, sizeof(f->open_used));
	f->hist_head = f->hist_len = 0;
	f->nchanges = 0;
	f->next_id = 1;
	memset(&f->stats, 0, sizeof(f->stats));
	f->gen++;
	pthread_mutex_unlock(&f->lock);
}

int findings_apply(struct findings *f, const struct finding *fd)
{
	int i, err = 0;

	if (!fd->rule)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	i = open_slot_of(f, fd->id);
	if (fd->state == FINDING_CLEARED) {
		if (i >= 0)
			f->open_used[i] = false;
		history_push(f, fd);
		f->stats.cleared++;
	} else if (i >= 0) {
		f->open[i] = *fd;
	} else {
		for (i = 0; i < FINDINGS_MAX_OPEN && f->open_used[i]; i++)
			;
		if (i == FINDINGS_MAX_OPEN) {
			f->stats.replay_dropped++;
			err = -ENOSPC;
		} else {
			f->open[i] = *fd;
			f->open_used[i] = true;
			f->stats.opened++;
		}
	}
	if (fd->id >= f->next_id)
		f->next_id = fd->id + 1;
	pthread_mutex_unlock(&f->lock);
	return err;
}

/* ---------------------------------------------------------------- readers */

size_t findings_list(struct findings *f, struct finding *out, size_t max, bool with_history)
{
	size_t n = 0;

	pthread_mutex_lock(&f->lock);
	/* Open ones oldest first: ids grow with opening order. */
	for (uint64_t id = 0, next; n < max; id = next) {
		int best = -1;

		next = UINT64_MAX;
		for (int i = 0; i < FINDINGS_MAX_OPEN; i++)
			if (f->open_used[i] && f->open[i].id > id && f->open[i].id < next) {
				next = f->open[i].id;
				best = i;
			}
		if (best < 0)
			break;
		out[n++] = f->open[best];
	}
	for (size_t k = 0; with_history && k < f->hist_len && n < max; k++)
		out[n++] = f->hist[(f->hist_head + f->hist_len - 1 - k) % f->hist_cap];
	pthread_mutex_unlock(&f->lock);
	return n;
}

size_t findings_open_count(struct findings *f)
{
	size_t n = 0;

	pthread_mutex_lock(&f->lock);
	for (int i = 0; i < FINDINGS_MAX_OPEN; i++)
		n += f->open_used[i];
	pthread_mutex_unlock(&f->lock);
	return n;
}

void findings_stats(struct findings *f, struct findings_stats *out)
{
	pthread_mutex_lock(&f->lock);
	*out = f->stats;
	pthread_mutex_unlock(&f->lock);
}

/* A finding is worse than another: severity first, then how far over its
 * warning threshold it is. */
static bool worse(const struct finding *a, const struct finding *b)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	return a->value / (a->rule->warn ? a->rule->warn : 1) >
	       b->value / (b->rule->warn ? b->rule->warn : 1);
}

static void sort_reasons(struct findings_health *h)
{
	for (int i = 1; i < h->nreasons; i++)
		for (int j = i; j > 0 && h->reasons[j].points > h->reasons[j - 1].points; j--) {
			struct findings_health_reason t = h->reasons[j];

			h->reasons[j] = h->reasons[j - 1];
			h->reasons[j - 1] = t;
		}
}

void findings_health(struct findings *f, struct findings_health *out)
{
	const struct findings_health_model *m = findings_health_model();
	const struct finding *worst[FCAT_COUNT] = { 0 };
	double score = 100;

	memset(out, 0, sizeof(*out));
	out->data_complete = true;
	pthread_mutex_lock(&f->lock);
	for (int i = 0; i < FINDINGS_MAX_OPEN; i++) {
		const struct finding *fd = &f->open[i];
		enum findings_category cat;

		if (!f->open_used[i])
			continue;
		out->nopen++;
		cat = fd->rule->category;
		if (!worst[cat] || worse(fd, worst[cat]))
			worst[cat] = fd;
	}
	for (int c = 0; c < FCAT_COUNT; c++) {
		const struct finding *fd = worst[c];
		struct findings_health_reason *r;
		double pts;

		if (!fd)
			continue;
		if (c == FCAT_MONITOR) {
			out->data_complete = false;
			out->caveat = fd->rule;
		}
		pts = m->weight[c] * (fd->severity == FINDING_CRITICAL ? m->crit_factor : m->warn_factor);
		if (pts <= 0)
			continue;
		score -= pts;
		r = &out->reasons[out->nreasons++];
		*r = (struct findings_health_reason){ .category = c, .points = pts,
			.finding_id = fd->id, .rule = fd->rule, .severity = fd->severity,
			.subject = fd->subject, .value = fd->value };
	}
	pthread_mutex_unlock(&f->lock);
	sort_reasons(out);
	if (out->nreasons > m->max_reasons)
		out->nreasons = m->max_reasons;
	out->score = score < 0 ? 0 : (int)(score + 0.5);
}

/* ---------------------------------------------------------- recommendations */

static bool safe_dev(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* The value for {pid} or {dev}: the subject first, then the first evidence. */
static bool placeholder(const struct finding *fd, bool pid, char *out, size_t outsz)
{
	const struct finding_subject *s = &fd->subject;

	if (pid && s->scope == FSCOPE_PROCESS && s->pid) {
		snprintf(out, outsz, "%u", s->pid);
		return true;
	}
	if (!pid && s->scope == FSCOPE_DEVICE && safe_dev(s->name)) {
		snprintf(out, outsz, "%s", s->name);
		return true;
	}
	for (int i = 0; i < fd->nev; i++) {
		const struct finding_evidence *v = &fd->ev[i];

		if (pid && v->kind == FEV_PROCESS && v->pid) {
			snprintf(out, outsz, "%u", v->pid);
			return true;
		}
		if (!pid && v->kind == FEV_DEVICE && safe_dev(v->name)) {
			snprintf(out, outsz, "%s", v->name);
			return true;
		}
	}
	return false;
}

void findings_rec_command(const struct finding *fd, const struct findings_rec *rec, char *dst,
			  size_t dstsz)
{
	char pid[16], dev[40];
	bool have_pid = placeholder(fd, true, pid, sizeof(pid));
	bool have_dev = placeholder(fd, false, dev, sizeof(dev));
	size_t n = 0;

	for (const char *p = rec->command; *p && n + 1 < dstsz; ) {
		const char *fill = NULL;
		size_t skip = 1;

		if (have_pid && !strncmp(p, "{pid}", 5))
			fill = pid, skip = 5;
		else if (have_dev && !strncmp(p, "{dev}", 5))
			fill = dev, skip = 5;
		if (fill)
			n += snprintf(dst + n, dstsz - n, "%s", fill);
		else
			dst[n++] = *p;
		if (n >= dstsz)
			n = dstsz - 1;
		p += skip;
	}
	dst[n < dstsz ? n : dstsz - 1] = '\0';
}
