#include "json_summary.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../live/loader.h"
#include "json_out.h"

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *paths_json(const struct pl_paths *p)
{
	json_object *o = json_object_new_object();

	add(o, "syscalls", json_object_new_string(p->syscalls));
	add(o, "block", json_object_new_string(p->block));
	add(o, "proc", json_object_new_string(p->proc));
	add(o, "exit", json_object_new_string(p->exit));
	add(o, "offcpu", json_object_new_string(p->offcpu));
	add(o, "pmu", json_object_new_string(p->pmu));
	if (p->fallbacks && p->fallbacks[0])
		add(o, "fallbacks", json_object_new_string(p->fallbacks));
	if (p->pmu_note && p->pmu_note[0])
		add(o, "pmu_fallback", json_object_new_string(p->pmu_note));
	if (p->counters) {
		add(o, "counters", json_object_new_string(p->counters));
		if (p->counters_note && p->counters_note[0])
			add(o, "counters_note", json_object_new_string(p->counters_note));
	}
	return o;
}

static json_object *wall_iso(double wall)
{
	char buf[64];
	time_t t = (time_t)wall;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%06dZ",
		 (int)((wall - (double)t) * 1e6));
	return json_object_new_string(buf);
}

json_object *json_ready(const struct engine *e, const struct pl_options *o,
			const struct pl_paths *paths)
{
	json_object *r = json_object_new_object(), *kinds = json_object_new_array();
	json_object *pids = json_object_new_array();

	add(r, "type", json_object_new_string("ready"));
	add(r, "version", json_object_new_string(PERFLENS_VERSION));
	add(r, "pid", json_object_new_int64(getpid()));
	add(r, "start_wall", wall_iso(e->origin_wall));
	add(r, "start_unix", json_out_fixed(e->origin_wall, 6));
	add(r, "threshold_us", json_object_new_int64((int64_t)(o->threshold_ns / 1000)));
	add(r, "block_threshold_us", json_object_new_int64((int64_t)(o->block_threshold_ns / 1000)));
	for (int k = 0; k < PL_KIND_MAX; k++)
		if (o->kinds_mask & (1u << k))
			json_object_array_add(kinds, json_object_new_string(pl_kind_name(k)));
	add(r, "kinds", kinds);
	for (int i = 0; i < o->npids; i++)
		json_object_array_add(pids, json_object_new_int64(o->pids[i]));
	add(r, "pids", pids);
	add(r, "follow_children", json_object_new_boolean(o->follow_children));
	add(r, "comm", o->comm[0] ? json_out_string(o->comm) : NULL);
	add(r, "cgroup", o->cgroup_path[0] ? json_out_string(o->cgroup_path) : NULL);
	add(r, "all_ops", json_object_new_boolean(o->all_ops));
	add(r, "scrub", json_object_new_boolean(o->scrub));
	add(r, "stack_depth", json_object_new_int(o->stack_depth));
	if (paths)
		add(r, "attach", paths_json(paths));
	return r;
}

static json_object *lat_json(const struct hist *h)
{
	json_object *o = json_object_new_object();

	add(o, "count", json_object_new_int64((int64_t)h->count));
	add(o, "p50_us", json_object_new_int64((int64_t)(hist_percentile(h, 50) / 1000)));
	add(o, "p90_us", json_object_new_int64((int64_t)(hist_percentile(h, 90) / 1000)));
	add(o, "p99_us", json_object_new_int64((int64_t)(hist_percentile(h, 99) / 1000)));
	add(o, "max_us", json_object_new_int64((int64_t)(h->max / 1000)));
	return o;
}

static json_object *counts_json(const struct engine_totals *t)
{
	json_object *o = json_object_new_object();

	for (int ty = PL_EV_READ; ty < PL_EV_TYPE_MAX; ty++) {
		json_object *c = json_object_new_object(), *bk = json_object_new_object();
		uint64_t total = 0;

		for (int k = 0; k < PL_KIND_MAX; k++) {
			total += t->count[ty][k];
			if (t->count[ty][k] && ty <= PL_EV_BLOCK)
				add(bk, pl_kind_name(k), json_object_new_int64((int64_t)t->count[ty][k]));
		}
		add(c, "total", json_object_new_int64((int64_t)total));
		if (ty <= PL_EV_BLOCK) {
			add(c, "by_kind", bk);
			add(c, "latency", lat_json(&t->lat[ty]));
		} else {
			json_object_put(bk);
		}
		add(o, pl_type_name(ty), c);
	}
	return o;
}

struct top_entry {
	const struct proc_node *n;
	uint64_t ns, count, bytes;
};

struct top_ctx {
	struct top_entry *storage, *waits;
	int n, nstorage, nwaits;
};

static void top_insert(struct top_entry *arr, int *len, int cap, struct top_entry e)
{
	int i = *len < cap ? (*len)++ : cap - 1;

	if (i == cap - 1 && *len == cap && arr[i].ns >= e.ns)
		return;
	while (i > 0 && arr[i - 1].ns < e.ns) {
		arr[i] = arr[i - 1];
		i--;
	}
	arr[i] = e;
}

