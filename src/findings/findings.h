/*
 * Findings: live anomaly rules over the stores, with a lifecycle and a
 * health score.  Once a second, from the sampler thread (never the UI or
 * the consumer), findings_tick() takes a bounded snapshot of the inputs
 * under the engine lock (frame.c), releases it, and runs the one generic
 * evaluator over the rule table (rules.c):
 *
 *   - an input at or over a rule's warning threshold for fire_after_s
 *     consecutive seconds opens a finding (critical when it is over the
 *     critical threshold for as long);
 *   - the severity follows with the same hysteresis, up and down
 *     ("ongoing" transitions);
 *   - under the warning threshold for clear_after_s consecutive seconds
 *     clears it, into a bounded history.
 *
 * Evidence refers to store entities by the IDs the AI prompt uses:
 * pid:N (with its start time), dev:NAME, file:PATH, stk#N, cg:PATH.
 * Readers (UI, summary, JSON) copy findings out under the findings' own
 * lock.  Lock order: engine lock, then the findings lock.
 */
#ifndef PERFLENS_FINDINGS_H
#define PERFLENS_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "rules.h"

struct engine;

#define FINDING_NAME_MAX 256     /* comm, device, file path, cgroup path */
#define FINDING_MAX_EVIDENCE 6
#define FINDINGS_MAX_OPEN 64

enum finding_state { FINDING_OPEN, FINDING_ONGOING, FINDING_CLEARED };
enum finding_severity { FINDING_NONE, FINDING_WARNING, FINDING_CRITICAL };

/* What a finding is about.  Processes compare by pid and start time. */
struct finding_subject {
	enum findings_scope scope;
	uint32_t pid;
	uint64_t start_ns;       /* boottime ns, 0 when unknown */
	char name[32];           /* device name, or the process's comm */
};

struct finding_evidence {
	enum finding_ev_kind kind;
	uint32_t pid, ppid;      /* process */
	uint64_t start_ns;       /* process: boottime ns, 0 when unknown */
	uint32_t stack_id;       /* stack: id in the stack store */
	uint64_t cgroup_id;      /* cgroup; process: its cgroup when known */
	double value;
	const char *unit;        /* static strings */
	const char *what;
	char name[FINDING_NAME_MAX]; /* comm, device, path, cgroup path, counter (raw bytes) */
};

struct finding {
	uint64_t id;             /* 1, 2, ... in order of opening */
	const struct findings_rule *rule;
	enum finding_state state;
	enum finding_severity severity;      /* now */
	enum finding_severity peak_severity;
	struct finding_subject subject;
	int64_t start_sec;       /* first second of the run over the warning threshold */
	int64_t open_sec;        /* the evaluation that opened it */
	int64_t last_sec;        /* last evaluation (of any transition or update) */
	int64_t end_sec;         /* cleared: the evaluation that cleared it; else -1 */
	double value, peak;      /* the input now (0 when absent) and its peak while open */
	struct finding_evidence ev[FINDING_MAX_EVIDENCE]; /* as of the last second over */
	int nev;
};

/* Cumulative counts of events perflens could not keep (see FIN_LOST_RATE). */
struct findings_lost {
	uint64_t ring;           /* kernel ring buffer full, all types */
	uint64_t queue;          /* output or recorder queues full */
	uint64_t maps;           /* in-flight or block-start map full: ops not timed */
	uint64_t decode;         /* malformed records */
};

/* An OOM victim (oom:mark_victim). */
struct findings_oom {
	uint32_t pid;            /* victim tgid */
	uint64_t start_ns;       /* victim start (boottime ns), 0 when unknown */
	uint64_t ts_ns;          /* CLOCK_MONOTONIC of the kill */
	uint64_t cgroup_id;      /* victim's cgroup v2 id, 0 when unknown */
	uint64_t total_vm_kb, anon_rss_kb;
	char comm[PL_COMM_LEN + 1];
};

struct finding;
typedef void (*findings_change_fn)(void *ctx, const struct finding *fd);

