/*
 * [findings]: the rule engine's open findings and health score, each
 * finding tagged fnd#N.  Their evidence is written with the ids the other
 * sections use (pid:N, dev#N, stk#N, io#N), so a finding the model cites
 * verifies, and jumps to the same entity; evidence the other sections do
 * not carry is written as plain text, never as an id that was not sent.
 */
#include <stdio.h>
#include <string.h>

#include "ai_prompt_int.h"

/* Findings rank just under the [sat] summary: they are the monitor's own
 * conclusions.  Critical ones before warnings, the worst first. */
#define RANK_HEALTH 99
#define RANK_CRITICAL 98
#define RANK_WARNING 92

static int dev_index(const struct ai_snapshot *s, const char *name)
{
	for (int i = 0; i < s->ndevs; i++)
		if (!strcmp(s->devs[i].name, name))
			return i;
	return -1;
}

static int stack_index(const struct ai_snapshot *s, uint32_t id)
{
	for (int i = 0; id && i < s->nstacks; i++)
		if (s->stacks[i].ustack_id == id || s->stacks[i].kstack_id == id)
			return i;
	return -1;
}

static int io_index(const struct ai_snapshot *s, const char *path)
{
	for (int i = 0; i < s->nio; i++)
		if (s->io[i].type != PL_EV_BLOCK && !strcmp(s->io[i].name, path))
			return i;
	return -1;
}

static void put_num(struct ai_buf *b, double v, const char *unit)
{
	ai_buf_printf(b, "%.3g%s%s", v, unit && *unit && *unit != '%' && *unit != '/' ? " " : "", unit ? unit : "");
}

static void put_evidence(struct ai_buf *b, const struct ai_snapshot *s,
			 const struct finding_evidence *v)
{
	int i;

	switch (v->kind) {
	case FEV_PROCESS:
		ai_buf_printf(b, "pid:%u ", v->pid);
		put_val(b, v->name, 16);
		break;
	case FEV_DEVICE:
		if ((i = dev_index(s, v->name)) >= 0)
			ai_buf_printf(b, "dev#%d ", i + 1);
		else
			ai_buf_puts(b, "device ");
		put_val(b, v->name, 31);
		break;
	case FEV_FILE:
		if ((i = io_index(s, v->name)) >= 0)
			ai_buf_printf(b, "io#%d ", i + 1);
		ai_buf_puts(b, "file ");
		put_val(b, v->name, 120);
		break;
	case FEV_STACK:
		if ((i = stack_index(s, v->stack_id)) >= 0)
			ai_buf_printf(b, "stk#%d", i + 1);
		else
			ai_buf_puts(b, "a stack");
		ai_buf_puts(b, " leaf ");
		put_val(b, v->name[0] ? v->name : "?", 80);
		break;
	case FEV_CGROUP:
		ai_buf_puts(b, "cgroup ");
		put_val(b, v->name, 120);
		break;
	default:
		put_val(b, v->name, 40);
		break;
	}
	if (v->what) {
		ai_buf_printf(b, " (%s", v->what); /* the rule engine's own words */
		if (v->unit) {
			ai_buf_puts(b, " ");
			put_num(b, v->value, v->unit);
		}
		ai_buf_puts(b, ")");
	}
}

static void put_subject(struct ai_buf *b, const struct ai_snapshot *s,
			const struct finding_subject *sub)
{
	int i;

	if (sub->scope == FSCOPE_PROCESS) {
		ai_buf_printf(b, " on pid:%u ", sub->pid);
		put_val(b, sub->name, 16);
	} else if (sub->scope == FSCOPE_DEVICE) {
		ai_buf_puts(b, " on ");
		if ((i = dev_index(s, sub->name)) >= 0)
			ai_buf_printf(b, "dev#%d ", i + 1);
		put_val(b, sub->name, 31);
	}
}

static void finding_line(struct lines *L, const struct ai_snapshot *s, int i, double rank)
{
	const struct finding *fd = &s->findings[i];
	const struct findings_rule *r = fd->rule;
	const char *unit = r ? findings_input_info(r->input)->unit : "";
	struct ai_buf *b = &L->cur;

	ai_buf_printf(b, "fnd#%d %s %s ", i + 1, findings_severity_name(fd->severity),
		      r ? r->id : "?");
	put_val(b, r ? r->title : "?", 80);
	put_subject(b, s, &fd->subject);
	ai_buf_puts(b, ": value=");
	put_num(b, fd->value, unit);
	if (r) {
		ai_buf_puts(b, " (warning ");
		put_num(b, r->warn, unit);
		ai_buf_puts(b, ", critical ");
		put_num(b, r->crit, unit);
		ai_buf_puts(b, ")");
	}
	ai_buf_printf(b, " for %llds", (long long)(fd->last_sec - fd->start_sec + 1));
	for (int k = 0; k < fd->nev; k++) {
		ai_buf_puts(b, k ? "; " : "; evidence: ");
		put_evidence(b, s, &fd->ev[k]);
	}
	line_end(L, SEC_FINDINGS, rank, false);
}

static void health_line(struct lines *L, const struct ai_snapshot *s)
{
	const struct findings_health *h = &s->health;
	struct ai_buf *b = &L->cur;

	ai_buf_printf(b, "[findings] perflens' rule engine: health=%d/100", h->score);
	for (int i = 0; i < h->nreasons; i++)
		ai_buf_printf(b, "%s%s -%.0f", i ? ", " : " (", findings_category_name(h->reasons[i].category),
			      h->reasons[i].points);
	ai_buf_printf(b, "%s%s; %d open finding(s)%s", h->nreasons ? ")" : "",
		      h->data_complete ? "" : ", data incomplete (perflens lost events)",
		      s->findings_open,
		      s->nfindings ? ", worst first (fnd#N, severity, rule, value against its "
				     "thresholds, evidence):" : "");
	line_end(L, SEC_FINDINGS, RANK_HEALTH, false);
}

void ai_prompt_sec_findings(struct lines *L, const struct ai_snapshot *s)
{
	int ncrit = 0, nwarn = 0;

	if (!s->have_findings)
		return;
	health_line(L, s);
	for (int i = 0; i < s->nfindings; i++) {
		bool crit = s->findings[i].severity == FINDING_CRITICAL;

		finding_line(L, s, i, crit ? RANK_CRITICAL - ncrit++ : RANK_WARNING - 3 * nwarn++);
	}
}
