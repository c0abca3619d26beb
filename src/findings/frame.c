/*
 * Rule inputs, one extractor per input (enum findings_input), all read
 * under the engine lock and bounded:
 *   - rates come from the timeline's last complete second (sec - 1), which
 *     counts every event;
 *   - attribution (which process, device, file, stack, parent) comes from a
 *     scan of the newest events (seconds sec - 1 and sec, at most
 *     FRAME_SCAN_MAX), so shares are exact below that and a sample above;
 *   - saturation inputs are the sampler's sample for sec itself (absent,
 *     so "under", when that sample is missing).
 */
#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "../engine.h"
#include "../util/devname.h"

enum agg_cat {
	AGG_SLOW_PID, AGG_SLOW_DEV, AGG_SLOW_FILE, AGG_SLOW_STACK,
	AGG_SYNC_PID, AGG_SYNC_FILE, AGG_SYNC_STACK,
	AGG_FORK_PARENT, AGG_EXEC_PARENT, AGG_DEV_PID,
	AGG_NCAT,
};

#define TOPK 3
#define SCAN_MAX_DEVS 16

/* The top entries of each category, and per-device top process. */
struct scan_tops {
	const struct frame_agg *top[AGG_NCAT][TOPK];
	uint64_t total_ns[AGG_NCAT], total_count[AGG_NCAT];
	const struct frame_agg *dev_pid[SCAN_MAX_DEVS];
};

struct scan {
	struct findings_frame *fr;
	struct engine *e;
	char devs[SCAN_MAX_DEVS][32];   /* device names seen, index = key */
	uint32_t dev_num[SCAN_MAX_DEVS]; /* kernel dev_t behind each, 0 for names */
	int ndevs;
	struct scan_tops t;
};

struct build {
	struct findings_frame *fr;
	struct engine *e;
	struct frame_ctx *ctx;
	int64_t sec;
	const struct tl_second *last;   /* timeline second sec - 1, or NULL */
	bool sat_fresh;                 /* the sampler's sample for sec is in */
	struct scan sc;
};

/* ---------------------------------------------------------------- helpers */

