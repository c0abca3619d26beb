#include "findings_doc.h"

#include <errno.h>

#include "rules.h"

static const char *const scope_names[] = {
	[FSCOPE_SYSTEM] = "system", [FSCOPE_DEVICE] = "per device", [FSCOPE_PROCESS] = "per process",
};

static const char *const filter_names[] = {
	[FFILT_ANY] = "", [FFILT_ROTATIONAL] = " (rotational devices)",
	[FFILT_NONROTATIONAL] = " (non-rotational devices)",
};

static void doc_intro(FILE *out)
{
	fputs("# Findings\n\n"
	      "<!-- GENERATED from src/findings/rules.c by src/findings/findings_doc.c: do not edit.\n"
	      "     Regenerate: make -B .output/helpers/find_gendoc && .output/helpers/find_gendoc > docs/findings.md\n"
	      "     (tests/unit/test_findings_doc.c fails while this file and the table differ.) -->\n\n"
	      "perflens turns its live numbers into named problems. Once a second, on the sampler\n"
	      "thread, it evaluates every rule below against the stores and opens, updates or clears\n"
	      "**findings**. A finding carries its severity, when it started, the value against the\n"
	      "thresholds, evidence that points at the exact processes, devices, files and stacks in\n"
	      "the stores, a short explanation and recommendations. perflens never runs a\n"
	      "recommended command; each is marked read-only or changes-the-system.\n\n", out);
	fputs("## How a finding lives\n\n"
	      "- A rule reads one input and compares it with its thresholds: **over** means the value\n"
	      "  is at or above the threshold.\n"
	      "- It **opens** once the input has been over the warning threshold for *fire after*\n"
	      "  consecutive seconds, as a *critical* finding if it was over the critical threshold\n"
	      "  for as long, else a *warning*.\n"
	      "- While open it is **ongoing**: the severity rises after *fire after* seconds over the\n"
	      "  critical threshold and falls back after *clear after* seconds under it. Each change\n"
	      "  is a transition.\n"
	      "- It **clears** after *clear after* consecutive seconds under the warning threshold.\n"
	      "  A second in which the input is missing (device idle, process gone, gate not met)\n"
	      "  counts as under. Cleared findings go to a bounded history (64 by default).\n"
	      "- Device and process rules keep one finding per device or process; the others one for\n"
	      "  the system.\n"
	      "- Headless (`--json`), each transition prints a line `{\"type\":\"finding\",\"state\":\n"
	      "  \"open\"|\"ongoing\"|\"cleared\",\"rule\":...,\"severity\":...,\"evidence\":[...],...}`;\n"
	      "  the summary has `health` and `findings`.\n\n", out);
	fputs("## Evidence IDs\n\n"
	      "Evidence names store entities, so the views can jump to them. A process is `pid:N`\n"
	      "in a finding and in the AI prompt alike, so a finding and an AI answer can be checked\n"
	      "against each other; the prompt's `io#N`, `stk#N`, `dev#N` and `hot#N` number its own\n"
	      "lines instead (`stk#2` there is the prompt's second stack, not stack 2 below):\n\n"
	      "| ID | Entity |\n|---|---|\n"
	      "| `pid:N` | a process; `start_ns` (boot-time ns) tells a reused pid apart |\n"
	      "| `dev:NAME` | a block device (whole disk: `vda`, not `vda1`) |\n"
	      "| `file:PATH` | a file, as the event recorded it |\n"
	      "| `stk#N` | a stack in the stack store (where it waited, or was called from) |\n"
	      "| `cg:PATH` | a cgroup v2 path |\n"
	      "| `counter:NAME` | a measured figure with no entity (PSI shares, loss counters) |\n\n",
	      out);
	fputs("## Where findings appear\n\n"
	      "- **The screen** (docs/views.md): the dashboard's *health and findings* pane shows the\n"
	      "  score with its main reasons and the open findings (severity colour, age, rule,\n"
	      "  subject), as many as fit and then `+N more`; the findings view (`!`) lists the open\n"
	      "  and ongoing findings, then the history of cleared ones, each expandable into its\n"
	      "  explanation, evidence and recommendations. `Enter` on an evidence ID goes to the\n"
	      "  process, device, file, stack or cgroup; `?` on a finding shows its explanation and\n"
	      "  its rule's thresholds, fire and clear durations.\n"
	      "- **Headless** (`--json`): a `finding` line per transition; the summary's `health` and\n"
	      "  `findings`.\n"
	      "- **Recordings** (`--record`): each transition as a finding frame. `perflens --replay`\n"
	      "  feeds them, as the replay clock reaches them, into the same store the live rules\n"
	      "  fill, so the pane and the view show them as they were; `perflens report` lists them.\n\n",
	      out);
}