struct findings_config {
	const struct findings_rule *rules; /* NULL: the built-in table */
	size_t nrules;
	size_t history_cap;      /* cleared findings kept; 0: 64 */
	/* Cumulative loss counters; called under the engine lock (sources
	 * count under it).  NULL: only the stores' own losses count. */
	void (*lost)(void *ctx, struct findings_lost *out);
	void *lost_ctx;
	/* Each transition (open, ongoing, cleared), on the ticking thread, no
	 * lock held; fd is valid during the call. */
	findings_change_fn on_change;
	void *change_ctx;
};

struct findings_health_reason {
	enum findings_category category;
	double points;           /* deducted */
	uint64_t finding_id;
	const struct findings_rule *rule;   /* the worst finding of the category */
	enum finding_severity severity;
	struct finding_subject subject;
	double value;
};

struct findings_health {
	int score;               /* 0..100 */
	bool data_complete;      /* false while events_lost (or another monitor rule) is open */
	int nopen;
	struct findings_health_reason reasons[FCAT_COUNT]; /* most points first */
	int nreasons;
	const struct findings_rule *caveat;  /* the monitor finding behind data_complete, or NULL */
};

struct findings_stats {
	uint64_t evaluations;
	uint64_t last_eval_ns;   /* whole tick */
	uint64_t last_locked_ns; /* of which under the engine lock */
	uint64_t max_eval_ns;
	uint64_t last_scanned;   /* newest events looked at */
	uint64_t opened, cleared;
	uint64_t history_dropped;     /* cleared findings pushed out of the history */
	uint64_t states_full;         /* (rule, subject) pairs not tracked: table full */
	uint64_t candidates_left_out; /* inputs beyond the frame's capacity */
	uint64_t replay_dropped;      /* findings_apply: no open slot */
};

/* NULL with errno (EINVAL, ENOMEM). */
struct findings *findings_new(const struct findings_config *cfg);
/* Accepts NULL. */
void findings_free(struct findings *f);
/* Evaluate every rule for second sec (the sampler's, after its sample is in
 * the store).  Takes the engine lock briefly; call without it held. */
void findings_tick(struct findings *f, struct engine *e, int64_t sec);
/* Record an OOM victim; any thread, any lock (the findings lock is taken). */
void findings_note_oom(struct findings *f, const struct findings_oom *v);
/* An engine tap (ctx = findings): notes every PL_EV_OOM event's victim
 * (pid, comm, time, cgroup from the header; start time from the process
 * tree).  Runs under the engine lock, as taps do. */
void findings_tap(void *ctx, const struct pl_event *ev);
/* Copy up to max findings: open ones (oldest first), then with_history the
 * cleared ones (newest first).  Returns how many were copied. */
size_t findings_list(struct findings *f, struct finding *out, size_t max, bool with_history);
/* Open findings now. */
size_t findings_open_count(struct findings *f);
/* A transition that happened elsewhere (a recording being replayed): the
 * finding with fd->id is opened or updated, or, cleared, moved into the
 * history, so readers see recorded findings exactly as live ones.  Any
 * thread; -ENOSPC (and stats.replay_dropped counts it) when every open
 * slot is busy, -EINVAL without a rule. */
int findings_apply(struct findings *f, const struct finding *fd);
/* Forget every finding, open and cleared, and the counts: a store fed from
 * a recording that a seek sends back.  Any thread. */
void findings_reset(struct findings *f);
void findings_health(struct findings *f, struct findings_health *out);
void findings_stats(struct findings *f, struct findings_stats *out);
/* The recommendation command with {pid}/{dev} filled from the finding's
 * subject and evidence (left as written when unknown or unsafe). */
void findings_rec_command(const struct finding *fd, const struct findings_rec *rec, char *dst,
			  size_t dstsz);
/* The evidence's ID, as the JSON and the views show it: pid:N, dev:NAME,
 * file:PATH, stk#N, cg:PATH, counter:NAME (names are raw bytes). */
void findings_evidence_id(const struct finding_evidence *v, char *dst, size_t dstsz);
const char *findings_severity_name(enum finding_severity s);
const char *findings_state_name(enum finding_state s);

#endif