static void copy_name(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	/* Keep the tail of long paths: the file name matters most. */
	if (n >= dstsz) {
		src += n - (dstsz - 1);
		n = dstsz - 1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static struct frame_cand *cand_new(struct findings_frame *fr, enum findings_scope scope)
{
	struct frame_cand *c;

	if (fr->ncand >= FRAME_MAX_CAND) {
		fr->left_out++;
		return NULL;
	}
	c = &fr->cand[fr->ncand++];
	memset(&c->subj, 0, sizeof(c->subj));
	c->subj.scope = scope;
	c->rotational = -1;
	c->value = c->support = 0;
	c->nev = 0;
	return c;
}

static struct finding_evidence *ev_new(struct frame_cand *c, enum finding_ev_kind kind,
				       double value, const char *unit, const char *what)
{
	struct finding_evidence *v;

	if (c->nev >= FINDING_MAX_EVIDENCE)
		return NULL;
	v = &c->ev[c->nev++];
	memset(v, 0, sizeof(*v) - sizeof(v->name));
	v->name[0] = '\0';
	v->kind = kind;
	v->value = value;
	v->unit = unit;
	v->what = what;
	return v;
}

static void ev_counter(struct frame_cand *c, const char *name, double value, const char *unit,
		       const char *what)
{
	struct finding_evidence *v = ev_new(c, FEV_COUNTER, value, unit, what);

	if (v)
		copy_name(v->name, sizeof(v->name), name);
}

/* A process, completed from the process tree (start time, parent, name). */
static struct finding_evidence *ev_process(struct build *b, struct frame_cand *c, uint32_t pid,
					   const char *comm, double value, const char *unit,
					   const char *what)
{
	struct finding_evidence *v = ev_new(c, FEV_PROCESS, value, unit, what);
	const struct proc_node *n = proctree_find(b->e->pt, pid);

	if (!v)
		return NULL;
	v->pid = pid;
	copy_name(v->name, sizeof(v->name), comm ? comm : "");
	if (n) {
		v->start_ns = n->start_ns;
		v->ppid = n->ppid;
		if (n->comm[0])
			copy_name(v->name, sizeof(v->name), n->comm);
	}
	return v;
}

static void subject_process(struct frame_cand *c, const struct finding_evidence *v)
{
	c->subj.pid = v->pid;
	c->subj.start_ns = v->start_ns;
	copy_name(c->subj.name, sizeof(c->subj.name), v->name);
}

static void ev_named(struct frame_cand *c, enum finding_ev_kind kind, const char *name,
		     double value, const char *unit, const char *what)
{
	struct finding_evidence *v = ev_new(c, kind, value, unit, what);

	if (v)
		copy_name(v->name, sizeof(v->name), name);
}

/* ------------------------------------------------------- newest-events scan */

static void agg_add(struct findings_frame *fr, enum agg_cat cat, uint64_t key, uint64_t ns,
		    const struct pl_event *ev)
{
	uint64_t h = (key * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)cat * 0xc2b2ae3d27d4eb4full);
	size_t mask = FRAME_AGG_SLOTS - 1;

	for (size_t i = h >> 40 & mask, n = 0; n < 64; i = (i + 1) & mask, n++) {
		struct frame_agg *a = &fr->agg[i];

		if (a->gen != fr->gen) {
			*a = (struct frame_agg){ .gen = fr->gen, .cat = cat, .key = key, .ex = ev };
		} else if (a->cat != cat || a->key != key) {
			continue;
		}
		a->count++;
		a->ns += ns;
		return;
	}
	/* A crowded table: the entry is left out, the shares of the rest stay valid. */
}

/* Whole-disk name for a partition ("vda1" -> "vda") when the sampler knows
 * the disk, so events and device rules name the same device. */
static void disk_of(const struct satstore *sat, const char *part, char *out, size_t outsz)
{
	size_t best = 0;

	snprintf(out, outsz, "%s", part);
	for (int i = 0; i < sat->ndevs; i++) {
		size_t n = strlen(sat->devs[i].name);

		if (n > best && !strncmp(part, sat->devs[i].name, n)) {
			best = n;
			snprintf(out, outsz, "%s", sat->devs[i].name);
		}
	}
}

static int dev_index_named(struct scan *sc, const char *name, uint32_t num)
{
	char disk[32];

	for (int i = 0; i < sc->ndevs; i++)
		if ((num && sc->dev_num[i] == num) || (!num && !strcmp(sc->devs[i], name)))
			return i;
	if (sc->ndevs >= SCAN_MAX_DEVS)
		return -1;
	disk_of(sc->e->sat, name, disk, sizeof(disk));
	for (int i = 0; i < sc->ndevs; i++)
		if (!strcmp(sc->devs[i], disk) && !sc->dev_num[i] && !num)
			return i;
	snprintf(sc->devs[sc->ndevs], sizeof(sc->devs[0]), "%s", disk);
	sc->dev_num[sc->ndevs] = num;
	return sc->ndevs++;
}

/* The device an I/O syscall reached: the file's filesystem device, or the
 * node itself for /dev/X; -1 for virtual filesystems (major 0). */
static int dev_index_io(struct scan *sc, const struct pl_event *ev)
{
	char name[32];
	const char *slash;

	if (ev->kind == PL_KIND_BLOCKDEV) {
		slash = strrchr(ev->u.io.file, '/');
		if (!slash || !slash[1])
			return -1;
		snprintf(name, sizeof(name), "%s", slash + 1);
		return dev_index_named(sc, name, 0);
	}
	if ((ev->u.io.dev >> 20) == 0)
		return -1;
	for (int i = 0; i < sc->ndevs; i++)
		if (sc->dev_num[i] == ev->u.io.dev)
			return i;
	devname_lookup(ev->u.io.dev, name, sizeof(name));
	return dev_index_named(sc, name, ev->u.io.dev);
}

static uint64_t stack_key(const struct pl_io_info *io)
{
	/* Where it waited says more than where it was called from. */
	return io->wstack_id ? (1ull << 32) | io->wstack_id : io->ustack_id;
}

static void scan_io(struct scan *sc, const struct pl_event *ev)
{
	struct findings_frame *fr = sc->fr;
	const struct pl_io_info *io = &ev->u.io;
	uint64_t fkey = hash_str(io->file);
	int dev;

	if (!pl_kind_is_storage(ev->kind))
		return;
	if (ev->type == PL_EV_SYNC) {
		agg_add(fr, AGG_SYNC_PID, ev->pid, io->lat_ns, ev);
		agg_add(fr, AGG_SYNC_FILE, fkey, io->lat_ns, ev);
		if (stack_key(io))
			agg_add(fr, AGG_SYNC_STACK, stack_key(io), io->lat_ns, ev);
	}
	if (io->lat_ns < FRAME_SLOW_NS)
		return;
	agg_add(fr, AGG_SLOW_PID, ev->pid, io->lat_ns, ev);
	agg_add(fr, AGG_SLOW_FILE, fkey, io->lat_ns, ev);
	if (stack_key(io))
		agg_add(fr, AGG_SLOW_STACK, stack_key(io), io->lat_ns, ev);
	dev = dev_index_io(sc, ev);
	if (dev < 0)
		return;
	agg_add(fr, AGG_SLOW_DEV, (uint64_t)dev, io->lat_ns, ev);
	agg_add(fr, AGG_DEV_PID, (uint64_t)dev << 32 | ev->pid, io->lat_ns, ev);
}

static void scan_event(struct scan *sc, const struct pl_event *ev)
{
	int dev;

	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		scan_io(sc, ev);
		break;
	case PL_EV_BLOCK:
		dev = dev_index_named(sc, ev->u.blk.devname, 0);
		if (dev >= 0 && ev->pid)
			agg_add(sc->fr, AGG_DEV_PID, (uint64_t)dev << 32 | ev->pid, ev->u.blk.lat_ns, ev);
		break;
	case PL_EV_FORK:
		agg_add(sc->fr, AGG_FORK_PARENT, ev->pid, 1, ev);
		break;
	case PL_EV_EXEC:
		if (ev->u.exec.ppid)
			agg_add(sc->fr, AGG_EXEC_PARENT, ev->u.exec.ppid, 1, ev);
		break;
	}
}

