/* Saturation, devices, cgroups and own cost as JSON (tick lines, summary). */
#ifndef PERFLENS_JSON_SAT_H
#define PERFLENS_JSON_SAT_H

#include <json-c/json.h>

#include "../engine.h"

/* Render the current sample as the tick object for sec; engine lock held. */
json_object *json_tick_build(struct engine *e, int64_t sec);
/* A json_out_ctx.tick callback (ctx = engine): the kept tick for sec (takes
 * the engine lock), or NULL when it is no longer kept. */
json_object *json_tick(void *ctx, int64_t sec);
/* Summary objects "devices", "cgroups", "saturation", "self"; engine lock held. */
void json_sat_summary(struct engine *e, json_object *summary, int top_n);

#endif
