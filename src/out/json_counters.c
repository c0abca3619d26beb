#include "json_counters.h"

#include <stdlib.h>

#include "../query/counters.h"
#include "json_out.h"

static json_object *ratio_or_null(bool has, double v, int decimals)
{
	return has ? json_out_fixed(v, decimals) : NULL;
}

json_object *json_proc_counters(const struct pl_pmc_counts *c)
{
	static const char *const names[PL_PMC_SLOTS] = {
		"cycles", "instructions", "cache_references", "cache_misses",
	};
	json_object *o = json_object_new_object();
	struct counter_ratios r;

	counter_ratios(c, &r);
	for (int i = 0; i < PL_PMC_SLOTS; i++)
		json_object_object_add(o, names[i], json_object_new_int64((int64_t)(r.scaled[i] + 0.5)));
	json_object_object_add(o, "ipc", ratio_or_null(r.has_ipc, r.ipc, 3));
	json_object_object_add(o, "cache_miss_pct", ratio_or_null(r.has_miss, r.miss_pct, 2));
	json_object_object_add(o, "counted_pct", json_out_fixed(r.counted_pct, 1));
	return o;
}

void json_counters_state(json_object *o, const struct satstore *sat)
{
	bool replay = !sat->pmc_source[0];

	json_object_object_add(o, "counters",
			       json_object_new_string(replay ? "unavailable" : sat->pmc_source));
	if (replay)
		json_object_object_add(o, "counters_note",
				       json_object_new_string("counters are not in recordings"));
	else if (sat->pmc_note[0])
		json_object_object_add(o, "counters_note", json_object_new_string(sat->pmc_note));
}

static int by_cycles_desc(const void *a, const void *b)
{
	uint64_t x = (*(const struct sat_pmc *const *)a)->c.count[PL_PMC_CYCLES];
	uint64_t y = (*(const struct sat_pmc *const *)b)->c.count[PL_PMC_CYCLES];

	return x < y ? 1 : x > y ? -1 : 0;
}

json_object *json_counters(struct engine *e, int top)
{
	const struct satstore *sat = e->sat;
	json_object *o = json_object_new_object(), *procs = json_object_new_array();
	const struct sat_pmc *order[SAT_MAX_PMC];

	json_counters_state(o, sat);
	for (int i = 0; i < sat->npmc; i++)
		order[i] = &sat->pmc[i];
	qsort(order, (size_t)sat->npmc, sizeof(order[0]), by_cycles_desc);
	for (int i = 0; i < sat->npmc && i < top; i++) {
		struct proc_node *n = proctree_find(e->pt, order[i]->pid);
		json_object *p = json_proc_counters(&order[i]->c);

		/* pid and comm first, for people reading the line. */
		json_object *row = json_object_new_object();

		json_object_object_add(row, "pid", json_object_new_int64(order[i]->pid));
		json_object_object_add(row, "comm", json_out_string(n ? n->comm : ""));
		json_object_object_foreach(p, k, v)
			json_object_object_add(row, k, json_object_get(v));
		json_object_put(p);
		json_object_array_add(procs, row);
	}
	json_object_object_add(o, "processes", procs);
	return o;
}