static void tops_insert(const struct frame_agg **top, const struct frame_agg *a)
{
	for (int i = 0; i < TOPK; i++) {
		if (!top[i] || a->ns > top[i]->ns) {
			memmove(&top[i + 1], &top[i], (TOPK - 1 - i) * sizeof(top[0]));
			top[i] = a;
			return;
		}
	}
}

static void scan_tops(struct scan *sc)
{
	struct scan_tops *t = &sc->t;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < FRAME_AGG_SLOTS; i++) {
		const struct frame_agg *a = &sc->fr->agg[i];
		uint32_t d;

		if (a->gen != sc->fr->gen)
			continue;
		t->total_ns[a->cat] += a->ns;
		t->total_count[a->cat] += a->count;
		tops_insert(t->top[a->cat], a);
		if (a->cat != AGG_DEV_PID)
			continue;
		d = (uint32_t)(a->key >> 32);
		if (d < SCAN_MAX_DEVS && (!t->dev_pid[d] || a->ns > t->dev_pid[d]->ns))
			t->dev_pid[d] = a;
	}
}

/* Newest events of seconds sec - 1 and sec.  The log is in arrival order,
 * close to time order; one event a second older than the window ends it. */
static void scan_newest(struct build *b)
{
	struct findings_frame *fr = b->fr;
	const struct eventlog *log = b->e->log;
	size_t n = eventlog_count(log);

	b->sc = (struct scan){ .fr = fr, .e = b->e };
	if (++fr->gen == 0)
		fr->gen = 1; /* 0 marks an empty slot */
	fr->scanned = 0;
	for (size_t i = 0; i < n && fr->scanned < FRAME_SCAN_MAX; i++) {
		const struct pl_event *ev = eventlog_get(log, i);
		int64_t s = engine_sec(b->e, ev->ts_ns);

		fr->scanned++;
		if (s < b->sec - 2)
			break;
		if (s >= b->sec - 1)
			scan_event(&b->sc, ev);
	}
	scan_tops(&b->sc);
}

