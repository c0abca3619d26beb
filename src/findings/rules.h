/*
 * The findings rule table: every rule perflens evaluates, as data.  A rule
 * names one input (a measured quantity with a unit), its warning and
 * critical thresholds in that unit, how long the input must stay over
 * before a finding opens and under before it clears, the evidence it cites,
 * and recommendations that are shown, never run.  One generic evaluator
 * (findings.c) walks this table; docs/findings.md is generated from it
 * (findings_doc.c), so the documentation cannot drift from the code.
 *
 * This header depends on nothing else in perflens, so the doc generator
 * links without the engine.
 */
#ifndef PERFLENS_FINDINGS_RULES_H
#define PERFLENS_FINDINGS_RULES_H

#include <stdbool.h>
#include <stddef.h>

/* What a rule reads.  Each input has one extractor in frame.c. */
enum findings_input {
	FIN_SLOW_STORAGE,   /* storage syscalls >= 5 ms per second, system-wide */
	FIN_DEV_P99,        /* per device: p99 latency of every request */
	FIN_DEV_UTIL,       /* per device: % of time busy */
	FIN_DEV_QDEPTH,     /* per device: mean requests in flight */
	FIN_STUCK_AGE,      /* oldest storage syscall still running */
	FIN_DSTATE,         /* tasks in uninterruptible sleep */
	FIN_PSI_IO,
	FIN_PSI_CPU,
	FIN_PSI_MEM,
	FIN_RUNQ_P99,       /* run-queue latency p99 */
	FIN_SPAWN_RATE,     /* new processes per second */
	FIN_SLOW_IO_SHARE,  /* per process: share of slow storage time */
	FIN_SYNC_TIME,      /* per process: time in slow fsync-family calls */
	FIN_LOST_RATE,      /* events perflens lost */
	FIN_SELF_CPU,       /* perflens' own CPU */
	FIN_OOM_KILLS,      /* OOM kills in the last 60 s */
	FIN_COUNT,
};

/* What a finding is about: the whole system, one device, or one process. */
enum findings_scope { FSCOPE_SYSTEM, FSCOPE_DEVICE, FSCOPE_PROCESS };

/* Health-score groups: one resource each, so one problem counts once. */
enum findings_category { FCAT_STORAGE, FCAT_CPU, FCAT_MEMORY, FCAT_MONITOR, FCAT_COUNT };

/* Device rules may apply to rotational or non-rotational devices only. */
enum findings_filter { FFILT_ANY, FFILT_ROTATIONAL, FFILT_NONROTATIONAL };

/* Evidence kinds, as a bit mask in findings_rule.evidence. */
enum finding_ev_kind { FEV_PROCESS, FEV_DEVICE, FEV_FILE, FEV_STACK, FEV_CGROUP, FEV_COUNTER,
		       FEV_NKINDS };
#define FEV_BIT(k) (1u << (k))

struct findings_input_info {
	const char *name;         /* "slow_storage_rate" */
	const char *unit;         /* "ops/s" */
	enum findings_scope scope;
	const char *source;       /* how it is measured, for the docs */
	const char *support;      /* what a rule's min_support gates on; NULL: no gate */
	const char *support_unit;
};

struct findings_rec {
	const char *command;      /* exact command; {pid} and {dev} filled from evidence */
	bool changes_system;      /* false: read-only */
	const char *what;
};

#define FINDINGS_MAX_RECS 4

struct findings_rule {
	const char *id;
	const char *title;
	enum findings_category category;
	enum findings_input input;
	enum findings_filter filter;
	double warn, crit;        /* in the input's unit; over means value >= threshold */
	double min_support;       /* the input's support must reach this (0: no gate) */
	unsigned fire_after_s;    /* consecutive seconds over before it opens */
	unsigned clear_after_s;   /* consecutive seconds under before it clears */
	unsigned evidence;        /* FEV_BIT()s it cites */
	const char *explain;      /* shown with a finding */
	const char *why;          /* justification of the thresholds (docs) */
	struct findings_rec recs[FINDINGS_MAX_RECS];
};

/* The health score: 100 minus, per category with an open finding, its
 * weight times the factor of the worst severity there. */
struct findings_health_model {
	int weight[FCAT_COUNT];
	double warn_factor, crit_factor;
	int max_reasons;
	const char *formula;      /* the same, in words, for JSON and docs */
};

/* The table; *n set to its length. */
const struct findings_rule *findings_rules(size_t *n);
/* The rule with this id, or NULL. */
const struct findings_rule *findings_rule_by_id(const char *id);
const struct findings_input_info *findings_input_info(enum findings_input in);
const char *findings_category_name(enum findings_category c);
const char *findings_ev_kind_name(enum finding_ev_kind k);
const struct findings_health_model *findings_health_model(void);

#endif
