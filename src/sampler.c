#include "sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "out/json_sat.h"
#include "findings/findings.h"
#include "sys/cgroup.h"
#include "sys/diskstats.h"
#include "sys/dstate.h"
#include "sys/procfaults.h"
#include "sys/psi.h"
#include "sys/selfstat.h"
#include "util/devname.h"

#define SAMPLER_MAX_BLK 128
#define SAMPLER_MAX_OPS 1024
#define SAMPLER_MAX_PMC 8192 /* the kernel map's size: one read takes all */

struct sampler_state {
	struct kstats_blk prev_blk[SAMPLER_MAX_BLK], cur_blk[SAMPLER_MAX_BLK];
	size_t nprev_blk;
	struct pl_khist prev_runq;
	struct diskstats prev_ds, cur_ds;
	struct diskstats_rate rates[DISKSTATS_MAX_DEVS];
	struct hist sec[SAT_MAX_DEVS]; /* per device, the last second */
	bool have_ds;
	struct psi_all prev_psi;
	bool have_psi;
	struct selfstat_sample prev_self;
	uint64_t prev_bpf_ns, prev_events, prev_ts;
	struct dstate_result dstate;
	struct kstats_ops ops[SAMPLER_MAX_OPS];
	struct kstats_pmc pmc[SAMPLER_MAX_PMC];
	struct sat_inflight open[SAT_MAX_INFLIGHT]; /* stuck ops seen last scan */
	int nopen;
	struct kstats_inflight scan[SAT_MAX_INFLIGHT * 4];
	struct cgroup_mounts cgm;
	struct cgroup_cache *cgc;
};

static const struct sat_inflight *find_open(const struct sampler_state *st, uint32_t tid,
					    uint64_t start)
{
	for (int i = 0; i < st->nopen; i++)
		if (st->open[i].tid == tid && st->open[i].start_ns == start)
			return &st->open[i];
	return NULL;
}

/* What an in-flight op's fd points at: from /proc, on this thread. */
static void describe_fd(struct sat_inflight *o)
{
	char link[64], comm[64];
	struct stat sb;
	ssize_t n;
	int fd;

	snprintf(link, sizeof(link), "/proc/%u/fd/%d", o->pid, o->fd);
	n = readlink(link, o->file, sizeof(o->file) - 1);
	o->file[n > 0 ? n : 0] = '\0';
	o->kind = PL_KIND_OTHER;
	if (!stat(link, &sb)) {
		o->kind = S_ISREG(sb.st_mode) ? PL_KIND_FILE : S_ISBLK(sb.st_mode) ? PL_KIND_BLOCKDEV
			: S_ISFIFO(sb.st_mode) ? PL_KIND_PIPE : S_ISSOCK(sb.st_mode) ? PL_KIND_SOCKET
			: S_ISCHR(sb.st_mode) && (major(sb.st_rdev) == 4 || major(sb.st_rdev) == 5 ||
						   (major(sb.st_rdev) >= 136 && major(sb.st_rdev) <= 143))
			? PL_KIND_TTY : PL_KIND_OTHER;
	}
	snprintf(comm, sizeof(comm), "/proc/%u/task/%u/comm", o->pid, o->tid);
	fd = open(comm, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, o->comm, PL_COMM_LEN) : 0;
	o->comm[n > 0 ? n : 0] = '\0';
	o->comm[strcspn(o->comm, "\n")] = '\0';
	if (fd >= 0)
		close(fd);
}

static void inflight_event(struct pl_event *ev, const struct sat_inflight *o, bool closed)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = PL_EV_INFLIGHT;
	ev->ts_ns = o->start_ns + o->age_ns;
	ev->pid = o->pid;
	ev->tid = o->tid;
	ev->kind = o->kind;
	memcpy(ev->comm, o->comm, sizeof(ev->comm));
	ev->u.io.start_ns = o->start_ns;
	ev->u.io.lat_ns = o->age_ns;
	ev->u.io.fd = o->fd;
	ev->u.io.syscall_nr = o->type; /* the op type rides here: read/write/sync */
	ev->u.io.flags = closed ? PL_INFLIGHT_CLOSED : 0;
	snprintf(ev->u.io.file, sizeof(ev->u.io.file), "%s", o->file);
}

