/*
 * Inside the TUI: the application state, the view interface and the
 * per-refresh snapshot.  Shared by the loop (tui.c), the key handlers
 * (actions.c), the views (view_*.c) and the benchmark.
 *
 * Data flow: once per refresh (while live) snap_take copies what several
 * views need from the stores under the engine lock (snap_procs adds the
 * process rows, only for views that show processes); each view's update()
 * then reads its own extra data under the lock (a window of events, some
 * timeline seconds), and draw() works on those copies with the lock
 * released.  Paused, the snapshot (and with it every horizon: the newest
 * event, the newest second) stays frozen while capture goes on.
 */
#ifndef PERFLENS_UI_TUI_INT_H
#define PERFLENS_UI_TUI_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "../src/query/topfiles.h"
#include "../src/util/config.h"
#include "crt.h"
#include "draw.h"
#include "filter.h"
#include "keys.h"
#include "tui.h"
#include "w_list.h"

#define MIN_COLS 80
#define MIN_LINES 24
#define TUI_STACK_MAX 32
#define SCAN_BUDGET_NS 1000000ull  /* per update of an incremental scan */
#define BUSY_POLL_MS 20            /* frame period while a scan is running */

/* What a handler asks the loop to do next (bit flags). */
enum {
	UI_REDRAW = 1,  /* draw a frame */
	UI_DATA = 2,    /* the view on top must re-read the stores first */
	UI_QUIT = 4,
};

struct tui;
struct view;

struct view_ops {
	const char *name;   /* short, for the log */
	unsigned ctx;       /* CTX_* used to look keys up */
	/* Read what the next draw needs (takes the engine lock itself). */
	void (*update)(struct view *v, struct tui *t);
	void (*draw)(struct view *v, struct tui *t, struct rect body);
	/* Navigation and view actions; returns UI_* flags. */
	unsigned (*action)(struct view *v, struct tui *t, enum action a);
	/* A click at (row, col) inside the body. */
	unsigned (*click)(struct view *v, struct tui *t, int row, int col);
	/* Move the selection to the next (dir > 0) or previous match of
	 * needle; false when there is none. */
	bool (*search)(struct view *v, struct tui *t, const char *needle, int dir);
	/* Incremental work is pending: update again soon. */
	bool (*busy)(const struct view *v);
	/* It reads the process rows of the snapshot (t->snap.procs). */
	bool needs_procs;
	void (*free)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	char title[160];
	char info[160];     /* right side of the title line */
	struct rect body;   /* where it was drawn last */
	bool transient;     /* freed when popped (details) */
};

/* A process as the tree and the dashboard see it. */
struct proc_row {
	uint32_t pid, ppid;
	uint64_t start_ns;
	char comm[PL_COMM_LEN + 1];
	bool exited;
	int exit_code, exit_sig;
	uint64_t storage_n, storage_ns;  /* file + blockdev syscalls */
	uint64_t idle_n, idle_ns;        /* pipe, socket, tty, other waits */
	uint64_t block_n, block_ns, block_bytes;
	uint64_t samples;
	bool has_pmc, has_faults;        /* counters counted it; /proc was read */
	struct pl_pmc_counts pmc;        /* cumulative, see src/query/counters.h */
	uint64_t minflt, majflt, ctx_switches;
};

struct snap {
	uint64_t mono_ns;          /* when it was taken */
	uint64_t log_total;        /* horizon: events after it are not shown */
	uint64_t log_count;
	uint64_t log_overwritten;
	int64_t latest_sec;        /* horizon of the timeline */
	unsigned window;
	uint64_t events;
	struct engine_totals tot;
	uint64_t late_dropped;
	uint64_t proc_refused, proc_evicted;
	char pmc_source[16];       /* counters: hardware, software, unavailable, off; "" replay */
	char pmc_note[200];        /* why unavailable, or what the stand-ins count */
	struct proc_row *procs;    /* copied only for views that need them */
	size_t nprocs, procs_cap;
	uint64_t gen;              /* bumps on every take */
	uint64_t procs_gen;        /* gen the process rows were copied at */
};

struct status {
	uint64_t last_ns, last_events, last_cpu_ns;
	double ev_rate;
	double cpu_pct;
	uint64_t rss;
	uint64_t drops;
	uint64_t decode_errors;
	bool have_src;
};

enum top_view {
	TV_DASH, TV_TIMELINE, TV_PROCS, TV_EVENTS, TV_STACKS, TV_HOT, TV_AI, TV_FINDINGS, TV_HELP,
	TV_LOG, TV_COUNT
};

enum prompt_mode { PROMPT_NONE, PROMPT_SEARCH, PROMPT_FILTER, PROMPT_MARK, PROMPT_GOTO };

struct tab_hit {
	int x0, x1;
	enum top_view tv;
};

