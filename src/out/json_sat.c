#include "json_sat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sys/psi.h"
#include "json_out.h"

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *num(double v)
{
	return json_out_fixed(isfinite(v) ? v : 0, 2);
}

static json_object *i64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}


static json_object *psi_now(const double *v)
{
	json_object *o = json_object_new_object();

	for (int r = 0; r < 3; r++) {
		json_object *p = json_object_new_object();

		add(p, "some_avg10", num(v[SAT_PSI_CPU_SOME10 + 2 * r]));
		add(p, "full_avg10", v[SAT_PSI_CPU_FULL10 + 2 * r] < 0 ? NULL
								   : num(v[SAT_PSI_CPU_FULL10 + 2 * r]));
		add(p, "some_pct", num(v[SAT_PSI_CPU_SOME + 2 * r]));
		add(p, "full_pct", v[SAT_PSI_CPU_FULL + 2 * r] < 0 ? NULL
								 : num(v[SAT_PSI_CPU_FULL + 2 * r]));
		add(o, psi_resource_name(r), p);
	}
	return o;
}

static json_object *dev_now(const struct sat_dev *d)
{
	json_object *o = json_object_new_object();

	add(o, "name", json_out_string(d->name));
	add(o, "iops", num(d->iops));
	add(o, "read_bytes_s", num(d->rbps));
	add(o, "write_bytes_s", num(d->wbps));
	add(o, "p50_us", i64(d->p50_us));
	add(o, "p90_us", i64(d->p90_us));
	add(o, "p99_us", i64(d->p99_us));
	add(o, "max_us", i64(d->max_us));
	add(o, "util_pct", num(d->util_pct));
	add(o, "queue_depth", num(d->qdepth));
	add(o, "in_flight", i64(d->in_flight));
	add(o, "requests_total", i64(d->requests));
	return o;
}

static json_object *self_now(const struct satstore *s)
{
	json_object *o = json_object_new_object();

	add(o, "cpu_pct", num(s->self_cpu_pct));
	add(o, "bpf_pct", num(s->self_bpf_pct));
	add(o, "rss_bytes", i64(s->self_rss_bytes));
	add(o, "ring_fill_pct", num(s->self_ring_fill_pct));
	add(o, "inflight_scan_ms", num(s->inflight_scan_ms));
	return o;
}

static json_object *dstate_json(const struct satstore *s)
{
	json_object *o = json_object_new_object(), *top = json_object_new_array();

	add(o, "total", i64(s->dstate_total));
	for (int i = 0; i < s->ndstate; i++) {
		json_object *p = json_object_new_object();

		add(p, "pid", i64(s->dstate[i].pid));
		add(p, "comm", json_out_string(s->dstate[i].comm));
		add(p, "count", i64(s->dstate[i].count));
		json_object_array_add(top, p);
	}
	add(o, "processes", top);
	return o;
}

json_object *json_tick(void *ctx, int64_t sec)
{
	struct engine *e = ctx;
	const char *text;
	json_object *o = NULL;

	engine_lock(e);
	text = satstore_get_tick(e->sat, sec);
	if (text)
		o = json_tokener_parse(text);
	engine_unlock(e);
	return o;
}

json_object *json_tick_build(struct engine *e, int64_t sec)
{
	struct satstore *s = e->sat;
	json_object *o = json_object_new_object(), *devs = json_object_new_array();
	const double *v;

	add(o, "type", json_object_new_string("tick"));
	add(o, "ts", json_out_fixed((double)sec + 1, 6));
	add(o, "sec", i64((uint64_t)sec));
	v = series_latest(s->psi, NULL);
	add(o, "psi", s->psi_available && v ? psi_now(v) : NULL);
	v = series_latest(s->runq, NULL);
	if (s->runq_available && v) {
		json_object *r = json_object_new_object();

		add(r, "count", i64((uint64_t)v[SAT_RUNQ_COUNT]));
		add(r, "p50_us", num(v[SAT_RUNQ_P50_US]));
		add(r, "p99_us", num(v[SAT_RUNQ_P99_US]));
		add(r, "max_us", num(v[SAT_RUNQ_MAX_US]));
		add(o, "runq", r);
	} else {
		add(o, "runq", NULL);
	}
	for (int i = 0; i < s->ndevs; i++)
		json_object_array_add(devs, dev_now(&s->devs[i]));
	add(o, "devices", devs);
	add(o, "dstate", dstate_json(s));
	add(o, "inflight", i64((uint64_t)s->ninflight));
	add(o, "self", self_now(s));
	return o;
}

