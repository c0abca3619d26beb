/* The ready line and the closing summary of a headless run. */
#ifndef PERFLENS_JSON_SUMMARY_H
#define PERFLENS_JSON_SUMMARY_H

#include <json-c/json.h>

#include "../engine.h"
#include "../options.h"
#include "../source.h"

struct pl_paths;

/* What the summary reports besides the stores. */
struct summary_inputs {
	const struct pl_paths *paths;   /* NULL for replay */
	struct pl_source_stats src;
	uint64_t output_dropped;        /* writer queue full */
	uint64_t output_written;
	double duration_s;
	int top_n;
	json_object *hot;               /* taken over when set (json_hot) */
	json_object *extra;             /* more top-level keys to merge (taken over) */
};

json_object *json_ready(const struct engine *e, const struct pl_options *o,
			const struct pl_paths *paths);
/* Build from the stores; caller holds the engine lock. */
json_object *json_summary(struct engine *e, const struct summary_inputs *in);

#endif
