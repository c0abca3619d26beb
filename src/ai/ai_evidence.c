#include "ai_evidence.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/stackagg.h"
#include "../util/sanitize.h"
#include "../util/scrub.h"

static const char *const kind_names[] = { "pid", "io", "stack", "hot", "dev", "finding" };

const char *ai_evidence_kind_name(enum ai_evidence_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

int ai_evidence_kind_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(name, kind_names[i]))
			return (int)i;
	return -1;
}

static unsigned long id_number(const char *id)
{
	const char *d = strpbrk(id, "0123456789");

	return d ? strtoul(d, NULL, 10) : 0;
}

static bool in_range(unsigned long n, int count)
{
	return n >= 1 && n <= (unsigned long)count;
}

int ai_evidence_of(const struct ai_snapshot *s, const char *id, struct ai_evidence *e)
{
	unsigned long n = id_number(id);

	memset(e, 0, sizeof(*e));
	if (!strncmp(id, "pid:", 4)) {
		*e = (struct ai_evidence){ .kind = AI_EV_PID, .pid = (uint32_t)n };
	} else if (!strncmp(id, "io#", 3) && in_range(n, s->nio)) {
		*e = (struct ai_evidence){ .kind = AI_EV_IO, .pid = s->io[n - 1].pid };
		snprintf(e->name, sizeof(e->name), "%s", s->io[n - 1].name);
	} else if (!strncmp(id, "stk#", 4) && in_range(n, s->nstacks)) {
		const struct ai_stack *st = &s->stacks[n - 1];

		*e = (struct ai_evidence){ .kind = AI_EV_STACK, .pid = st->pid,
					   .ustack_id = st->ustack_id, .kstack_id = st->kstack_id,
					   .role = st->role };
	} else if (!strncmp(id, "hot#", 4) && in_range(n, s->nhot)) {
		*e = (struct ai_evidence){ .kind = AI_EV_HOT, .pid = s->hot[n - 1].pid };
		snprintf(e->name, sizeof(e->name), "%s", s->hot[n - 1].func);
	} else if (!strncmp(id, "dev#", 4) && in_range(n, s->ndevs)) {
		*e = (struct ai_evidence){ .kind = AI_EV_DEV };
		snprintf(e->name, sizeof(e->name), "%s", s->devs[n - 1].name);
	} else if (!strncmp(id, "fnd#", 4) && in_range(n, s->nfindings)) {
		const struct finding *fd = &s->findings[n - 1];

		*e = (struct ai_evidence){ .kind = AI_EV_FINDING, .finding_id = fd->id,
					   .pid = fd->subject.scope == FSCOPE_PROCESS ? fd->subject.pid : 0 };
		snprintf(e->name, sizeof(e->name), "%s", fd->rule ? fd->rule->id : "?");
	} else {
		return -ENOENT;
	}
	return 0;
}

/* The comm of pid as any list of the snapshot names it, or "". */
static const char *comm_of(const struct ai_snapshot *s, uint32_t pid)
{
	for (int i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return s->procs[i].comm;
	for (int i = 0; i < s->nio; i++)
		if (s->io[i].pid == pid)
			return s->io[i].comm;
	for (int i = 0; i < s->nstacks; i++)
		if (s->stacks[i].pid == pid)
			return s->stacks[i].comm;
	for (int i = 0; i < s->nfindings; i++)
		for (int k = 0; k < s->findings[i].nev; k++)
			if (s->findings[i].ev[k].kind == FEV_PROCESS && s->findings[i].ev[k].pid == pid)
				return s->findings[i].ev[k].name;
	return "?";
}

/* The leaf-most frame of a root-first, ';'-joined stack. */
static const char *leaf_of(const char *frames)
{
	const char *semi = strrchr(frames, ';'), *k = strstr(frames, "k: ");

	if (semi)
		return semi + 1;
	return k ? k + 3 : frames;
}

static void describe_raw(const struct ai_snapshot *s, const struct ai_evidence *e, const char *id,
			 char *raw, size_t sz)
{
	const struct finding *fd;

	switch (e->kind) {
	case AI_EV_PID:
		snprintf(raw, sz, "%s[%u]", comm_of(s, e->pid), e->pid);
		break;
	case AI_EV_IO:
		snprintf(raw, sz, "%s[%u] %s %s", comm_of(s, e->pid), e->pid,
			 s->io[id_number(id) - 1].type == PL_EV_BLOCK ? "block I/O on"
			 : pl_type_name(s->io[id_number(id) - 1].type), e->name);
		break;
	case AI_EV_STACK:
		snprintf(raw, sz, "%s[%u] %s at %s", s->stacks[id_number(id) - 1].comm, e->pid,
			 stack_role_name(e->role), leaf_of(s->stacks[id_number(id) - 1].frames));
		break;
	case AI_EV_HOT:
		snprintf(raw, sz, "%s in %s[%u]", e->name, comm_of(s, e->pid), e->pid);
		break;
	case AI_EV_DEV:
		snprintf(raw, sz, "device %s, %.0f%% busy", e->name,
			 s->devs[id_number(id) - 1].util_pct);
		break;
	case AI_EV_FINDING:
		fd = &s->findings[id_number(id) - 1];
		snprintf(raw, sz, "finding: %s (%s)", fd->rule ? fd->rule->title : "?",
			 findings_severity_name(fd->severity));
		break;
	}
}

void ai_evidence_describe(const struct ai_snapshot *s, const char *id, char *out, size_t outsz)
{
	struct ai_evidence e;
	char raw[256], scrubbed[256];

	out[0] = '\0';
	if (ai_evidence_of(s, id, &e))
		return;
	describe_raw(s, &e, id, raw, sizeof(raw));
	scrub_copy(scrubbed, sizeof(scrubbed), raw);
	sanitize_display(out, outsz, scrubbed, (size_t)-1);
}