/* scale x a's part of its category (by time or by count).  Multiplying
 * first keeps round figures exact: 100 x 950 ms / 1000 ms is 95. */
static double portion(const struct scan *sc, enum agg_cat cat, const struct frame_agg *a,
		      bool by_ns, double scale)
{
	uint64_t tot = by_ns ? sc->t.total_ns[cat] : sc->t.total_count[cat];

	return tot ? scale * (double)(by_ns ? a->ns : a->count) / (double)tot : 0;
}

/* ------------------------------------------------------------- extractors */

static uint64_t hist_count_from(const struct hist *h, uint64_t floor_ns)
{
	uint64_t n = 0;

	for (size_t i = hist_bucket(floor_ns); i < HIST_BUCKETS; i++)
		n += h->b[i];
	return n;
}

static double slow_storage_rate(const struct build *b)
{
	uint64_t n = 0;

	if (!b->last)
		return 0;
	for (unsigned t = PL_EV_READ; t <= PL_EV_SYNC; t++) {
		n += hist_count_from(&tl_second_cell(b->last, t, PL_KIND_FILE)->h, FRAME_SLOW_NS);
		n += hist_count_from(&tl_second_cell(b->last, t, PL_KIND_BLOCKDEV)->h, FRAME_SLOW_NS);
	}
	return (double)n;
}

static void ev_top_file(struct frame_cand *c, const struct frame_agg *a,
			double value, const char *unit, const char *what)
{
	if (a && a->ex)
		ev_named(c, FEV_FILE, a->ex->u.io.file, value, unit, what);
}

static void ev_top_stack(struct frame_cand *c, const struct frame_agg *a, double value,
			 const char *unit)
{
	struct finding_evidence *v;

	if (!a || !(uint32_t)a->key)
		return;
	v = ev_new(c, FEV_STACK, value, unit, a->key >> 32 ? "waited here" : "called from here");
	if (v)
		v->stack_id = (uint32_t)a->key;
}

static void ex_slow_storage(struct build *b)
{
	const struct scan *sc = &b->sc;
	struct frame_cand *c = cand_new(b->fr, FSCOPE_SYSTEM);
	const struct frame_agg *a;
	double rate = slow_storage_rate(b);

	if (!c)
		return;
	c->value = c->support = rate;
	for (int i = 0; i < 2 && (a = sc->t.top[AGG_SLOW_PID][i]); i++)
		ev_process(b, c, (uint32_t)a->key, a->ex->comm, portion(sc, AGG_SLOW_PID, a, false, rate),
			   "ops/s", "slow storage ops");
	if ((a = sc->t.top[AGG_SLOW_DEV][0]))
		ev_named(c, FEV_DEVICE, sc->devs[a->key], portion(sc, AGG_SLOW_DEV, a, false, rate),
			 "ops/s", "slow storage ops");
	a = sc->t.top[AGG_SLOW_FILE][0];
	ev_top_file(c, a, a ? portion(sc, AGG_SLOW_FILE, a, false, rate) : 0, "ops/s",
		    "slow storage ops");
	a = sc->t.top[AGG_SLOW_STACK][0];
	ev_top_stack(c, a, a ? portion(sc, AGG_SLOW_STACK, a, false, rate) : 0, "ops/s");
}

