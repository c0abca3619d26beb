/*
 * Findings as JSON (json-c only; every string from the traced system goes
 * through json_out_string, so it is valid UTF-8 and scrubbed).
 *
 *   {"type":"finding","id":3,"rule":"slow_storage","state":"open",
 *    "severity":"warning","subject":"system","value":38,"unit":"ops/s",
 *    "warn":10,"crit":100,"evidence":[{"id":"pid:4242",...}],...}
 */
#ifndef PERFLENS_FINDINGS_JSON_H
#define PERFLENS_FINDINGS_JSON_H

#include <json-c/json.h>

#include "findings.h"

/* One finding: the line printed when it opens, changes severity or clears. */
json_object *findings_json_finding(const struct finding *fd);
/* The summary's "health": score, formula, reasons. */
json_object *findings_json_health(struct findings *f);
/* The summary's "findings": counts and the open and recent findings. */
json_object *findings_json_list(struct findings *f);
/* A finding line read back (a recording): the rule by its id in this
 * build's table; evidence keeps its ids, names and values (its "what" and
 * "unit" labels stay NULL).  -EINVAL when it is not a finding line or its
 * rule is unknown. */
int findings_json_parse(json_object *o, struct finding *fd);
/* A recorded finding line applied to the store ctx (a struct findings):
 * parsed, then findings_apply.  Lines it cannot read are skipped.  With
 * findings_json_reset, the shape of a replay feed (src/record/replay.h). */
void findings_json_apply(void *ctx, json_object *line);
void findings_json_reset(void *ctx);
/* Add "health" and "findings" to a summary object. */
void findings_json_summary(struct findings *f, json_object *summary);

#endif
