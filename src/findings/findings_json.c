#include "findings_json.h"

#include <stdio.h>
#include <stdlib.h>

#include "../out/json_out.h"

#define JSON_LIST_MAX (FINDINGS_MAX_OPEN + 64)

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *num(double v)
{
	return json_out_fixed(v, 2);
}

/* "prefix" + raw bytes, made safe as one string. */
static json_object *tagged(const char *prefix, const char *raw)
{
	char buf[FINDING_NAME_MAX + 16];

	snprintf(buf, sizeof(buf), "%s%s", prefix, raw);
	return json_out_string(buf);
}

static json_object *subject_id(const struct finding_subject *s)
{
	char buf[48];

	if (s->scope == FSCOPE_PROCESS) {
		snprintf(buf, sizeof(buf), "pid:%u", s->pid);
		return json_object_new_string(buf);
	}
	return s->scope == FSCOPE_DEVICE ? tagged("dev:", s->name) : json_object_new_string("system");
}

static void evidence_ids(json_object *o, const struct finding_evidence *v)
{
	char buf[32];

	switch (v->kind) {
	case FEV_PROCESS:
		snprintf(buf, sizeof(buf), "pid:%u", v->pid);
		add(o, "id", json_object_new_string(buf));
		add(o, "pid", json_object_new_int64(v->pid));
		add(o, "start_ns", json_object_new_int64((int64_t)v->start_ns));
		add(o, "ppid", json_object_new_int64(v->ppid));
		add(o, "comm", json_out_string(v->name));
		if (v->cgroup_id)
			add(o, "cgroup_id", json_object_new_int64((int64_t)v->cgroup_id));
		break;
	case FEV_DEVICE:
		add(o, "id", tagged("dev:", v->name));
		add(o, "name", json_out_string(v->name));
		break;
	case FEV_FILE:
		add(o, "id", tagged("file:", v->name));
		add(o, "path", json_out_string(v->name));
		break;
	case FEV_STACK:
		snprintf(buf, sizeof(buf), "stk#%u", v->stack_id);
		add(o, "id", json_object_new_string(buf));
		add(o, "stack_id", json_object_new_int64(v->stack_id));
		break;
	case FEV_CGROUP:
		add(o, "id", tagged("cg:", v->name));
		add(o, "path", json_out_string(v->name));
		add(o, "cgroup_id", json_object_new_int64((int64_t)v->cgroup_id));
		break;
	default:
		add(o, "id", tagged("counter:", v->name));
		add(o, "name", json_out_string(v->name));
		break;
	}
}