static json_object *dev_summary(const struct sat_dev *d)
{
	json_object *o = json_object_new_object();

	add(o, "name", json_out_string(d->name));
	add(o, "rotational", d->rotational < 0 ? NULL : json_object_new_boolean(d->rotational));
	add(o, "requests", i64(d->requests));
	add(o, "bytes", i64(d->bytes));
	add(o, "p50_us", i64(hist_percentile(&d->lat, 50) / 1000));
	add(o, "p90_us", i64(hist_percentile(&d->lat, 90) / 1000));
	add(o, "p99_us", i64(hist_percentile(&d->lat, 99) / 1000));
	add(o, "max_us", i64(d->lat.max / 1000));
	add(o, "queue_us_avg", num(d->queue_us));
	add(o, "service_us_avg", num(d->service_us));
	add(o, "util_pct_last", num(d->util_pct));
	return o;
}

static int cmp_cg(const void *a, const void *b)
{
	const struct cg_entry *x = *(const struct cg_entry *const *)a;
	const struct cg_entry *y = *(const struct cg_entry *const *)b;
	uint64_t tx = x->storage_ns + x->block_ns, ty = y->storage_ns + y->block_ns;

	if (tx != ty)
		return tx < ty ? 1 : -1;
	return x->wait_ns < y->wait_ns ? 1 : x->wait_ns > y->wait_ns ? -1 : 0;
}

static json_object *cgroups_json(struct engine *e, int top_n)
{
	size_t n = cgstats_count(e->cg);
	struct cg_entry **v = calloc(n ? n : 1, sizeof(*v));
	json_object *a = json_object_new_array();

	for (size_t i = 0; v && i < n; i++)
		v[i] = cgstats_at(e->cg, i);
	if (v)
		qsort(v, n, sizeof(*v), cmp_cg);
	for (size_t i = 0; v && i < n && (int)i < top_n; i++) {
		json_object *o = json_object_new_object();

		add(o, "id", i64(v[i]->id));
		add(o, "path", json_out_string(v[i]->path[0] ? v[i]->path : "?"));
		add(o, "name", json_out_string(v[i]->name[0] ? v[i]->name : "?"));
		add(o, "storage_count", i64(v[i]->storage_count));
		add(o, "storage_us", i64(v[i]->storage_ns / 1000));
		add(o, "wait_count", i64(v[i]->wait_count));
		add(o, "wait_us", i64(v[i]->wait_ns / 1000));
		add(o, "block_count", i64(v[i]->block_count));
		add(o, "block_bytes", i64(v[i]->block_bytes));
		add(o, "samples", i64(v[i]->samples));
		json_object_array_add(a, o);
	}
	free(v);
	return a;
}

/* Mean and max of one field over the series. */
static json_object *series_stats(const struct series *s, size_t field)
{
	json_object *o = json_object_new_object();
	double sum = 0, max = 0;
	size_t n = 0;

	for (size_t i = 0; i < series_count(s); i++) {
		const double *v = series_get(s, i, NULL);

		if (!v || v[field] < 0)
			continue;
		sum += v[field];
		max = v[field] > max ? v[field] : max;
		n++;
	}
	add(o, "mean", num(n ? sum / n : 0));
	add(o, "max", num(max));
	add(o, "seconds", i64(n));
	return o;
}