struct tui {
	struct tui_env *env;
	struct engine *eng;
	struct keymap km;
	struct config *cfg;
	struct view *top[TV_COUNT];
	struct view *stack[TUI_STACK_MAX];
	int depth;
	struct snap snap;
	struct status st;
	struct topfiles *files;     /* the dashboard's top files and devices */
	struct filter filter;
	unsigned filter_gen;        /* bumps when the filter changes */
	char search[160];
	struct {
		enum prompt_mode mode;
		char buf[160];
		size_t len;
	} prompt;
	bool paused;
	bool quit;
	bool too_small;
	unsigned refresh_ms;
	uint64_t frames;
	unsigned marks;
	int cast_lines, cast_cols;  /* the size last told to the cast */
	uint64_t next_tick_ns, next_house_ns;
	char msg[200];
	uint64_t msg_until_ns;
	uint32_t focus_pid;         /* the process chosen in the tree (0 = all) */
	struct tab_hit tabs[TV_COUNT];
	int ntabs;
	struct rect body;
};

/* ---- tui.c ---- */
/* State for env (no terminal needed).  NULL on ENOMEM. */
struct tui *tui_new(struct tui_env *env);
void tui_free(struct tui *t);
/* Draw one frame; flags from the handlers (UI_DATA: update first). */
void tui_frame(struct tui *t, unsigned flags);
/* Handle one key (K_*); returns UI_* flags. */
unsigned tui_key(struct tui *t, int key, const struct crt_mouse *m);
/* The view on top. */
struct view *tui_view(struct tui *t);
/* Show a top-level view (pushing it, so Esc comes back). */
void tui_show(struct tui *t, enum top_view tv);
/* Push a transient view (a detail); it is freed when popped. */
void tui_push(struct tui *t, struct view *v);
/* Back to the previous view; false at the bottom. */
bool tui_pop(struct tui *t);
/* A message on the status line for a few seconds (also to the log). */
void tui_message(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Replace the display filter (the filter prompt, evidence jumps); -EINVAL with
 * err saying why, the old filter kept. */
int tui_set_filter(struct tui *t, const char *text, char *err, size_t errsz);
/* Wall-clock seconds of a monotonic timestamp. */
double tui_wall(const struct tui *t, uint64_t mono_ns);

/* ---- snap.c ---- */
/* The per-refresh copy: counters, totals, top files (cheap). */
void snap_take(struct tui *t);
/* The process rows, for views with needs_procs; a no-op when they are
 * already from this snapshot.  Walking the process table is the costly
 * part of a snapshot, so views that do not show processes skip it. */
void snap_procs(struct tui *t);
void snap_free(struct snap *s);
/* Once a second: engine housekeeping, drops, own CPU and RSS, log trim. */
void tui_housekeeping(struct tui *t);

/* ---- actions.c ---- */
typedef unsigned (*action_fn)(struct tui *t, enum action a);
/* Handler for every action the key table can produce. */
extern const action_fn action_handlers[ACT_COUNT];
/* Context bits of the view on top (for key lookup). */
unsigned tui_ctx(struct tui *t);

/* ---- views (view_*.c) ---- */
struct view *view_dash_new(void);
struct view *view_timeline_new(void);
struct view *view_procs_new(void);
struct view *view_events_new(void);
struct view *view_stacks_new(void);
struct view *view_hot_new(void);
struct view *view_ai_new(void);
struct view *view_findings_new(void);
struct view *view_help_new(void);
struct view *view_log_new(void);
/* Does the help screen have a line for this action? (key-table tests) */
bool help_lists_action(enum action a);
/* Show a stack in the stacks view (s): the list for all processes, the
 * line holding these frames (function names, root first) selected and
 * expanded.  False when no listed stack holds them. */
bool view_stacks_reveal(struct tui *t, const char *const *funcs, int n);
/* The events of one second of the timeline. */
struct view *view_second_new(struct tui *t, int64_t sec);
/* One process: its events, files, children. */
struct view *view_proc_detail_new(struct tui *t, uint32_t pid, uint64_t start_ns);
/* One event, copied (it stays viewable after the log drops it). */
struct view *view_event_detail_new(struct tui *t, const struct pl_event *ev, uint64_t seq);

/* ---- helpers shared by the views (view_common.c) ---- */
/* Standard list keys on a list_state of the given height. */
unsigned list_action(struct list_state *ls, enum action a, int height);
/* Draw "note" lines for a missing feature, centred in r. */
void draw_missing(struct rect r, const char *what, const char *why);
/* A short label for what an event touched: file, device, child, command. */
void event_target(const struct pl_event *ev, char *buf, size_t sz);
/* One row of the event table. */
struct column;
void event_columns(struct column *c, int *n, int width);
void event_row(struct tui *t, int y, int x, const struct column *c, const struct pl_event *ev,
	       bool selected);
/* Does the event's row text contain needle (case-insensitive)? */
bool event_has_text(const struct pl_event *ev, const char *needle);

/* ---- how a process used the CPU (cpu_use.c) ---- */
/* "IPC 1.23  cache-miss 4.5%" (+ multiplexing), or why there is no IPC. */
const char *cpu_use_counters(const struct snap *s, const struct proc_row *r, char *buf, size_t sz);
/* Why IPC is missing for every process, or "" when the counters run. */
const char *cpu_use_why_no_ipc(const struct snap *s, char *buf, size_t sz);
/* Fixed-width cells "   IPC   MISS  FAULTS    CSW" for a table row ("-" when unknown). */
const char *cpu_use_cells(const struct snap *s, const struct proc_row *r, char *buf, size_t sz);
/* "page faults N (M major)  context switches K", or why they were not read. */
const char *cpu_use_faults(const struct proc_row *r, char *buf, size_t sz);

#endif