static json_object *evidence(const struct finding *fd)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; i < fd->nev; i++) {
		const struct finding_evidence *v = &fd->ev[i];
		json_object *o = json_object_new_object();

		add(o, "kind", json_object_new_string(findings_ev_kind_name(v->kind)));
		evidence_ids(o, v);
		add(o, "value", num(v->value));
		add(o, "unit", json_object_new_string(v->unit ? v->unit : ""));
		add(o, "what", json_object_new_string(v->what ? v->what : ""));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *recommendations(const struct finding *fd)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; i < FINDINGS_MAX_RECS && fd->rule->recs[i].command; i++) {
		const struct findings_rec *r = &fd->rule->recs[i];
		json_object *o = json_object_new_object();
		char cmd[512];

		findings_rec_command(fd, r, cmd, sizeof(cmd));
		add(o, "command", json_out_string(cmd));
		add(o, "read_only", json_object_new_boolean(!r->changes_system));
		add(o, "what", json_object_new_string(r->what));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void add_thresholds(json_object *o, const struct findings_rule *r)
{
	const struct findings_input_info *in = findings_input_info(r->input);

	add(o, "unit", json_object_new_string(in->unit));
	add(o, "warn", num(r->warn));
	add(o, "crit", num(r->crit));
	add(o, "fire_after_s", json_object_new_int(r->fire_after_s));
	add(o, "clear_after_s", json_object_new_int(r->clear_after_s));
	if (r->min_support > 0 && in->support) {
		add(o, "min_support", num(r->min_support));
		add(o, "support_unit", json_object_new_string(in->support_unit));
	}
}

json_object *findings_json_finding(const struct finding *fd)
{
	const struct findings_rule *r = fd->rule;
	json_object *o = json_object_new_object();

	add(o, "type", json_object_new_string("finding"));
	add(o, "id", json_object_new_int64((int64_t)fd->id));
	add(o, "rule", json_object_new_string(r->id));
	add(o, "title", json_object_new_string(r->title));
	add(o, "category", json_object_new_string(findings_category_name(r->category)));
	add(o, "state", json_object_new_string(findings_state_name(fd->state)));
	add(o, "severity", json_object_new_string(findings_severity_name(fd->severity)));
	add(o, "peak_severity", json_object_new_string(findings_severity_name(fd->peak_severity)));
	add(o, "ts", json_object_new_int64(fd->last_sec));
	add(o, "start", json_object_new_int64(fd->start_sec));
	add(o, "opened", json_object_new_int64(fd->open_sec));
	if (fd->end_sec >= 0)
		add(o, "end", json_object_new_int64(fd->end_sec));
	add(o, "duration_s", json_object_new_int64(fd->last_sec - fd->start_sec + 1));
	add(o, "subject", subject_id(&fd->subject));
	add(o, "value", num(fd->value));
	add(o, "peak", num(fd->peak));
	add_thresholds(o, r);
	add(o, "evidence", evidence(fd));
	add(o, "explain", json_object_new_string(r->explain));
	add(o, "recommendations", recommendations(fd));
	return o;
}

json_object *findings_json_health(struct findings *f)
{
	const struct findings_health_model *m = findings_health_model();
	struct findings_health h;
	json_object *o = json_object_new_object(), *arr = json_object_new_array();

	findings_health(f, &h);
	add(o, "score", json_object_new_int(h.score));
	add(o, "formula", json_object_new_string(m->formula));
	add(o, "data_complete", json_object_new_boolean(h.data_complete));
	if (h.caveat)
		add(o, "caveat", json_object_new_string(h.caveat->id));
	add(o, "open_findings", json_object_new_int(h.nopen));
	for (int i = 0; i < h.nreasons; i++) {
		const struct findings_health_reason *r = &h.reasons[i];
		json_object *x = json_object_new_object();

		add(x, "category", json_object_new_string(findings_category_name(r->category)));
		add(x, "points", num(r->points));
		add(x, "rule", json_object_new_string(r->rule->id));
		add(x, "title", json_object_new_string(r->rule->title));
		add(x, "severity", json_object_new_string(findings_severity_name(r->severity)));
		add(x, "subject", subject_id(&r->subject));
		add(x, "value", num(r->value));
		add(x, "unit", json_object_new_string(findings_input_info(r->rule->input)->unit));
		add(x, "finding", json_object_new_int64((int64_t)r->finding_id));
		json_object_array_add(arr, x);
	}
	add(o, "reasons", arr);
	return o;
}

json_object *findings_json_list(struct findings *f)
{
	struct finding *all = calloc(JSON_LIST_MAX, sizeof(*all));
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	struct findings_stats st;
	size_t n = all ? findings_list(f, all, JSON_LIST_MAX, true) : 0;

	findings_stats(f, &st);
	add(o, "opened", json_object_new_int64((int64_t)st.opened));
	add(o, "cleared", json_object_new_int64((int64_t)st.cleared));
	add(o, "history_dropped", json_object_new_int64((int64_t)st.history_dropped));
	add(o, "evaluations", json_object_new_int64((int64_t)st.evaluations));
	add(o, "eval_us_last", num(st.last_eval_ns / 1e3));
	add(o, "eval_us_max", num(st.max_eval_ns / 1e3));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, findings_json_finding(&all[i]));
	add(o, "list", arr);
	free(all);
	return o;
}

void findings_json_summary(struct findings *f, json_object *summary)
{
	add(summary, "health", findings_json_health(f));
	add(summary, "findings", findings_json_list(f));
}
