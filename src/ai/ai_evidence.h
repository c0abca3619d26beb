/*
 * What an evidence id of a prompt points at, looked up in the snapshot the
 * prompt was built from: for a jump in the TUI (the process, the stack),
 * and as a short description shown and recorded next to the id.
 */
#ifndef PERFLENS_AI_EVIDENCE_H
#define PERFLENS_AI_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "ai_snapshot.h"

enum ai_evidence_kind { AI_EV_PID, AI_EV_IO, AI_EV_STACK, AI_EV_HOT, AI_EV_DEV, AI_EV_FINDING };

struct ai_evidence {
	enum ai_evidence_kind kind;
	uint32_t pid;                  /* 0 for devices */
	uint32_t ustack_id, kstack_id; /* stacks */
	uint8_t role;                  /* stacks: enum stack_role */
	uint64_t finding_id;           /* findings: the rule engine's id */
	char name[160];                /* file, device, function or rule id (raw: sanitize to show) */
};

/* "pid", "io", "stack", "hot", "dev", "finding". */
const char *ai_evidence_kind_name(enum ai_evidence_kind k);
/* The kind named so, or -1. */
int ai_evidence_kind_of(const char *name);

/* A normalised id (ai_id_normalize) -> what it points at.  0 or -ENOENT. */
int ai_evidence_of(const struct ai_snapshot *s, const char *id, struct ai_evidence *out);
/* A short description of what the id points at ("postgres[812]",
 * "postgres[812] wait at io_schedule"), scrubbed and display-safe; ""
 * when the snapshot does not have it. */
void ai_evidence_describe(const struct ai_snapshot *s, const char *id, char *out, size_t outsz);

#endif