/* Scan the in-flight map: ops older than the threshold are stuck right now. */
static void sample_inflight(struct sampler *s, uint64_t now, struct sat_inflight *cur, int *ncur,
			    uint64_t *left_out, double *scan_ms)
{
	struct sampler_state *st = s->st;
	uint64_t t0 = engine_now_ns();
	size_t n = kstats_read_inflight(s->ks, now - s->opts->threshold_ns, st->scan,
					sizeof(st->scan) / sizeof(st->scan[0]));

	*scan_ms = (engine_now_ns() - t0) / 1e6;
	*ncur = 0;
	*left_out = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pl_inflight *v = &st->scan[i].v;
		const struct sat_inflight *old = find_open(st, st->scan[i].tid, v->start_ns);
		struct sat_inflight *o;

		if (*ncur >= SAT_MAX_INFLIGHT) {
			(*left_out)++;
			continue;
		}
		o = &cur[(*ncur)++];
		if (old) {
			*o = *old;
		} else {
			memset(o, 0, sizeof(*o));
			o->pid = v->pid;
			o->tid = st->scan[i].tid;
			o->fd = v->fd;
			o->type = v->type;
			o->start_ns = v->start_ns;
			describe_fd(o);
		}
		o->age_ns = now - v->start_ns;
		if (!(s->opts->kinds_mask & (1u << o->kind)))
			(*ncur)--;
	}
}

static void emit_inflight(struct sampler *s, struct sat_inflight *cur, int ncur)
{
	struct sampler_state *st = s->st;
	struct pl_event ev;

	/* A line when an op is first seen stuck, then each time its age doubles:
	 * "updated while it lasts" without a line per idle reader per second. */
	for (int i = 0; i < ncur; i++) {
		if (cur[i].emitted_age_ns && cur[i].age_ns < 2 * cur[i].emitted_age_ns)
			continue;
		cur[i].emitted_age_ns = cur[i].age_ns;
		inflight_event(&ev, &cur[i], false);
		engine_ingest(s->eng, &ev);
	}
	for (int i = 0; i < st->nopen; i++) {
		bool still = false;

		for (int j = 0; j < ncur && !still; j++)
			still = cur[j].tid == st->open[i].tid && cur[j].start_ns == st->open[i].start_ns;
		if (!still) {
			inflight_event(&ev, &st->open[i], true);
			engine_ingest(s->eng, &ev);
		}
	}
}

static void khist_to_hist(const struct pl_khist *k, const struct pl_khist *prev, struct hist *out)
{
	memset(out, 0, sizeof(*out));
	out->count = k->count - (prev ? prev->count : 0);
	out->sum = k->sum_ns - (prev ? prev->sum_ns : 0);
	out->max = k->max_ns;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		out->b[i] = k->b[i] - (prev ? prev->b[i] : 0);
}

static const struct kstats_blk *find_blk(const struct kstats_blk *arr, size_t n,
					 const struct pl_blk_hist_key *k)
{
	for (size_t i = 0; i < n; i++)
		if (arr[i].key.dev == k->dev && arr[i].key.op == k->op)
			return &arr[i];
	return NULL;
}

/* Devices from the kernel histograms (every request): the last second and
 * since start, summed over ops. */
static void sample_devices(struct sampler *s, struct satstore *sat, double dt)
{
	struct sampler_state *st = s->st;
	size_t n = kstats_read_blk(s->ks, st->cur_blk, SAMPLER_MAX_BLK);

	for (int i = 0; i < sat->ndevs; i++) {
		struct sat_dev *dev = &sat->devs[i];

		memset(&st->sec[i], 0, sizeof(st->sec[i]));
		memset(&dev->lat, 0, sizeof(dev->lat));
		dev->rbps = dev->wbps = 0;
		dev->requests = dev->bytes = dev->queue_ns = dev->service_ns = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct kstats_blk *cur = &st->cur_blk[i];
		const struct kstats_blk *prev = find_blk(st->prev_blk, st->nprev_blk, &cur->key);
		uint64_t dbytes = cur->h.bytes - (prev ? prev->h.bytes : 0);
		char name[32];
		struct hist h;
		struct sat_dev *dev;

		devname_lookup(cur->key.dev, name, sizeof(name));
		dev = satstore_dev(sat, name);
		if (!dev)
			continue;
		dev->dev = cur->key.dev;
		khist_to_hist(&cur->h.lat, prev ? &prev->h.lat : NULL, &h);
		hist_merge(&st->sec[dev - sat->devs], &h);
		khist_to_hist(&cur->h.lat, NULL, &h);
		hist_merge(&dev->lat, &h);
		dev->requests += h.count;
		dev->bytes += cur->h.bytes;
		dev->queue_ns += cur->h.queue_ns;
		dev->service_ns += cur->h.service_ns;
		if (cur->key.op == PL_BOP_READ)
			dev->rbps += dbytes / dt;
		else if (cur->key.op == PL_BOP_WRITE)
			dev->wbps += dbytes / dt;
	}
	for (int i = 0; i < sat->ndevs; i++) {
		struct sat_dev *dev = &sat->devs[i];
		const struct hist *sec = &st->sec[i];

		dev->iops = sec->count / dt;
		dev->p50_us = hist_percentile(sec, 50) / 1000;
		dev->p90_us = hist_percentile(sec, 90) / 1000;
		dev->p99_us = hist_percentile(sec, 99) / 1000;
		dev->max_us = sec->count ? sec->max / 1000 : 0;
		dev->queue_us = dev->requests ? dev->queue_ns / 1e3 / dev->requests : 0;
		dev->service_us = dev->requests ? dev->service_ns / 1e3 / dev->requests : 0;
	}
	memcpy(st->prev_blk, st->cur_blk, n * sizeof(st->cur_blk[0]));
	st->nprev_blk = n;
}

