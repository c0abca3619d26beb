/* Stack frames and hot functions as JSON, from the resolver and the stores. */
#ifndef PERFLENS_JSON_STACKS_H
#define PERFLENS_JSON_STACKS_H

#include <json-c/json.h>

#include "../query/hot.h"
#include "../stack_resolver.h"

/* A json_out_ctx.frames callback (ctx = struct stack_resolver *). */
void json_stack_frames(void *ctx, uint32_t stack_id, json_object *arr);
/* {"event": ..., "samples": N, "counters": SOURCE, "counters_note": WHY,
 * "processes": [{pid, comm, samples, minflt, majflt, ctx_switches, counters
 * (when counted), functions: [{name, kernel, self, total}]}]} */
json_object *json_hot(const struct hot_table *t, struct engine *e, const char *pmu_event,
		      int top_procs, int top_funcs);

#endif