static void ex_device(struct build *b, enum findings_input in)
{
	const struct satstore *sat = b->e->sat;

	for (int i = 0; b->sat_fresh && i < sat->ndevs; i++) {
		const struct sat_dev *d = &sat->devs[i];
		struct frame_cand *c = cand_new(b->fr, FSCOPE_DEVICE);
		const struct frame_agg *a = NULL;

		if (!c)
			return;
		copy_name(c->subj.name, sizeof(c->subj.name), d->name);
		c->rotational = d->rotational;
		c->value = in == FIN_DEV_P99 ? d->p99_us / 1000.0 : in == FIN_DEV_UTIL ? d->util_pct
			 : d->qdepth;
		c->support = d->iops;
		ev_named(c, FEV_DEVICE, d->name, d->iops, "IOPS", d->rotational == 0 ? "SSD"
			 : d->rotational == 1 ? "rotational" : "rotational unknown");
		for (int j = 0; j < b->sc.ndevs && !a; j++)
			if (!strcmp(b->sc.devs[j], d->name))
				a = b->sc.t.dev_pid[j];
		if (a)
			ev_process(b, c, (uint32_t)a->key, a->ex->comm, a->ns / 1e6, "ms",
				   "slow I/O time on this device, newest events");
	}
}

static void ex_dev_p99(struct build *b) { ex_device(b, FIN_DEV_P99); }
static void ex_dev_util(struct build *b) { ex_device(b, FIN_DEV_UTIL); }
static void ex_dev_qdepth(struct build *b) { ex_device(b, FIN_DEV_QDEPTH); }

static void ex_stuck(struct build *b)
{
	const struct satstore *sat = b->e->sat;
	const struct sat_inflight *top[TOPK] = { 0 };
	struct frame_cand *c;

	if (!b->sat_fresh || !(c = cand_new(b->fr, FSCOPE_SYSTEM)))
		return;
	for (int i = 0; i < sat->ninflight; i++) {
		const struct sat_inflight *o = &sat->inflight[i];

		if (!pl_kind_is_storage(o->kind))
			continue;
		for (int k = 0; k < TOPK; k++) {
			if (!top[k] || o->age_ns > top[k]->age_ns) {
				memmove(&top[k + 1], &top[k], (TOPK - 1 - k) * sizeof(top[0]));
				top[k] = o;
				break;
			}
		}
	}
	c->value = top[0] ? top[0]->age_ns / 1e9 : 0;
	for (int k = 0; k < TOPK && top[k]; k++)
		ev_process(b, c, top[k]->pid, top[k]->comm, top[k]->age_ns / 1e9, "s",
			   pl_type_name(top[k]->type));
	if (top[0])
		ev_named(c, FEV_FILE, top[0]->file, c->value, "s", "oldest stuck op");
}

static void ex_dstate(struct build *b)
{
	const struct satstore *sat = b->e->sat;
	struct frame_cand *c;

	if (!b->sat_fresh || !(c = cand_new(b->fr, FSCOPE_SYSTEM)))
		return;
	c->value = sat->dstate_total;
	for (int i = 0; i < sat->ndstate && i < TOPK; i++)
		ev_process(b, c, sat->dstate[i].pid, sat->dstate[i].comm, sat->dstate[i].count,
			   "threads", "in D state");
}

static const double *sat_latest(const struct build *b, const struct series *s)
{
	int64_t t;
	const double *v = b->sat_fresh && s ? series_latest(s, &t) : NULL;

	return v && t == b->sec ? v : NULL;
}

static void ex_psi(struct build *b, int some, int full, int avg10)
{
	const double *v = b->e->sat->psi_available ? sat_latest(b, b->e->sat->psi) : NULL;
	struct frame_cand *c;

	if (!v || v[some] < 0 || !(c = cand_new(b->fr, FSCOPE_SYSTEM)))
		return;
	c->value = v[some];
	ev_counter(c, "some", v[some], "%", "of the last second");
	if (v[full] >= 0)
		ev_counter(c, "full", v[full], "%", "of the last second");
	ev_counter(c, "some_avg10", v[avg10], "%", "kernel's 10 s average");
}