/* Utilisation and queue depth come from /proc/diskstats (the kernel's own
 * io_ticks), merged into the device entries by name. */
static void sample_diskstats(struct sampler *s, struct satstore *sat, double dt)
{
	struct sampler_state *st = s->st;
	size_t n;

	if (diskstats_read(DISKSTATS_PATH, 0, &st->cur_ds) < 0)
		return;
	if (st->have_ds) {
		n = diskstats_delta(&st->prev_ds, &st->cur_ds, dt, st->rates, DISKSTATS_MAX_DEVS);
		for (size_t i = 0; i < n; i++) {
			struct sat_dev *dev = NULL;

			for (int j = 0; j < sat->ndevs && !dev; j++)
				if (!strcmp(sat->devs[j].name, st->rates[i].name))
					dev = &sat->devs[j];
			if (!dev)
				continue;
			dev->util_pct = st->rates[i].util_pct;
			dev->qdepth = st->rates[i].avg_queue;
			dev->in_flight = st->rates[i].in_flight;
			if (dev->rotational < 0)
				dev->rotational = diskstats_rotational("/sys", dev->name);
		}
	}
	st->prev_ds = st->cur_ds;
	st->have_ds = true;
}

static void sample_runq(struct sampler *s, struct satstore *sat, int64_t sec)
{
	struct sampler_state *st = s->st;
	struct pl_khist cur;
	struct hist d;
	double v[SAT_RUNQ_NFIELDS];

	if (!s->opts->runqlat || kstats_read_runq(s->ks, &cur))
		return;
	khist_to_hist(&cur, &st->prev_runq, &d);
	khist_to_hist(&cur, NULL, &sat->runq_all);
	st->prev_runq = cur;
	sat->runq_available = true;
	v[SAT_RUNQ_COUNT] = (double)d.count;
	v[SAT_RUNQ_P50_US] = hist_percentile(&d, 50) / 1e3;
	v[SAT_RUNQ_P99_US] = hist_percentile(&d, 99) / 1e3;
	v[SAT_RUNQ_MAX_US] = d.count ? d.max / 1e3 : 0;
	series_push(sat->runq, sec, v);
}

static void sample_psi(struct sampler *s, struct satstore *sat, int64_t sec, double dt)
{
	struct sampler_state *st = s->st;
	struct psi_all cur;
	double v[SAT_PSI_NFIELDS];

	if (psi_read(PSI_ROOT, &cur) < 0)
		return;
	sat->psi_available = true;
	for (int r = 0; r < PSI_NR; r++) {
		struct psi_pct pct = st->have_psi ? psi_rate(&st->prev_psi.res[r], &cur.res[r], dt)
						  : (struct psi_pct){ 0, -1 };

		v[SAT_PSI_CPU_SOME10 + 2 * r] = cur.res[r].some_avg10;
		v[SAT_PSI_CPU_FULL10 + 2 * r] = cur.res[r].full_avg10;
		v[SAT_PSI_CPU_SOME + 2 * r] = pct.some;
		v[SAT_PSI_CPU_FULL + 2 * r] = pct.full;
	}
	series_push(sat->psi, sec, v);
	st->prev_psi = cur;
	st->have_psi = true;
}