static int top_visit(struct proc_node *n, void *arg)
{
	struct top_ctx *c = arg;
	struct top_entry s = { n, n->st.block_ns, n->st.block_count, n->st.block_bytes };
	struct top_entry w = { n, 0, 0, 0 };

	for (int k = 0; k < PL_KIND_MAX; k++) {
		struct top_entry *t = pl_kind_is_storage(k) ? &s : &w;

		t->ns += n->st.slow_ns[k];
		t->count += n->st.slow_count[k];
	}
	if (s.count)
		top_insert(c->storage, &c->nstorage, c->n, s);
	if (w.count)
		top_insert(c->waits, &c->nwaits, c->n, w);
	return 0;
}

static json_object *top_json(const struct top_entry *arr, int n, bool storage)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		const struct proc_node *p = arr[i].n;

		add(o, "pid", json_object_new_int64(p->pid));
		add(o, "comm", json_out_string(p->comm));
		add(o, "count", json_object_new_int64((int64_t)arr[i].count));
		add(o, "total_us", json_object_new_int64((int64_t)(arr[i].ns / 1000)));
		if (storage)
			add(o, "block_bytes", json_object_new_int64((int64_t)arr[i].bytes));
		add(o, "exited", json_object_new_boolean(p->exited));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *drops_json(struct engine *e, const struct summary_inputs *in)
{
	json_object *o = json_object_new_object(), *rb = json_object_new_object();
	uint64_t total = 0;

	for (int t = PL_EV_READ; t < PL_EV_TYPE_MAX; t++) {
		total += in->src.kernel_drops[t];
		add(rb, pl_type_name(t), json_object_new_int64((int64_t)in->src.kernel_drops[t]));
	}
	add(o, "ringbuf", rb);
	add(o, "ringbuf_total", json_object_new_int64((int64_t)total));
	add(o, "output_queue", json_object_new_int64((int64_t)in->output_dropped));
	add(o, "decode_errors", json_object_new_int64((int64_t)in->src.decode_errors));
	add(o, "inflight_map_full", json_object_new_int64((int64_t)in->src.inflight_full));
	add(o, "block_map_full", json_object_new_int64((int64_t)in->src.block_map_full));
	add(o, "block_no_start", json_object_new_int64((int64_t)in->src.block_no_start));
	add(o, "timeline_late", json_object_new_int64((int64_t)timeline_late_dropped(e->tl)));
	add(o, "proctree_refused", json_object_new_int64((int64_t)proctree_refused(e->pt)));
	add(o, "stacks_refused", json_object_new_int64((int64_t)stackstore_refused(e->stacks)));
	add(o, "stack_aggregates_refused", json_object_new_int64((int64_t)stackagg_refused(e->agg)));
	add(o, "cgroups_refused", json_object_new_int64((int64_t)cgstats_refused(e->cg)));
	add(o, "devices_left_out", json_object_new_int64((int64_t)e->sat->devs_left_out));
	add(o, "counters_map_full", json_object_new_int64((int64_t)e->sat->pmc_procs_full));
	add(o, "counters_left_out", json_object_new_int64((int64_t)e->sat->pmc_left_out));
	add(o, "block_completion_unseen", json_object_new_int64((int64_t)in->src.block_no_completion));
	add(o, "block_submitters_over_cap",
	    json_object_new_int64((int64_t)in->src.block_submitters_full));
	return o;
}

json_object *json_summary(struct engine *e, const struct summary_inputs *in)
{
	json_object *s = json_object_new_object(), *blk = json_object_new_object();
	int n = in->top_n > 0 ? in->top_n : 10;
	struct top_ctx tc = { calloc(n, sizeof(struct top_entry)), calloc(n, sizeof(struct top_entry)), n, 0, 0 };

	add(s, "type", json_object_new_string("summary"));
	add(s, "duration_s", json_out_fixed(in->duration_s, 3));
	add(s, "events", json_object_new_int64((int64_t)e->events));
	add(s, "counts", counts_json(&e->tot));
	add(s, "drops", drops_json(e, in));
	add(blk, "bytes", json_object_new_int64((int64_t)e->tot.block_bytes));
	add(blk, "issued_by_other_task", json_object_new_int64((int64_t)in->src.block_other_issuer));
	add(blk, "issued_by_other_task_reported",
	    json_object_new_int64((int64_t)e->tot.block_other_issuer));
	add(blk, "writeback_requests", json_object_new_int64((int64_t)e->tot.block_kthread));
	add(blk, "note", json_object_new_string(
		"requests are charged to the submitting process; writeback is charged to the "
		"flusher thread (kworker), marked writeback:true"));
	add(s, "block", blk);
	if (tc.storage && tc.waits)
		proctree_foreach(e->pt, top_visit, &tc);
	add(s, "top_storage", top_json(tc.storage, tc.nstorage, true));
	add(s, "top_waits", top_json(tc.waits, tc.nwaits, false));
	add(s, "processes", json_object_new_int64((int64_t)proctree_count(e->pt)));
	add(s, "output_written", json_object_new_int64((int64_t)in->output_written));
	if (in->paths)
		add(s, "attach", paths_json(in->paths));
	if (in->hot)
		add(s, "hot", in->hot);
	if (in->extra) {
		json_object_object_foreach(in->extra, k, v)
			add(s, k, json_object_get(v));
		json_object_put(in->extra);
	}
	free(tc.storage);
	free(tc.waits);
	return s;
}
