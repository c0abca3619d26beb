#include "tick_apply.h"

#include <stdio.h>
#include <string.h>

static double getd(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_double(v) : 0;
}

static double getd_or(json_object *o, const char *k, double dflt)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_double(v) : dflt;
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static void apply_psi(struct satstore *s, json_object *psi, int64_t sec)
{
	static const char *const res[] = { "cpu", "io", "memory" };
	double v[SAT_PSI_NFIELDS];

	if (!psi)
		return;
	s->psi_available = true;
	for (int r = 0; r < 3; r++) {
		json_object *p = get(psi, res[r]);

		v[SAT_PSI_CPU_SOME10 + 2 * r] = getd(p, "some_avg10");
		v[SAT_PSI_CPU_FULL10 + 2 * r] = getd_or(p, "full_avg10", -1);
		v[SAT_PSI_CPU_SOME + 2 * r] = getd(p, "some_pct");
		v[SAT_PSI_CPU_FULL + 2 * r] = getd_or(p, "full_pct", -1);
	}
	series_push(s->psi, sec, v);
}

static void apply_runq(struct satstore *s, json_object *rq, int64_t sec)
{
	double v[SAT_RUNQ_NFIELDS];

	if (!rq)
		return;
	s->runq_available = true;
	v[SAT_RUNQ_COUNT] = getd(rq, "count");
	v[SAT_RUNQ_P50_US] = getd(rq, "p50_us");
	v[SAT_RUNQ_P99_US] = getd(rq, "p99_us");
	v[SAT_RUNQ_MAX_US] = getd(rq, "max_us");
	series_push(s->runq, sec, v);
}

static void apply_devices(struct satstore *s, json_object *devs, int64_t sec)
{
	size_t n = devs && json_object_is_type(devs, json_type_array) ? json_object_array_length(devs) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		json_object *name = get(d, "name");
		struct sat_dev *dev = name ? satstore_dev(s, json_object_get_string(name)) : NULL;
		double v[SAT_DEV_NFIELDS];

		if (!dev)
			continue;
		dev->iops = getd(d, "iops");
		dev->rbps = getd(d, "read_bytes_s");
		dev->wbps = getd(d, "write_bytes_s");
		dev->p50_us = (uint64_t)getd(d, "p50_us");
		dev->p90_us = (uint64_t)getd(d, "p90_us");
		dev->p99_us = (uint64_t)getd(d, "p99_us");
		dev->max_us = (uint64_t)getd(d, "max_us");
		dev->util_pct = getd(d, "util_pct");
		dev->qdepth = getd(d, "queue_depth");
		dev->in_flight = (uint64_t)getd(d, "in_flight");
		dev->requests = (uint64_t)getd(d, "requests_total");
		v[SAT_DEV_IOPS] = dev->iops;
		v[SAT_DEV_RBPS] = dev->rbps;
		v[SAT_DEV_WBPS] = dev->wbps;
		v[SAT_DEV_P99_US] = (double)dev->p99_us;
		v[SAT_DEV_UTIL] = dev->util_pct;
		v[SAT_DEV_QDEPTH] = dev->qdepth;
		series_push(dev->ts, sec, v);
	}
}

static void apply_self(struct satstore *s, json_object *self, int64_t sec)
{
	double v[SAT_SELF_NFIELDS] = { 0 };

	if (!self)
		return;
	s->self_cpu_pct = getd(self, "cpu_pct");
	s->self_bpf_pct = getd(self, "bpf_pct");
	s->self_rss_bytes = (uint64_t)getd(self, "rss_bytes");
	s->self_ring_fill_pct = getd(self, "ring_fill_pct");
	v[SAT_SELF_CPU_PCT] = s->self_cpu_pct;
	v[SAT_SELF_BPF_PCT] = s->self_bpf_pct;
	v[SAT_SELF_RSS_MB] = s->self_rss_bytes / 1048576.0;
	v[SAT_SELF_RING_FILL_PCT] = s->self_ring_fill_pct;
	series_push(s->self, sec, v);
}

static void apply_dstate(struct satstore *s, json_object *ds)
{
	json_object *procs = get(ds, "processes");
	size_t n = procs && json_object_is_type(procs, json_type_array)
			   ? json_object_array_length(procs) : 0;

	if (!ds)
		return;
	s->dstate_total = (uint32_t)getd(ds, "total");
	s->ndstate = 0;
	for (size_t i = 0; i < n && s->ndstate < SAT_MAX_DSTATE; i++) {
		json_object *p = json_object_array_get_idx(procs, i);
		json_object *c = get(p, "comm");
		struct sat_dstate *d = &s->dstate[s->ndstate++];

		d->pid = (uint32_t)getd(p, "pid");
		d->count = (uint32_t)getd(p, "count");
		snprintf(d->comm, sizeof(d->comm), "%s", c ? json_object_get_string(c) : "");
	}
}

void tick_apply(struct satstore *s, json_object *tick)
{
	int64_t sec = (int64_t)getd(tick, "sec");

	if (!tick || !json_object_is_type(tick, json_type_object) || sec < 0)
		return;
	apply_psi(s, get(tick, "psi"), sec);
	apply_runq(s, get(tick, "runq"), sec);
	apply_devices(s, get(tick, "devices"), sec);
	apply_self(s, get(tick, "self"), sec);
	apply_dstate(s, get(tick, "dstate"));
	s->last_sec = sec;
}