/* perflens' own cost: its CPU, its BPF programs' run time, memory, ring fill. */
static void sample_self(struct sampler *s, struct satstore *sat, int64_t sec, double dt)
{
	struct sampler_state *st = s->st;
	struct selfstat_sample cur;
	uint64_t run_ns = 0, run_cnt = 0;
	double v[SAT_SELF_NFIELDS] = { 0 };

	if (selfstat_read(SELFSTAT_DIR, &cur) == 0) {
		if (st->prev_self.wall_ns)
			sat->self_cpu_pct = selfstat_cpu_pct(&st->prev_self, &cur);
		sat->self_rss_bytes = cur.rss_bytes;
		st->prev_self = cur;
	}
	if (s->ks && kstats_bpf_runtime(s->ks, &run_ns, &run_cnt) == 0) {
		if (st->prev_bpf_ns)
			sat->self_bpf_pct = (run_ns - st->prev_bpf_ns) / (dt * 1e9) * 100.0;
		st->prev_bpf_ns = run_ns;
		sat->bpf_run_ns = run_ns;
		sat->bpf_run_cnt = run_cnt;
	}
	sat->self_ring_fill_pct = s->ks ? kstats_ring_fill(s->ks) * 100.0 : 0;
	v[SAT_SELF_CPU_PCT] = sat->self_cpu_pct;
	v[SAT_SELF_BPF_PCT] = sat->self_bpf_pct;
	v[SAT_SELF_RSS_MB] = sat->self_rss_bytes / 1048576.0;
	v[SAT_SELF_RING_FILL_PCT] = sat->self_ring_fill_pct;
	v[SAT_SELF_EVENTS_S] = (s->eng->events - st->prev_events) / dt;
	st->prev_events = s->eng->events;
	series_push(sat->self, sec, v);
}

static int by_cycles_desc(const void *a, const void *b)
{
	uint64_t x = ((const struct kstats_pmc *)a)->c.count[PL_PMC_CYCLES];
	uint64_t y = ((const struct kstats_pmc *)b)->c.count[PL_PMC_CYCLES];

	return x < y ? 1 : x > y ? -1 : 0;
}

static int by_pid(const void *a, const void *b)
{
	uint32_t x = ((const struct kstats_pmc *)a)->pid, y = ((const struct kstats_pmc *)b)->pid;

	return x < y ? -1 : x > y;
}

struct most_sampled {
	uint32_t pid[SAT_MAX_FAULTS];
	uint64_t samples[SAT_MAX_FAULTS];
	int n;
};

static int pick_sampled(struct proc_node *p, void *arg)
{
	struct most_sampled *m = arg;
	int at = m->n;

	if (p->exited || !p->st.samples)
		return 0;
	while (at > 0 && m->samples[at - 1] < p->st.samples)
		at--;
	if (at >= SAT_MAX_FAULTS)
		return 0;
	if (m->n < SAT_MAX_FAULTS)
		m->n++;
	memmove(&m->pid[at + 1], &m->pid[at], (m->n - 1 - at) * sizeof(m->pid[0]));
	memmove(&m->samples[at + 1], &m->samples[at], (m->n - 1 - at) * sizeof(m->samples[0]));
	m->pid[at] = p->pid;
	m->samples[at] = p->st.samples;
	return 0;
}

/* Page faults and context switches of the most-sampled live processes: the
 * views show them beside the samples, and cannot read /proc themselves. */
static void read_faults(struct sampler *s)
{
	struct satstore *sat = s->eng->sat;
	struct sat_faults got[SAT_MAX_FAULTS];
	struct most_sampled m = { .n = 0 };
	int n = 0;

	engine_lock(s->eng);
	proctree_foreach(s->eng->pt, pick_sampled, &m);
	engine_unlock(s->eng);
	for (int i = 0; i < m.n; i++) {
		struct procfaults f;

		if (procfaults_read("/proc", m.pid[i], &f))
			continue;
		got[n++] = (struct sat_faults){ m.pid[i], f.minflt, f.majflt, f.ctx_switches };
	}
	engine_lock(s->eng);
	memcpy(sat->faults, got, (size_t)n * sizeof(got[0]));
	sat->nfaults = n;
	engine_unlock(s->eng);
}