static json_object *saturation_json(const struct satstore *s)
{
	json_object *o = json_object_new_object(), *psi = json_object_new_object();
	json_object *rq = json_object_new_object();

	for (int r = 0; r < 3; r++) {
		json_object *p = json_object_new_object();

		add(p, "some_pct", series_stats(s->psi, SAT_PSI_CPU_SOME + 2 * r));
		add(p, "full_pct", series_stats(s->psi, SAT_PSI_CPU_FULL + 2 * r));
		add(psi, psi_resource_name(r), p);
	}
	add(o, "psi", s->psi_available ? psi : (json_object_put(psi), NULL));
	add(rq, "count", i64(s->runq_all.count));
	add(rq, "p50_us", i64(hist_percentile(&s->runq_all, 50) / 1000));
	add(rq, "p99_us", i64(hist_percentile(&s->runq_all, 99) / 1000));
	add(rq, "max_us", i64(s->runq_all.max / 1000));
	add(rq, "p99_us_per_second", series_stats(s->runq, SAT_RUNQ_P99_US));
	add(o, "runq", s->runq_available ? rq : (json_object_put(rq), NULL));
	add(o, "dstate", dstate_json(s));
	add(o, "inflight_now", i64((uint64_t)s->ninflight));
	return o;
}

static int cmp_ops(const void *a, const void *b)
{
	const struct sat_ops *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/* --all-ops: the full distribution per process and type, busiest first. */
static json_object *all_ops_json(struct engine *e, int top_n)
{
	struct satstore *s = e->sat;
	struct sat_ops sorted[SAT_MAX_OPS];
	json_object *a = json_object_new_array();

	memcpy(sorted, s->ops, s->nops * sizeof(sorted[0]));
	qsort(sorted, s->nops, sizeof(sorted[0]), cmp_ops);
	for (int i = 0; i < s->nops && i < top_n; i++) {
		json_object *o = json_object_new_object();
		struct proc_node *n = proctree_find(e->pt, sorted[i].pid);

		add(o, "pid", i64(sorted[i].pid));
		add(o, "comm", json_out_string(n ? n->comm : "?"));
		add(o, "op", json_object_new_string(pl_type_name(sorted[i].type)));
		add(o, "count", i64(sorted[i].count));
		add(o, "p50_us", num(sorted[i].p50_ns / 1e3));
		add(o, "p90_us", num(sorted[i].p90_ns / 1e3));
		add(o, "p99_us", num(sorted[i].p99_ns / 1e3));
		add(o, "max_us", num(sorted[i].max_ns / 1e3));
		add(o, "mean_us", num(sorted[i].count ? sorted[i].sum_ns / 1e3 / sorted[i].count : 0));
		json_object_array_add(a, o);
	}
	return a;
}

void json_sat_summary(struct engine *e, json_object *summary, int top_n)
{
	struct satstore *s = e->sat;
	json_object *devs = json_object_new_array(), *self = self_now(s);

	for (int i = 0; i < s->ndevs; i++)
		json_object_array_add(devs, dev_summary(&s->devs[i]));
	add(summary, "devices", devs);
	add(summary, "cgroups", cgroups_json(e, top_n));
	add(summary, "saturation", saturation_json(s));
	add(self, "cpu_pct", series_stats(s->self, SAT_SELF_CPU_PCT));
	add(self, "bpf_pct", series_stats(s->self, SAT_SELF_BPF_PCT));
	add(self, "ring_fill_pct", series_stats(s->self, SAT_SELF_RING_FILL_PCT));
	add(self, "bpf_run_ns", i64(s->bpf_run_ns));
	add(self, "bpf_run_cnt", i64(s->bpf_run_cnt));
	add(summary, "self", self);
	if (s->nops)
		add(summary, "all_ops", all_ops_json(e, top_n));
}