static void ex_psi_io(struct build *b)
{
	const struct scan *sc = &b->sc;
	const struct frame_agg *a;
	struct frame_cand *c;
	int before = b->fr->ncand;

	ex_psi(b, SAT_PSI_IO_SOME, SAT_PSI_IO_FULL, SAT_PSI_IO_SOME10);
	if (b->fr->ncand == before)
		return;
	c = &b->fr->cand[before];
	if ((a = sc->t.top[AGG_SLOW_PID][0]))
		ev_process(b, c, (uint32_t)a->key, a->ex->comm, a->ns / 1e6, "ms",
			   "slow storage time, newest events");
	if ((a = sc->t.top[AGG_SLOW_DEV][0]))
		ev_named(c, FEV_DEVICE, sc->devs[a->key], a->ns / 1e6, "ms",
			 "slow storage time, newest events");
}

static void ex_psi_cpu(struct build *b)
{
	ex_psi(b, SAT_PSI_CPU_SOME, SAT_PSI_CPU_FULL, SAT_PSI_CPU_SOME10);
}

static void ex_psi_mem(struct build *b)
{
	ex_psi(b, SAT_PSI_MEM_SOME, SAT_PSI_MEM_FULL, SAT_PSI_MEM_SOME10);
}

static void ex_runq(struct build *b)
{
	const double *v = b->e->sat->runq_available ? sat_latest(b, b->e->sat->runq) : NULL;
	struct frame_cand *c;

	if (!v || !(c = cand_new(b->fr, FSCOPE_SYSTEM)))
		return;
	c->value = v[SAT_RUNQ_P99_US] / 1000.0;
	c->support = v[SAT_RUNQ_COUNT];
	ev_counter(c, "runq_p50", v[SAT_RUNQ_P50_US] / 1000.0, "ms", "wakeup to run");
	ev_counter(c, "runq_p99", c->value, "ms", "wakeup to run");
	ev_counter(c, "runq_max", v[SAT_RUNQ_MAX_US] / 1000.0, "ms", "wakeup to run");
	ev_counter(c, "wakeups", c->support, "wakeups", "measured in the second");
}

static void ex_spawn(struct build *b)
{
	const struct scan *sc = &b->sc;
	struct frame_cand *c = cand_new(b->fr, FSCOPE_SYSTEM);
	enum agg_cat cat = sc->t.top[AGG_FORK_PARENT][0] ? AGG_FORK_PARENT : AGG_EXEC_PARENT;
	double forks = b->last ? b->last->forks : 0, execs = b->last ? b->last->execs : 0;
	const struct frame_agg *a;

	if (!c)
		return;
	c->value = forks > execs ? forks : execs;
	for (int i = 0; i < 2 && (a = sc->t.top[cat][i]); i++)
		ev_process(b, c, (uint32_t)a->key, cat == AGG_FORK_PARENT ? a->ex->comm : NULL,
			   portion(sc, cat, a, false, c->value), "processes/s",
			   cat == AGG_FORK_PARENT ? "forked, as parent" : "exec'd children, as parent");
	ev_counter(c, "forks", forks, "/s", "in the last complete second");
	ev_counter(c, "execs", execs, "/s", "in the last complete second");
}

/* File or stack evidence from a category's top entry, if the process made it. */
static void ev_own(struct build *b, struct frame_cand *c, enum agg_cat cat, uint32_t pid,
		   enum finding_ev_kind kind)
{
	for (int i = 0; i < TOPK; i++) {
		const struct frame_agg *a = b->sc.t.top[cat][i];

		if (!a || a->ex->pid != pid)
			continue;
		if (kind == FEV_FILE)
			ev_top_file(c, a, a->ns / 1e6, "ms", "time in its slow ops on this file");
		else
			ev_top_stack(c, a, a->ns / 1e6, "ms");
		return;
	}
}

