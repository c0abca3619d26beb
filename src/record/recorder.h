/*
 * --record FILE: the event stream, stacks resolved to strings, saturation
 * ticks, bookmarks, AI answers and findings, written by a writer thread.
 * The consumer only queues (a bounded queue: when the writer falls behind,
 * events are dropped and counted).  Frames are written with write(2) at
 * least once a second, so a kill -9 loses at most the last second.  The
 * file is created mode 0600.  --record-max SIZE: recording STOPS when the
 * next frame would pass it (the file stays valid; later events are counted
 * as dropped) -- rotation would lose the start of an incident.
 */
#ifndef PERFLENS_RECORDER_H
#define PERFLENS_RECORDER_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../engine.h"
#include "../out/evqueue.h"
#include "../out/idnames.h"
#include "../stack_resolver.h"
#include "rec_names.h"

struct rec_writer;

struct recorder {
	struct evqueue q;
	pthread_t thread;
	struct rec_writer *w;
	struct engine *eng;
	struct stack_resolver *res;  /* frames for stack definitions */
	struct rec_names *names;     /* cgroup paths, nspids; NULL: not recorded */
	pthread_mutex_t side_lock;   /* JSON side frames from other threads */
	struct rec_side *side;
	size_t nside;
	uint64_t side_dropped;
	bool running;
	/* after stop: */
	uint64_t written_events, dropped_events, bytes;
	bool hit_limit;
	int error;                   /* first write error (-errno) */
};

/*
 * Events the recorder's queue holds: 16384 x 576 bytes = 9 MB.  Four times
 * that (the JSON writer's 65536) cost 1.8 us of CPU per recorded event in
 * bench_record against 0.3-0.6 us at 8-16 k: a ring larger than the
 * last-level cache makes every copy into it a cache miss.  At 16 k it still
 * holds 1.6 s of 10 k slow events/s while the writer waits on the disk.
 */
#define RECORDER_QUEUE_CAP 16384

/*
 * Create path (mode 0600, truncating) and write the prologue, the header
 * (header_json: taken over) and the process snapshot (from the engine's
 * process tree).  ids (taken over; NULL: none) names the events' cgroups and
 * namespace pids into REC_NAMES frames, on the writer thread.  0, or -errno
 * with a one-line message in err.
 */
int recorder_start(struct recorder *r, const char *path, uint64_t max_bytes,
		   json_object *header_json, struct engine *eng, struct stack_resolver *res,
		   struct idnames *ids, size_t queue_cap, char *err, size_t errsz);
/* An engine tap (ctx = recorder). */
void recorder_tap(void *ctx, const struct pl_event *ev);
/* A JSON side frame (REC_MARK, REC_AI, REC_FINDING), from any thread; taken over. */
void recorder_side(struct recorder *r, int frame_type, json_object *obj);
/* Flush, write the end frame, close. */
void recorder_stop(struct recorder *r);

#endif