static void doc_health(FILE *out)
{
	const struct findings_health_model *m = findings_health_model();

	fprintf(out, "## Health score\n\n"
		"A single number from 0 to 100:\n\n    score = %s.\n\n", m->formula);
	fputs("One problem is counted once. Each category is one resource in the USE sense, and\n"
	      "every rule of a category describes the same problem from another side: a saturated\n"
	      "disk shows as latency, utilisation, queue depth, D-state tasks and I/O pressure at\n"
	      "once. The category is deducted once, at the severity of its worst open finding (then\n"
	      "the one furthest over its warning threshold), so a hot device is never counted through\n"
	      "both its utilisation and its alert. The score comes with its main reasons, the\n"
	      "deducting categories, most points first.\n\n"
	      "| Category | Weight | Rules |\n|---|---|---|\n", out);
	for (int c = 0; c < FCAT_COUNT; c++) {
		size_t n;
		const struct findings_rule *r = findings_rules(&n);
		const char *sep = "";

		fprintf(out, "| %s | %d | ", findings_category_name(c), m->weight[c]);
		for (size_t i = 0; i < n; i++)
			if (r[i].category == (enum findings_category)c) {
				fprintf(out, "%s`%s`", sep, r[i].id);
				sep = ", ";
			}
		fputs(" |\n", out);
	}
	fprintf(out, "\nA warning deducts %g of the weight, a critical finding %g. The monitor\n"
		"category weighs 0: when perflens loses data or overruns its budget the system is no\n"
		"less healthy, but the score may be optimistic, so `data_complete` turns false and the\n"
		"`caveat` names the rule. Examples: a storage warning alone gives %g; critical storage\n"
		"and a CPU warning give %g.\n\n", m->warn_factor, m->crit_factor,
		100 - m->weight[FCAT_STORAGE] * m->warn_factor,
		100 - m->weight[FCAT_STORAGE] * m->crit_factor - m->weight[FCAT_CPU] * m->warn_factor);
}

static void doc_inputs(FILE *out)
{
	fputs("## Inputs\n\n| Input | Unit | Scope | How it is measured |\n|---|---|---|---|\n", out);
	for (int i = 0; i < FIN_COUNT; i++) {
		const struct findings_input_info *in = findings_input_info(i);

		fprintf(out, "| `%s` | %s | %s | %s |\n", in->name, in->unit, scope_names[in->scope],
			in->source);
	}
	fputs("\n", out);
}

static void doc_table(FILE *out, const struct findings_rule *r, size_t n)
{
	fputs("## Rules\n\n| Rule | Title | Reads | Warning | Critical | Fire after | Clear after "
	      "| Category |\n|---|---|---|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct findings_input_info *in = findings_input_info(r[i].input);

		fprintf(out, "| [`%s`](#%s) | %s | `%s`%s | >= %g %s | >= %g %s | %u s | %u s | %s |\n",
			r[i].id, r[i].id, r[i].title, in->name, filter_names[r[i].filter], r[i].warn,
			in->unit, r[i].crit, in->unit, r[i].fire_after_s, r[i].clear_after_s,
			findings_category_name(r[i].category));
	}
	fputs("\n", out);
}

static void doc_evidence_kinds(FILE *out, unsigned mask)
{
	const char *sep = "";

	for (int k = 0; k < FEV_NKINDS; k++)
		if (mask & FEV_BIT(k)) {
			fprintf(out, "%s%s", sep, findings_ev_kind_name(k));
			sep = ", ";
		}
}

static void doc_rule(FILE *out, const struct findings_rule *r)
{
	const struct findings_input_info *in = findings_input_info(r->input);

	fprintf(out, "### %s\n\n**%s.** %s\n\n", r->id, r->title, r->explain);
	fprintf(out, "- **Reads:** `%s` (%s, %s)%s.\n", in->name, in->unit, scope_names[in->scope],
		filter_names[r->filter]);
	fprintf(out, "- **Warning** at >= %g %s; **critical** at >= %g %s.\n", r->warn, in->unit,
		r->crit, in->unit);
	if (r->min_support > 0 && in->support)
		fprintf(out, "- **Gate:** evaluated only while the %s reach %g %s.\n", in->support,
			r->min_support, in->support_unit);
	fprintf(out, "- **Opens** after %u s over; **clears** after %u s under.\n",
		r->fire_after_s, r->clear_after_s);
	fprintf(out, "- **Health category:** %s.\n- **Evidence:** ",
		findings_category_name(r->category));
	doc_evidence_kinds(out, r->evidence);
	fprintf(out, ".\n\n**Why these thresholds.** %s\n\n**Recommendations** (never run by "
		"perflens; `{pid}` and `{dev}` are filled from the evidence):\n\n", r->why);
	for (int i = 0; i < FINDINGS_MAX_RECS && r->recs[i].command; i++)
		fprintf(out, "- `%s` — %s: %s\n", r->recs[i].command,
			r->recs[i].changes_system ? "**changes the system**" : "read-only",
			r->recs[i].what);
	fputs("\n", out);
}

int findings_doc_markdown(FILE *out)
{
	size_t n;
	const struct findings_rule *r = findings_rules(&n);

	doc_intro(out);
	doc_health(out);
	doc_inputs(out);
	doc_table(out, r, n);
	for (size_t i = 0; i < n; i++)
		doc_rule(out, &r[i]);
	return ferror(out) ? -EIO : 0;
}