static void ex_slow_share(struct build *b)
{
	const struct scan *sc = &b->sc;
	const struct frame_agg *a = sc->t.top[AGG_SLOW_PID][0];
	struct finding_evidence *v;
	struct frame_cand *c;

	if (!a || !(c = cand_new(b->fr, FSCOPE_PROCESS)))
		return;
	c->value = portion(sc, AGG_SLOW_PID, a, true, 100.0);
	c->support = slow_storage_rate(b);
	v = ev_process(b, c, (uint32_t)a->key, a->ex->comm, c->value, "%",
		       "of slow storage time");
	if (v)
		subject_process(c, v);
	for (int d = 0; d < sc->ndevs; d++)
		if (sc->t.dev_pid[d] && (uint32_t)sc->t.dev_pid[d]->key == (uint32_t)a->key) {
			ev_named(c, FEV_DEVICE, sc->devs[d], sc->t.dev_pid[d]->ns / 1e6, "ms",
				 "its slow I/O time on this device");
			break;
		}
	ev_own(b, c, AGG_SLOW_FILE, (uint32_t)a->key, FEV_FILE);
	ev_own(b, c, AGG_SLOW_STACK, (uint32_t)a->key, FEV_STACK);
}

static double sync_ms(const struct build *b)
{
	uint64_t ns = 0;

	if (!b->last)
		return 0;
	ns += tl_second_cell(b->last, PL_EV_SYNC, PL_KIND_FILE)->total_ns;
	ns += tl_second_cell(b->last, PL_EV_SYNC, PL_KIND_BLOCKDEV)->total_ns;
	return ns / 1e6;
}

static void ex_sync(struct build *b)
{
	const struct scan *sc = &b->sc;
	double total = sync_ms(b);
	const struct frame_agg *a;

	for (int i = 0; i < TOPK && (a = sc->t.top[AGG_SYNC_PID][i]); i++) {
		struct frame_cand *c = cand_new(b->fr, FSCOPE_PROCESS);
		struct finding_evidence *v;

		if (!c)
			return;
		c->value = portion(sc, AGG_SYNC_PID, a, true, total);
		v = ev_process(b, c, (uint32_t)a->key, a->ex->comm, c->value, "ms/s",
			       "in slow fsync-family calls");
		if (v)
			subject_process(c, v);
		ev_own(b, c, AGG_SYNC_FILE, (uint32_t)a->key, FEV_FILE);
		ev_own(b, c, AGG_SYNC_STACK, (uint32_t)a->key, FEV_STACK);
	}
}

static void ex_lost(struct build *b)
{
	struct frame_ctx *x = b->ctx;
	struct findings_lost l = { 0 };
	uint64_t stores = timeline_late_dropped(b->e->tl) + proctree_refused(b->e->pt);
	uint64_t total;
	struct frame_cand *c;

	if (x->lost)
		x->lost(x->lost_ctx, &l);
	total = l.ring + l.queue + l.maps + l.decode + stores;
	if (!(c = cand_new(b->fr, FSCOPE_SYSTEM)))
		return;
	c->value = total < x->prev_lost ? 0 : (double)(total - x->prev_lost) /
		   (double)(b->sec > x->prev_lost_sec && x->prev_lost_sec >= 0
			    ? b->sec - x->prev_lost_sec : 1);
	x->prev_lost = total;
	x->prev_lost_sec = b->sec;
	ev_counter(c, "ring_buffer_full", (double)l.ring, "events", "since start");
	ev_counter(c, "output_queue_full", (double)l.queue, "events", "since start");
	ev_counter(c, "map_full", (double)l.maps, "ops", "not timed, since start");
	ev_counter(c, "decode_errors", (double)l.decode, "records", "since start");
	ev_counter(c, "stores", (double)stores, "events", "too late or no room, since start");
}

static void ex_self(struct build *b)
{
	const double *v = sat_latest(b, b->e->sat->self);
	struct frame_cand *c;

	if (!v || !(c = cand_new(b->fr, FSCOPE_SYSTEM)))
		return;
	c->value = v[SAT_SELF_CPU_PCT] + v[SAT_SELF_BPF_PCT];
	ev_counter(c, "user_space", v[SAT_SELF_CPU_PCT], "% of one CPU", "perflens threads");
	ev_counter(c, "bpf", v[SAT_SELF_BPF_PCT], "% of one CPU", "its BPF programs");
	ev_counter(c, "ring_fill", v[SAT_SELF_RING_FILL_PCT], "%", "ring buffer in use");
	ev_counter(c, "events", v[SAT_SELF_EVENTS_S], "events/s", "received");
	ev_counter(c, "rss", v[SAT_SELF_RSS_MB], "MB", "resident memory");
}

