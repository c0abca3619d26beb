/*
 * The interactive screen.  main.c builds the environment (engine, source,
 * options) and hands over the main thread; the TUI only reads the stores.
 */
#ifndef PERFLENS_TUI_H
#define PERFLENS_TUI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/consumer.h"
#include "../src/engine.h"
#include "../src/live/loader.h"
#include "../src/options.h"
#include "../src/source.h"

struct findings;

/* ---- data the optional providers hand over (see the end of tui_env) ---- */

/* One resolved stack frame: "func+0x1a (libc.so.6)", or module+offset. */
struct tui_frame {
	uint64_t ip;
	char text[160];
};

/* Stack roles for folded_stacks; the same numbers as enum stack_role. */
enum { TUI_STACKS_SLOW = 0, TUI_STACKS_WAIT = 1 };

struct tui_hot {
	char name[128];
	bool kernel;
	uint64_t self;   /* samples with this function as the leaf */
	uint64_t total;  /* samples with it anywhere on the stack */
};

struct tui_hot_info {
	char event[64];  /* "cycles", or "cpu-clock (fallback: no PMU)" */
	uint64_t samples;
};

/* An I/O operation in flight right now. */
struct tui_stuck {
	uint32_t pid, tid;
	char comm[PL_COMM_LEN + 1];
	uint16_t type;   /* enum pl_event_type */
	uint8_t kind;    /* enum pl_kind, PL_KIND_MAX when unknown */
	int32_t fd;
	uint64_t age_ns;
	uint64_t blocked_ns;
	char file[128];
};

struct tui_devstat {
	char name[32];
	double iops;
	double read_bps, write_bps;
	uint64_t p99_ns;
	double util_pct;  /* < 0 when unknown */
};

struct ai_store;

struct tui_env {
	struct engine *eng;
	struct pl_source *src;           /* stats (drops): callable from any thread */
	struct consumer *consumer;       /* eof / error of the feeding thread */
	const struct pl_paths *paths;    /* active attach paths; NULL in replay */
	const struct pl_options *opts;
	volatile sig_atomic_t *stop;     /* set by SIGINT/SIGTERM handlers */
	void (*housekeeping)(struct engine *eng); /* call about once a second */
	/* Findings (live: the rules; replay: the recorded ones); NULL: none.
	 * Read with findings_list/findings_health, which lock inside. */
	struct findings *findings;

	/*
	 * Optional providers for data other modules own.  Each may be NULL
	 * (zero-initialised): the pane then says what is missing.  The TUI
	 * calls them on its own thread WITHOUT the engine lock held (take it
	 * inside when needed), at most once per refresh, and copies what they
	 * return.  prov_ctx is passed to each.
	 */
	void *prov_ctx;
	/* Frames of a stack id (ustack_id, wstack_id, kstack_id from events),
	 * leaf first.  Returns how many were written, 0 when unknown. */
	int (*stack_frames)(void *ctx, uint32_t stack_id, struct tui_frame *out, int max);
	/* Folded stacks ("a;b;c WEIGHT\n", root first) for one process (pid 0
	 * = all) and role (TUI_STACKS_*), heaviest first, NUL-terminated in
	 * buf.  Returns the bytes written. */
	size_t (*folded_stacks)(void *ctx, uint32_t pid, int role, char *buf, size_t sz);
	/* Hot functions of one process (0 = all), by self samples.  Returns
	 * how many were written; info says which event is sampled. */
	int (*hot_functions)(void *ctx, uint32_t pid, struct tui_hot *out, int max,
			     struct tui_hot_info *info);
	/* Operations in flight longer than the threshold, oldest first. */
	int (*stuck_ops)(void *ctx, struct tui_stuck *out, int max);
	/* Per-device IOPS and latency over the last second. */
	int (*dev_stats)(void *ctx, struct tui_devstat *out, int max);
	/* Saturation (PSI, run-queue latency) as short text lines.  Returns
	 * the bytes written. */
	size_t (*saturation)(void *ctx, char *buf, size_t sz);
	/* The AI's latest insight as one line (the dashboard): > 0 with text
	 * in buf, 0 when there is none yet, < 0 when it failed (buf says why). */
	int (*ai_summary)(void *ctx, char *buf, size_t sz);
	/* The AI answers the AI view shows: live, the worker fills it; in
	 * replay, the recording does as the replay clock reaches them.  NULL:
	 * AI off and nothing to replay. */
	struct ai_store *ai_store;
	bool ai_recorded;        /* replay: recorded answers, and r cannot ask */
	/* Live: the worker's state ("idle: no material change ...", then
	 * "streaming: HEADLINE" while tokens arrive), display-safe.  Returns
	 * < 0 when it is an error or a pause.  NULL in replay. */
	int (*ai_status)(void *ctx, char *buf, size_t sz);
	/* r in the AI view: ask now instead of waiting for the timer. */
	void (*ai_ask)(void *ctx);

	/* Recording hooks (NULL: off), called on the UI thread; they only
	 * queue: writing happens on writer threads.  hook_ctx is passed. */
	void *hook_ctx;
	/* The screen after each frame, as terminal output (--cast). */
	void (*cast_output)(void *ctx, const char *data, size_t len);
	/* The screen size changed (--cast "r" events); called before output. */
	void (*cast_resize)(void *ctx, int cols, int lines);
	/* m: a bookmark with an optional label (--cast "m", --record MARK). */
	void (*bookmark)(void *ctx, const char *label);

	/* Replay controls (NULL when live): a "replay" key layer is added.
	 * op is one of TUI_RP_*; status: the recording's wall-clock time and
	 * the speed, for the status line. */
	void (*replay_control)(void *ctx, int op);
	size_t (*replay_status)(void *ctx, char *buf, size_t sz);
	/* The jump prompt's text (a time or an offset): 0 when the replay
	 * moves, -1 when the text is not a time; msg says which, one line. */
	int (*replay_goto)(void *ctx, const char *text, char *msg, size_t sz);
	/* The replay clock (the recording's monotonic ns) for the timeline's
	 * play-head, and a seek to ts (G scrubs to the timeline's cursor);
	 * the seek is posted, the consumer thread does it. */
	uint64_t (*replay_now)(void *ctx);
	void (*replay_seek)(void *ctx, uint64_t ts);
};

/* In the order of the ACT_RP_* actions (an action maps to its op). */
enum { TUI_RP_PAUSE, TUI_RP_FASTER, TUI_RP_SLOWER, TUI_RP_STEP, TUI_RP_BACK, TUI_RP_JUMP,
       TUI_RP_BACK_MIN, TUI_RP_SPIKE };

/* Run until quit; returns the process exit code. */
int tui_run(struct tui_env *env);

#endif
