/* Per-process counters (IPC, cache-miss rate) as JSON, from the saturation
 * store the sampler fills. */
#ifndef PERFLENS_JSON_COUNTERS_H
#define PERFLENS_JSON_COUNTERS_H

#include <json-c/json.h>

#include "../engine.h"

/* {cycles, instructions, cache_references, cache_misses, ipc, cache_miss_pct,
 * counted_pct}: scaled estimates; ipc / cache_miss_pct null when undefined. */
json_object *json_proc_counters(const struct pl_pmc_counts *c);
/* Add "counters" (the source) and "counters_note" (when there is one) to o. */
void json_counters_state(json_object *o, const struct satstore *sat);
/* The summary's "counters": the state, then the top processes by cycles. */
json_object *json_counters(struct engine *e, int top);

#endif