/* Per-process counters into the saturation store (takes the engine lock). */
static void read_counters(struct sampler *s)
{
	struct sampler_state *st = s->st;
	struct satstore *sat = s->eng->sat;
	const struct pmc *pmc = &s->ks->loader->pmc;
	uint64_t k[PL_STAT_MAX];
	size_t n;

	/* The map scan is thousands of syscalls: outside the engine lock. */
	n = kstats_read_pmc(s->ks, st->pmc, SAMPLER_MAX_PMC);
	/* Keep those with the most cycles, sorted by pid for lookups. */
	qsort(st->pmc, n, sizeof(st->pmc[0]), by_cycles_desc);
	qsort(st->pmc, n < SAT_MAX_PMC ? n : SAT_MAX_PMC, sizeof(st->pmc[0]), by_pid);
	if (loader_read_stats(s->ks->loader, k))
		memset(k, 0, sizeof(k));
	engine_lock(s->eng);
	snprintf(sat->pmc_source, sizeof(sat->pmc_source), "%s", pmc->source);
	snprintf(sat->pmc_note, sizeof(sat->pmc_note), "%s", pmc->note);
	sat->npmc = n < SAT_MAX_PMC ? (int)n : SAT_MAX_PMC;
	sat->pmc_left_out = n - (size_t)sat->npmc;
	for (int i = 0; i < sat->npmc; i++) {
		sat->pmc[i].pid = st->pmc[i].pid;
		sat->pmc[i].c = st->pmc[i].c;
	}
	sat->pmc_procs_full = k[PL_STAT_PMC_PROCS_FULL];
	engine_unlock(s->eng);
}

static void sample_all_ops(struct sampler *s, struct satstore *sat)
{
	struct sampler_state *st = s->st;
	size_t n = kstats_read_ops(s->ks, st->ops, SAMPLER_MAX_OPS);

	sat->nops = 0;
	sat->ops_left_out = 0;
	for (size_t i = 0; i < n; i++) {
		struct sat_ops *o;
		struct hist h;

		if (sat->nops >= SAT_MAX_OPS) {
			sat->ops_left_out++;
			continue;
		}
		khist_to_hist(&st->ops[i].h, NULL, &h);
		o = &sat->ops[sat->nops++];
		o->pid = st->ops[i].key.pid;
		o->type = (uint8_t)st->ops[i].key.type;
		o->count = h.count;
		o->sum_ns = h.sum;
		o->max_ns = h.max;
		o->p50_ns = hist_percentile(&h, 50);
		o->p90_ns = hist_percentile(&h, 90);
		o->p99_ns = hist_percentile(&h, 99);
	}
}

static void push_device_series(struct satstore *sat, int64_t sec)
{
	for (int i = 0; i < sat->ndevs; i++) {
		struct sat_dev *d = &sat->devs[i];
		double v[SAT_DEV_NFIELDS] = {
			[SAT_DEV_IOPS] = d->iops, [SAT_DEV_RBPS] = d->rbps, [SAT_DEV_WBPS] = d->wbps,
			[SAT_DEV_P99_US] = (double)d->p99_us, [SAT_DEV_UTIL] = d->util_pct,
			[SAT_DEV_QDEPTH] = d->qdepth,
		};

		series_push(d->ts, sec, v);
	}
}

static void copy_dstate(struct satstore *sat, const struct dstate_result *r)
{
	sat->dstate_total = r->total;
	sat->ndstate = 0;
	for (uint32_t i = 0; i < r->nprocs && sat->ndstate < SAT_MAX_DSTATE; i++) {
		struct sat_dstate *d = &sat->dstate[sat->ndstate++];

		d->pid = r->procs[i].pid;
		d->count = r->procs[i].count;
		snprintf(d->comm, sizeof(d->comm), "%.16s", r->procs[i].comm);
	}
}

/* Name cgroups seen in events: collect ids under the lock, read outside. */
static void name_cgroups(struct sampler *s)
{
	struct sampler_state *st = s->st;
	uint64_t ids[64];
	size_t n = 0;

	if (!st->cgc)
		return;
	engine_lock(s->eng);
	for (size_t i = 0; i < cgstats_count(s->eng->cg) && n < 64; i++)
		if (!cgstats_at(s->eng->cg, i)->path[0])
			ids[n++] = cgstats_at(s->eng->cg, i)->id;
	engine_unlock(s->eng);
	for (size_t i = 0; i < n; i++) {
		char path[256], name[64];
		int r = cgroup_path(st->cgc, ids[i], path, sizeof(path));

		if (r == -EAGAIN)
			continue; /* the walk is rate-limited: try again next second */
		if (r < 0)
			snprintf(path, sizeof(path), "?cgroup-id-%llu", (unsigned long long)ids[i]);
		cgroup_short_name(path, name, sizeof(name));
		engine_lock(s->eng);
		for (size_t j = 0; j < cgstats_count(s->eng->cg); j++) {
			struct cg_entry *g = cgstats_at(s->eng->cg, j);

			if (g->id == ids[i]) {
				snprintf(g->path, sizeof(g->path), "%s", path);
				snprintf(g->name, sizeof(g->name), "%s", name);
			}
		}
		engine_unlock(s->eng);
	}
}

