/*
 * The replay source: a recording fed to the engine through the same source
 * interface as live tracing, so the stores, the JSON printer and the views
 * run the same code.  Needs no root and no binaries: stacks arrive as
 * resolved strings.  Paced (speed x real time, pausable, seekable) for the
 * screen, or as fast as possible for --json and reports.
 */
#ifndef PERFLENS_REPLAY_H
#define PERFLENS_REPLAY_H

#include <json-c/json.h>
#include <stdbool.h>

#include "../engine.h"
#include "../out/idnames.h"
#include "../source.h"
#include "reader.h"


struct replay_info {
	json_object *header;     /* the REC_HEADER object (owned by the source) */
	uint64_t start_mono_ns;  /* recording's ts 0 */
	double start_wall;
	uint64_t first_ts, last_ts;  /* first and last EVENTS frame's base ts (index scan) */
	uint64_t end_ts;         /* the newest event's ts (>= start_mono_ns) */
};

/* Open path and read its header.  NULL with a one-line message in err. */
struct pl_source *replay_source_new(const char *path, struct pl_sink sink, struct engine *eng,
				    char *err, size_t errsz);
/* Same over a recording in memory (not copied; tests and fuzzing). */
struct pl_source *replay_source_new_mem(const void *data, size_t size, struct pl_sink sink,
					struct engine *eng, char *err, size_t errsz);
const struct replay_info *replay_info(struct pl_source *s);
/* 0: as fast as possible (default); else x real time (0.25 .. 16). */
void replay_set_speed(struct pl_source *s, double speed);
double replay_speed(struct pl_source *s);
void replay_set_paused(struct pl_source *s, bool paused);
bool replay_paused(struct pl_source *s);
/* Monotonic ts the replay has reached (or a posted seek's target). */
uint64_t replay_clock(struct pl_source *s);
/* Post a seek to ts, forward or back, clamped to the recording's start and
 * its newest event; returns the clamped target.  Any thread, engine lock
 * held: the consumer's next drain does it (docs/views.md "Replay controls"),
 * so afterwards the stores hold the state at ts, paused or not. */
uint64_t replay_seek(struct pl_source *s, uint64_t ts);
/* Deliver only events (and ticks) with from <= ts <= to, before any drain
 * (--from/--to): reading starts at the indexed frame before from (the
 * process snapshot re-seeded) and stops past to. */
void replay_set_range(struct pl_source *s, uint64_t from, uint64_t to);
/* Every event up to the end delivered (a paced replay waits there). */
bool replay_at_end(struct pl_source *s);
/* The next spike after the clock: a second whose recorded event bytes are
 * over three times the mean of active seconds.  Its ts, or 0 when none. */
uint64_t replay_next_spike(struct pl_source *s);
/* After EOF: the reader's verdict ("" when the file ended cleanly). */
const char *replay_problem(struct pl_source *s, bool *damaged);
/* Bookmarks, AI answers and finding lines met so far, each once, in file
 * order (JSON arrays, owned by the source). */
json_object *replay_marks(struct pl_source *s);
json_object *replay_ai(struct pl_source *s);
json_object *replay_findings(struct pl_source *s);
/*
 * A store fed from recorded lines: apply(ctx, line) for each AI answer or
 * finding line as the replay meets it (on the thread draining the source),
 * so the store follows the replay clock; a seek back calls reset(ctx), then
 * applies again the lines before the point it re-reads from.  Set before
 * the replay starts.
 */
struct replay_feed {
	void (*apply)(void *ctx, json_object *line);
	void (*reset)(void *ctx);
	void *ctx;
};
enum replay_side { REPLAY_AI, REPLAY_FINDINGS };
void replay_feed(struct pl_source *s, enum replay_side side, struct replay_feed feed);
json_object *replay_end(struct pl_source *s);
/* The recorded cgroup paths and namespace pids, for the JSON printer (the
 * caller owns them; read-only, so the printer thread may use them). */
struct idnames *replay_take_names(struct pl_source *s);

#endif
