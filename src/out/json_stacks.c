#include "json_stacks.h"

#include <stdio.h>
#include <string.h>

#include "../sys/procfaults.h"
#include "json_counters.h"
#include "json_out.h"

void json_stack_frames(void *ctx, uint32_t stack_id, json_object *arr)
{
	const struct stack_entry *e = stack_resolve(ctx, stack_id);

	for (unsigned i = 0; e && i < e->nframes; i++)
		json_object_array_add(arr, json_out_symbol(stack_entry_frame(e, i)));
}

/* Page faults and context switches from /proc while the process lives:
 * what a machine without a hardware PMU can still say about a process. */
static void add_proc_counters(json_object *o, uint32_t pid)
{
	struct procfaults f;

	if (procfaults_read("/proc", pid, &f))
		return;
	json_object_object_add(o, "minflt", json_object_new_int64((int64_t)f.minflt));
	json_object_object_add(o, "majflt", json_object_new_int64((int64_t)f.majflt));
	json_object_object_add(o, "ctx_switches", json_object_new_int64((int64_t)f.ctx_switches));
}

static json_object *funcs_json(const struct hot_proc *p, int top)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->nfuncs && (int)i < top; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "name", json_out_symbol(p->funcs[i].name));
		json_object_object_add(f, "kernel", json_object_new_boolean(p->funcs[i].kernel));
		json_object_object_add(f, "self", json_object_new_int64((int64_t)p->funcs[i].self));
		json_object_object_add(f, "total", json_object_new_int64((int64_t)p->funcs[i].total));
		json_object_array_add(a, f);
	}
	return a;
}

json_object *json_hot(const struct hot_table *t, struct engine *e, const char *pmu_event,
		      int top_procs, int top_funcs)
{
	json_object *h = json_object_new_object(), *procs = json_object_new_array();

	json_object_object_add(h, "event", json_object_new_string(pmu_event));
	json_object_object_add(h, "samples", json_object_new_int64((int64_t)t->samples));
	json_counters_state(h, e->sat);
	for (size_t i = 0; i < t->nprocs && (int)i < top_procs; i++) {
		const struct hot_proc *p = &t->procs[i];
		struct proc_node *n = proctree_find(e->pt, p->pid);
		json_object *o = json_object_new_object();
		const struct sat_pmc *c;

		json_object_object_add(o, "pid", json_object_new_int64(p->pid));
		json_object_object_add(o, "comm", json_out_string(n ? n->comm : ""));
		json_object_object_add(o, "samples", json_object_new_int64((int64_t)p->samples));
		add_proc_counters(o, p->pid);
		if ((c = satstore_pmc(e->sat, p->pid)))
			json_object_object_add(o, "counters", json_proc_counters(&c->c));
		json_object_object_add(o, "functions", funcs_json(p, top_funcs));
		json_object_array_add(procs, o);
	}
	json_object_object_add(h, "processes", procs);
	return h;
}