static void keep_tick(struct engine *e, int64_t sec)
{
	json_object *t = json_tick_build(e, sec);
	const char *text = json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE);

	satstore_put_tick(e->sat, sec, strdup(text));
	json_object_put(t);
}

void sampler_tick(struct sampler *s)
{
	struct sampler_state *st = s->st;
	struct satstore *sat = s->eng->sat;
	uint64_t now = engine_now_ns();
	double dt = st->prev_ts ? (now - st->prev_ts) / 1e9 : 1.0;
	int64_t sec = engine_sec(s->eng, now);
	struct sat_inflight cur[SAT_MAX_INFLIGHT];
	uint64_t left_out = 0;
	double scan_ms = 0;
	int ncur = 0;
	struct pl_event tick = { .type = PL_EV_TICK, .ts_ns = now };

	if (dt <= 0)
		dt = 1.0;
	st->prev_ts = now;
	if (s->ks)
		sample_inflight(s, now, cur, &ncur, &left_out, &scan_ms);
	dstate_scan("/proc", &st->dstate);
	name_cgroups(s);
	if (s->ks) {
		read_counters(s);
		read_faults(s);
	}
	engine_lock(s->eng);
	if (s->ks) {
		sample_devices(s, sat, dt);
		sample_runq(s, sat, sec);
		if (s->opts->all_ops)
			sample_all_ops(s, sat);
	}
	sample_diskstats(s, sat, dt);
	sample_psi(s, sat, sec, dt);
	sample_self(s, sat, sec, dt);
	push_device_series(sat, sec);
	copy_dstate(sat, &st->dstate);
	if (s->ks)
		emit_inflight(s, cur, ncur);
	memcpy(sat->inflight, cur, ncur * sizeof(cur[0]));
	sat->ninflight = ncur;
	sat->inflight_left_out = left_out;
	sat->inflight_scan_ms = scan_ms;
	sat->last_sec = sec;
	tick.u.tick.sec = sec;
	keep_tick(s->eng, sec);
	engine_ingest(s->eng, &tick);
	engine_unlock(s->eng);
	memcpy(st->open, cur, ncur * sizeof(cur[0]));
	st->nopen = ncur;
	/* The rules read this second's sample: off the consumer and UI threads. */
	if (s->findings)
		findings_tick(s->findings, s->eng, sec);
}

static void *sampler_main(void *arg)
{
	struct sampler *s = arg;
	struct timespec deadline;

	pthread_setname_np(pthread_self(), "pl-sampler"); /* for top -H, perf and gdb */

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		deadline.tv_sec += 1;
		while (!s->stop && pthread_cond_timedwait(&s->cond, &s->lock, &deadline) != ETIMEDOUT)
			;
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->lock);
		sampler_tick(s);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int sampler_start(struct sampler *s, struct engine *eng, const struct pl_options *o,
		  struct kstats *ks, struct findings *findings)
{
	pthread_condattr_t ca;
	int e;

	memset(s, 0, sizeof(*s));
	s->eng = eng;
	s->opts = o;
	s->ks = ks;
	s->findings = findings;
	s->st = calloc(1, sizeof(*s->st));
	if (!s->st)
		return -ENOMEM;
	if (cgroup_detect(CGROUP_MOUNTINFO, &s->st->cgm) == 0 && s->st->cgm.v2_root[0])
		s->st->cgc = cgroup_cache_new(s->st->cgm.v2_root, CGROUP_MAX_DIRS);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	e = pthread_create(&s->thread, NULL, sampler_main, s);
	s->running = e == 0;
	return -e;
}

void sampler_stop(struct sampler *s)
{
	if (s->running) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
		s->running = false;
		/* Name what the last second brought, for the summary. */
		if (s->st->cgc)
			cgroup_cache_rebuild(s->st->cgc);
		name_cgroups(s);
		if (s->ks)
			read_counters(s); /* and the last second's slices */
	}
	if (s->st) {
		cgroup_cache_free(s->st->cgc);
		free(s->st);
		s->st = NULL;
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
	}
}