static void ev_cgroup(struct build *b, struct frame_cand *c, uint64_t id)
{
	struct finding_evidence *v;

	for (size_t i = 0; id && i < cgstats_count(b->e->cg); i++) {
		const struct cg_entry *g = cgstats_at(b->e->cg, i);

		if (g->id != id || !g->path[0])
			continue;
		v = ev_new(c, FEV_CGROUP, 0, "", "the victim's cgroup");
		if (v) {
			v->cgroup_id = id;
			copy_name(v->name, sizeof(v->name), g->path);
		}
		return;
	}
}

static void ex_oom(struct build *b)
{
	const struct frame_ctx *x = b->ctx;
	struct frame_cand *c = cand_new(b->fr, FSCOPE_SYSTEM);
	uint64_t n = x->noom < FRAME_OOM_RING ? x->noom : FRAME_OOM_RING;

	if (!c)
		return;
	/* Newest first: the ring's slot for kill k is k % FRAME_OOM_RING. */
	for (uint64_t k = 0; k < n; k++) {
		const struct findings_oom *o = &x->oom[(x->noom - 1 - k) % FRAME_OOM_RING];
		struct finding_evidence *v;

		if (b->sec - engine_sec(b->e, o->ts_ns) >= FRAME_OOM_WINDOW_S)
			continue;
		c->value++;
		v = o->anon_rss_kb || o->total_vm_kb
			? ev_process(b, c, o->pid, o->comm,
				     (o->anon_rss_kb ? o->anon_rss_kb : o->total_vm_kb) / 1024.0, "MB",
				     o->anon_rss_kb ? "OOM-killed (anon RSS)" : "OOM-killed (virtual size)")
			: ev_process(b, c, o->pid, o->comm, 1, "kill", "OOM-killed");
		if (!v)
			continue;
		/* The kill itself names the process; a reused pid must not. */
		copy_name(v->name, sizeof(v->name), o->comm);
		v->start_ns = o->start_ns ? o->start_ns : v->start_ns;
		v->cgroup_id = o->cgroup_id;
		if (c->value == 1)
			ev_cgroup(b, c, o->cgroup_id);
	}
}

typedef void (*extract_fn)(struct build *b);

static const extract_fn extract[FIN_COUNT] = {
	[FIN_SLOW_STORAGE] = ex_slow_storage, [FIN_DEV_P99] = ex_dev_p99,
	[FIN_DEV_UTIL] = ex_dev_util, [FIN_DEV_QDEPTH] = ex_dev_qdepth,
	[FIN_STUCK_AGE] = ex_stuck, [FIN_DSTATE] = ex_dstate, [FIN_PSI_IO] = ex_psi_io,
	[FIN_PSI_CPU] = ex_psi_cpu, [FIN_PSI_MEM] = ex_psi_mem, [FIN_RUNQ_P99] = ex_runq,
	[FIN_SPAWN_RATE] = ex_spawn, [FIN_SLOW_IO_SHARE] = ex_slow_share,
	[FIN_SYNC_TIME] = ex_sync, [FIN_LOST_RATE] = ex_lost, [FIN_SELF_CPU] = ex_self,
	[FIN_OOM_KILLS] = ex_oom,
};

void frame_build(struct findings_frame *fr, struct engine *e, int64_t sec, struct frame_ctx *ctx)
{
	struct build b = { .fr = fr, .e = e, .ctx = ctx, .sec = sec };

	fr->sec = sec;
	fr->ncand = 0;
	fr->left_out = 0;
	b.last = timeline_get(e->tl, sec - 1);
	b.sat_fresh = e->sat->last_sec == sec;
	scan_newest(&b);
	for (int i = 0; i < FIN_COUNT; i++) {
		fr->first[i] = fr->ncand;
		if (extract[i])
			extract[i](&b);
		fr->count[i] = fr->ncand - fr->first[i];
	}
}
