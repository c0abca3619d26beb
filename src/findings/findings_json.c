#include "findings_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The id, then the fields that identify the entity. */
static void evidence_ids(json_object *o, const struct finding_evidence *v)
{
	char id[FINDING_NAME_MAX + 16];

	findings_evidence_id(v, id, sizeof(id));
	add(o, "id", json_out_string(id));
	switch (v->kind) {
	case FEV_PROCESS:
		add(o, "pid", json_object_new_int64(v->pid));
		add(o, "start_ns", json_object_new_int64((int64_t)v->start_ns));
		add(o, "ppid", json_object_new_int64(v->ppid));
		add(o, "comm", json_out_string(v->name));
		if (v->cgroup_id)
			add(o, "cgroup_id", json_object_new_int64((int64_t)v->cgroup_id));
		break;
	case FEV_FILE:
		add(o, "path", json_out_string(v->name));
		break;
	case FEV_STACK:
		add(o, "stack_id", json_object_new_int64(v->stack_id));
		break;
	case FEV_CGROUP:
		add(o, "path", json_out_string(v->name));
		add(o, "cgroup_id", json_object_new_int64((int64_t)v->cgroup_id));
		break;
	default:
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

/* ------------------------------------------------------------ reading back */

static const char *str_of(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : "";
}

static int64_t int_of(json_object *o, const char *k, int64_t dflt)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : dflt;
}

static double num_of(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_double(v) : 0;
}

static enum finding_severity severity_of(const char *s)
{
	return !strcmp(s, "critical") ? FINDING_CRITICAL : !strcmp(s, "warning") ? FINDING_WARNING
										 : FINDING_NONE;
}

static int kind_of(const char *s)
{
	for (int k = 0; k < FEV_NKINDS; k++)
		if (!strcmp(findings_ev_kind_name((enum finding_ev_kind)k), s))
			return k;
	return -1;
}

/* The entity's name: the field its kind writes (see evidence_ids). */
static const char *name_field(enum finding_ev_kind k)
{
	return k == FEV_PROCESS ? "comm" : k == FEV_FILE || k == FEV_CGROUP ? "path" : "name";
}

static void parse_evidence(json_object *arr, struct finding *fd)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n && fd->nev < FINDING_MAX_EVIDENCE; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct finding_evidence *v = &fd->ev[fd->nev];
		int kind = kind_of(str_of(o, "kind"));

		if (kind < 0)
			continue;
		memset(v, 0, sizeof(*v));
		v->kind = (enum finding_ev_kind)kind;
		v->pid = (uint32_t)int_of(o, "pid", 0);
		v->ppid = (uint32_t)int_of(o, "ppid", 0);
		v->start_ns = (uint64_t)int_of(o, "start_ns", 0);
		v->stack_id = (uint32_t)int_of(o, "stack_id", 0);
		v->cgroup_id = (uint64_t)int_of(o, "cgroup_id", 0);
		v->value = num_of(o, "value");
		snprintf(v->name, sizeof(v->name), "%s", str_of(o, name_field(v->kind)));
		fd->nev++;
	}
}

/* "pid:N", "dev:NAME" or "system"; a process takes its comm and start time
 * from its evidence. */
static void parse_subject(const char *s, struct finding *fd)
{
	struct finding_subject *sub = &fd->subject;

	memset(sub, 0, sizeof(*sub));
	if (!strncmp(s, "pid:", 4)) {
		sub->scope = FSCOPE_PROCESS;
		sub->pid = (uint32_t)strtoul(s + 4, NULL, 10);
		for (int i = 0; i < fd->nev; i++)
			if (fd->ev[i].kind == FEV_PROCESS && fd->ev[i].pid == sub->pid) {
				sub->start_ns = fd->ev[i].start_ns;
				snprintf(sub->name, sizeof(sub->name), "%s", fd->ev[i].name);
				break;
			}
	} else if (!strncmp(s, "dev:", 4)) {
		sub->scope = FSCOPE_DEVICE;
		snprintf(sub->name, sizeof(sub->name), "%s", s + 4);
	}
}

int findings_json_parse(json_object *o, struct finding *fd)
{
	json_object *ev = NULL;
	const char *state;

	memset(fd, 0, sizeof(*fd));
	if (!json_object_is_type(o, json_type_object) || strcmp(str_of(o, "type"), "finding"))
		return -EINVAL;
	fd->rule = findings_rule_by_id(str_of(o, "rule"));
	fd->id = (uint64_t)int_of(o, "id", 0);
	if (!fd->rule || !fd->id)
		return -EINVAL;
	state = str_of(o, "state");
	fd->state = !strcmp(state, "cleared") ? FINDING_CLEARED
		    : !strcmp(state, "ongoing") ? FINDING_ONGOING : FINDING_OPEN;
	fd->severity = severity_of(str_of(o, "severity"));
	fd->peak_severity = severity_of(str_of(o, "peak_severity"));
	fd->last_sec = int_of(o, "ts", 0);
	fd->start_sec = int_of(o, "start", fd->last_sec);
	fd->open_sec = int_of(o, "opened", fd->last_sec);
	fd->end_sec = int_of(o, "end", -1);
	fd->value = num_of(o, "value");
	fd->peak = num_of(o, "peak");
	if (json_object_object_get_ex(o, "evidence", &ev))
		parse_evidence(ev, fd);
	parse_subject(str_of(o, "subject"), fd);
	return 0;
}

void findings_json_apply(void *ctx, json_object *line)
{
	struct finding fd;

	if (!findings_json_parse(line, &fd))
		findings_apply(ctx, &fd);
}

void findings_json_reset(void *ctx)
{
	findings_reset(ctx);
}
