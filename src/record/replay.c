#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "format.h"
#include "rec_names.h"
#include "tick_apply.h"
#include "../util/monotime.h"

#define REPLAY_BATCH 65536 /* events per drain when not paced */
/* A seek re-feeds the seconds before its target so the timeline and the
 * dashboards have context: up to this many seconds (and never more than the
 * timeline's window), stopping earlier once this many bytes of event frames
 * would be re-read, which bounds a seek's cost whatever the event rate. */
#define REPLAY_LOOKBACK_MAX_S 120
#define REPLAY_LOOKBACK_BYTES (1u << 20)
/* Events reach the recorder at most this late after frames holding newer
 * ones (in-flight reports, queueing): how far back the end is looked for. */
#define END_SLACK_NS (5 * 1000000000ull)

struct rec_stack {
	uint32_t store_id;       /* in the engine's stack store; 0 until first use */
	uint32_t pid;
	uint8_t kernel;
	uint16_t n;
	uint32_t *frames;        /* string ids */
};

struct index_entry {
	uint64_t ts, offset;
};

/* The side frames of one kind met so far, each kept once, in file order,
 * and the store they feed. */
struct side_list {
	json_object *arr;
	uint64_t *due;            /* when each kept object is due (its "ts"), ns */
	size_t n, cap;
	size_t fed;               /* objects fed to the store so far (in due order) */
	struct replay_feed feed;  /* apply NULL: kept only */
};

struct replay {
	struct pl_source base;
	struct rec_reader rd;
	struct engine *eng;
	struct replay_info info;
	struct rec_stack *stacks; /* by recording stack id */
	size_t nstacks;
	struct index_entry *index;
	size_t nindex;
	uint64_t *sec_bytes;      /* event bytes per second of the recording */
	size_t nsecs;
	/* the EVENTS frame being delivered */
	struct rec_cur cur;
	uint32_t left;
	uint64_t prev_ts;
	struct pl_event pending;  /* decoded but not yet due */
	bool has_pending;
	/* pacing */
	double speed;
	bool paused;
	uint64_t clock_ts, anchor_ts, anchor_wall;
	uint64_t decode_errors;
	struct side_list marks, ai, findings;
	json_object *end;
	struct idnames *names;    /* cgroup paths and nspids (REC_NAMES), learnt at scan */
	uint64_t procs_offset;    /* the REC_PROCS snapshot at start; 0 when none */
	bool seek_pending;        /* posted by replay_seek, done by the next drain */
	uint64_t seek_to;
	bool at_end;              /* every event delivered (paced replays wait here) */
	uint64_t from_ts, to_ts;  /* a slice (--from/--to): events outside are skipped */
	bool eof;
};

static const char *lookup(void *ctx, uint32_t id)
{
	return rec_reader_string(ctx, id);
}

static int load_stacks(struct replay *r, const uint8_t *p, size_t len)
{
	struct rec_cur c = { p, p + len, 0 };

	while (!c.err && c.p < c.end) {
		uint64_t id = rec_get_varint(&c);
		uint8_t kernel = rec_get_u8(&c);
		uint64_t pid = rec_get_varint(&c), n = rec_get_varint(&c);
		struct rec_stack *st;

		if (c.err || id == 0 || id > (1u << 24) || n > PL_MAX_STACK)
			return -EINVAL;
		if (id >= r->nstacks) {
			size_t cap = id + 1024;
			struct rec_stack *v = realloc(r->stacks, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			memset(v + r->nstacks, 0, (cap - r->nstacks) * sizeof(*v));
			r->stacks = v;
			r->nstacks = cap;
		}
		st = &r->stacks[id];
		free(st->frames);
		st->frames = calloc(n ? n : 1, sizeof(*st->frames));
		if (!st->frames)
			return -ENOMEM;
		st->kernel = kernel;
		st->pid = (uint32_t)pid;
		st->n = (uint16_t)n;
		st->store_id = 0;
		for (uint64_t i = 0; i < n; i++)
			st->frames[i] = (uint32_t)rec_get_varint(&c);
	}
	return c.err ? -EINVAL : 0;
}

static int add_index(struct replay *r, const struct rec_frame_view *f)
{
	struct rec_cur c = { f->payload, f->payload + f->len, 0 };
	uint64_t base = rec_get_varint(&c);
	struct index_entry *v;

	if (c.err)
		return -EINVAL;
	v = realloc(r->index, (r->nindex + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->index = v;
	r->index[r->nindex++] = (struct index_entry){ base, f->offset };
	if (r->info.start_mono_ns && base >= r->info.start_mono_ns) {
		size_t sec = (base - r->info.start_mono_ns) / 1000000000ull;

		if (sec < 7 * 86400 && sec >= r->nsecs) {
			uint64_t *nv = realloc(r->sec_bytes, (sec + 64) * sizeof(*nv));

			if (nv) {
				memset(nv + r->nsecs, 0, (sec + 64 - r->nsecs) * sizeof(*nv));
				r->sec_bytes = nv;
				r->nsecs = sec + 64;
			}
		}
		if (sec < r->nsecs)
			r->sec_bytes[sec] += f->len;
	}
	if (!r->info.first_ts || base < r->info.first_ts)
		r->info.first_ts = base;
	if (base > r->info.last_ts)
		r->info.last_ts = base;
	return 0;
}

static json_object *parse_json(const struct rec_frame_view *f)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, (const char *)f->payload, (int)f->len)
			     : NULL;

	if (o && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* ---- side frames: bookmarks, AI answers, findings ----
 *
 * All are kept at the scan, so a jump forward or back knows every one.
 * Each is fed to its store when the replay clock reaches its own "ts"
 * (engine seconds), not when its frame is read: the recorder writes side
 * frames when it flushes, which can be a little before older events. */

/* At the scan: keep the frame's object, due at its "ts".  An unreadable
 * one is counted; -ENOMEM stops the scan. */
static int side_keep(struct replay *r, struct side_list *l, const struct rec_frame_view *f)
{
	json_object *o = parse_json(f), *ts;
	double sec = 0;
	size_t i;

	if (!o) {
		r->decode_errors++;
		return 0;
	}
	if (json_object_object_get_ex(o, "ts", &ts))
		sec = json_object_get_double(ts);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		uint64_t *v = realloc(l->due, cap * sizeof(*v));

		if (!v) {
			json_object_put(o);
			return -ENOMEM;
		}
		l->due = v;
		l->cap = cap;
	}
	if (!l->arr)
		l->arr = json_object_new_array();
	if (!l->arr || json_object_array_add(l->arr, o)) {
		json_object_put(o);
		return -ENOMEM;
	}
	/* Fed in file order, each once the clock reaches it: the writer's
	 * flushes keep file order close to time order. */
	i = l->n++;
	l->due[i] = r->info.start_mono_ns +
		    (sec > 0 && sec < 1e9 ? (uint64_t)(sec * 1e9) : 0);
	return 0;
}

/* Feed the store every object due by upto that it has not had. */
static void side_catch_up(struct side_list *l, uint64_t upto)
{
	for (; l->fed < l->n && l->due[l->fed] <= upto; l->fed++)
		if (l->feed.apply)
			l->feed.apply(l->feed.ctx, json_object_array_get_idx(l->arr, l->fed));
}

/* A seek back: the store starts again empty (the clock then catches up). */
static void side_rewind(struct side_list *l)
{
	if (l->feed.reset)
		l->feed.reset(l->feed.ctx);
	l->fed = 0;
}

static void side_free(struct side_list *l)
{
	json_object_put(l->arr);
	free(l->due);
}

static uint64_t header_u64(json_object *h, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(h, k, &v) ? (uint64_t)json_object_get_int64(v) : 0;
}

/* One pass over the whole file at open: the string table, the stack
 * definitions and a time index of the event frames (for seeking). */
static int scan(struct replay *r, char *err, size_t errsz)
{
	struct rec_frame_view f;
	int e = 0;

	while (!e && rec_reader_next(&r->rd, &f) == 1) {
		switch (f.type) {
		case REC_HEADER:
			if (!r->info.header) {
				r->info.header = parse_json(&f);
				r->info.start_mono_ns = header_u64(r->info.header, "start_mono_ns");
			}
			break;
		case REC_PROCS:
			if (!r->procs_offset)
				r->procs_offset = f.offset;
			break;
		case REC_STRINGS:
			e = rec_reader_add_strings(&r->rd, f.payload, f.len);
			break;
		case REC_STACKS:
			e = load_stacks(r, f.payload, f.len);
			break;
		case REC_EVENTS:
			e = add_index(r, &f);
			break;
		case REC_END:
			json_object_put(r->end);
			r->end = parse_json(&f);
			break;
		case REC_NAMES:
			/* Damaged names only leave names out: the events still replay. */
			if (rec_names_learn(r->names, f.payload, f.len))
				r->decode_errors++;
			break;
		case REC_MARK:
			e = side_keep(r, &r->marks, &f);
			break;
		case REC_AI:
			e = side_keep(r, &r->ai, &f);
			break;
		case REC_FINDING:
			e = side_keep(r, &r->findings, &f);
			break;
		}
		if (e == -ENOMEM)
			snprintf(err, errsz, "out of memory at offset %llu", (unsigned long long)f.offset);
		else if (e)
			snprintf(err, errsz, "damaged frame at offset %llu (bad %s payload)",
				 (unsigned long long)f.offset, f.type == REC_STACKS ? "stack" : "string");
	}
	if (!e && !r->info.header) {
		if (r->rd.damaged || r->rd.truncated)
			snprintf(err, errsz, "%s, before any header: not a usable recording",
				 r->rd.error);
		else
			snprintf(err, errsz, "no header frame at offset %d: not a usable recording",
				 REC_PROLOGUE);
		e = -EINVAL;
	}
	return e;
}

/* A recording stack becomes a store entry on first use, frames attached:
 * the views and printers then read it like a live, resolved stack. */
static uint32_t ensure_stack(struct replay *r, uint32_t rec_id)
{
	struct rec_stack *st = rec_id < r->nstacks ? &r->stacks[rec_id] : NULL;
	uint64_t ips[2];
	size_t len = 0;
	char *blob, *p;

	if (!st || !st->frames)
		return 0;
	if (st->store_id)
		return st->store_id;
	ips[0] = rec_id;
	ips[1] = 0x5245504c4159ull; /* "REPLAY": no live stack has this shape */
	st->store_id = stackstore_intern(r->eng->stacks, st->pid, st->kernel, ips, 2);
	for (unsigned i = 0; i < st->n; i++) {
		const char *s = rec_reader_string(&r->rd, st->frames[i]);

		len += strlen(s ? s : "?") + 1;
	}
	blob = malloc(len ? len : 1);
	if (!blob || !st->store_id) {
		free(blob);
		return st->store_id;
	}
	p = blob;
	for (unsigned i = 0; i < st->n; i++) {
		const char *s = rec_reader_string(&r->rd, st->frames[i]);

		p = stpcpy(p, s ? s : "?") + 1;
	}
	stackstore_set_frames(r->eng->stacks, st->store_id, blob, st->n);
	return st->store_id;
}

static void map_stacks(struct replay *r, struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		ev->u.io.ustack_id = ensure_stack(r, ev->u.io.ustack_id);
		ev->u.io.wstack_id = ensure_stack(r, ev->u.io.wstack_id);
		break;
	case PL_EV_BLOCK:
		ev->u.blk.ustack_id = ensure_stack(r, ev->u.blk.ustack_id);
		ev->u.blk.kstack_id = ensure_stack(r, ev->u.blk.kstack_id);
		break;
	case PL_EV_SAMPLE:
		ev->u.sample.ustack_id = ensure_stack(r, ev->u.sample.ustack_id);
		ev->u.sample.kstack_id = ensure_stack(r, ev->u.sample.kstack_id);
		break;
	}
}

static void seed_procs(struct replay *r, const struct rec_frame_view *f)
{
	json_object *procs = parse_json(f);
	size_t n = procs && json_object_is_type(procs, json_type_array)
			   ? json_object_array_length(procs) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(procs, i), *v;
		uint32_t pid = 0, ppid = 0;
		uint64_t start = 0;
		const char *comm = "", *args = "";

		if (json_object_object_get_ex(p, "pid", &v))
			pid = (uint32_t)json_object_get_int64(v);
		if (json_object_object_get_ex(p, "ppid", &v))
			ppid = (uint32_t)json_object_get_int64(v);
		if (json_object_object_get_ex(p, "start_ns", &v))
			start = (uint64_t)json_object_get_int64(v);
		if (json_object_object_get_ex(p, "comm", &v))
			comm = json_object_get_string(v);
		if (json_object_object_get_ex(p, "args", &v))
			args = json_object_get_string(v);
		if (pid)
			proctree_on_exec(r->eng->pt, pid, start, ppid, comm, args);
	}
	json_object_put(procs);
}

static void deliver_tick(struct replay *r, const struct rec_frame_view *f)
{
	json_object *t = parse_json(f);
	json_object *sec;
	struct pl_event ev = { .type = PL_EV_TICK };

	if (!t || !json_object_object_get_ex(t, "sec", &sec)) {
		json_object_put(t);
		r->decode_errors++;
		return;
	}
	ev.u.tick.sec = json_object_get_int64(sec);
	ev.ts_ns = r->info.start_mono_ns + (uint64_t)(ev.u.tick.sec + 1) * 1000000000ull;
	if (ev.ts_ns < r->from_ts || ev.ts_ns > r->to_ts) {
		json_object_put(t);
		return;
	}
	tick_apply(r->eng->sat, t);
	satstore_put_tick(r->eng->sat, ev.u.tick.sec, strndup((const char *)f->payload, f->len));
	json_object_put(t);
	r->base.sink.on_event(r->base.sink.ctx, &ev);
}

/* Frames that are not events: handle them; an EVENTS frame becomes the cursor. */
static void enter_frame(struct replay *r, const struct rec_frame_view *f)
{
	switch (f->type) {
	case REC_PROCS:
		seed_procs(r, f);
		break;
	case REC_EVENTS:
		r->cur = (struct rec_cur){ f->payload, f->payload + f->len, 0 };
		r->prev_ts = rec_get_varint(&r->cur);
		r->left = (uint32_t)rec_get_varint(&r->cur);
		if (r->cur.err)
			r->left = 0, r->decode_errors++;
		break;
	case REC_TICK:
		deliver_tick(r, f);
		break;
	}
}

/* The next event in file order, or false at the end of the recording. */
static bool next_event(struct replay *r, struct pl_event *ev)
{
	struct rec_strings st = { lookup, &r->rd };
	struct rec_frame_view f;

	for (;;) {
		if (r->left) {
			r->left--;
			if (!rec_decode_event(&r->cur, ev, &r->prev_ts, &st)) {
				if (ev->ts_ns < r->from_ts || ev->ts_ns > r->to_ts)
					continue;
				return true;
			}
			r->decode_errors++; /* the rest of this frame is unreadable */
			r->left = 0;
			continue;
		}
		if (rec_reader_next(&r->rd, &f) != 1)
			return false;
		enter_frame(r, &f);
		/* Frames are in time order, give or take END_SLACK_NS. */
		if (r->left && r->to_ts != UINT64_MAX && r->prev_ts > r->to_ts + END_SLACK_NS)
			return false;
	}
}

static uint64_t frame_before(const struct replay *r, uint64_t ts);

/* The newest event time: the EVENTS frames of the last seconds, decoded
 * (the index only knows where frames begin, and a late frame may hold only
 * an older event, such as a closed in-flight op). */
static uint64_t find_end_ts(struct replay *r)
{
	struct rec_strings st = { lookup, &r->rd };
	struct rec_frame_view f;
	uint64_t end = r->info.last_ts, from;

	if (!r->nindex)
		return end;
	from = frame_before(r, r->info.last_ts > END_SLACK_NS ? r->info.last_ts - END_SLACK_NS : 0);
	if (rec_reader_seek(&r->rd, from ? from : REC_PROLOGUE))
		return end;
	while (rec_reader_next(&r->rd, &f) == 1) {
		struct rec_cur c = { f.payload, f.payload + f.len, 0 };
		struct pl_event ev;
		uint64_t prev, n;

		if (f.type != REC_EVENTS)
			continue;
		prev = rec_get_varint(&c);
		n = rec_get_varint(&c);
		while (!c.err && n-- && !rec_decode_event(&c, &ev, &prev, &st))
			if (ev.ts_ns > end)
				end = ev.ts_ns;
	}
	return end;
}

static uint64_t sec_bytes_at(const struct replay *r, size_t sec)
{
	return sec < r->nsecs ? r->sec_bytes[sec] : 0;
}

/* Where a seek to target starts re-feeding: whole seconds back, within the
 * lookback bounds. */
static uint64_t lookback_start(const struct replay *r, uint64_t target)
{
	unsigned span = timeline_window(r->eng->tl);
	size_t sec = (target - r->info.start_mono_ns) / 1000000000ull, n = 1;
	uint64_t bytes = sec_bytes_at(r, sec);

	if (span > REPLAY_LOOKBACK_MAX_S)
		span = REPLAY_LOOKBACK_MAX_S;
	while (sec > 0 && n < span && bytes + sec_bytes_at(r, sec - 1) <= REPLAY_LOOKBACK_BYTES) {
		sec--;
		n++;
		bytes += sec_bytes_at(r, sec);
	}
	return r->info.start_mono_ns + sec * 1000000000ull;
}

/* The offset of the last EVENTS frame starting at or before ts (binary
 * search: the recorder writes frames in time order), or 0 when ts is before
 * the first. */
static uint64_t frame_before(const struct replay *r, uint64_t ts)
{
	size_t lo = 0, hi = r->nindex;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->index[mid].ts <= ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? r->index[lo - 1].offset : 0;
}

/* Re-read one frame at offset (the process snapshot) out of order. */
static void reenter_frame(struct replay *r, uint64_t offset)
{
	struct rec_frame_view f;

	if (offset && !rec_reader_seek(&r->rd, offset) && rec_reader_next(&r->rd, &f) == 1)
		enter_frame(r, &f);
}

/*
 * A posted seek, on the consumer thread with the engine lock held.  A short
 * step forward just moves the clock (drain delivers the gap).  Anything
 * else forgets the stores and re-feeds from the lookback start: from the
 * top of the file when that reaches the first frame (then the stores are
 * exactly those of a straight play), else from the indexed frame before it,
 * after re-seeding the process tree from the start snapshot.
 */
static void seek_now(struct replay *r, uint64_t target)
{
	uint64_t from = lookback_start(r, target), off;

	r->seek_pending = false;
	if (target >= r->clock_ts && from <= r->clock_ts) {
		r->clock_ts = r->anchor_ts = target;
		return;
	}
	off = frame_before(r, from);
	engine_reset(r->eng);
	side_rewind(&r->ai);
	side_rewind(&r->findings);
	if (off > r->procs_offset)
		reenter_frame(r, r->procs_offset);
	rec_reader_seek(&r->rd, off ? off : REC_PROLOGUE);
	r->left = 0;
	r->has_pending = false;
	r->at_end = r->eof = false;
	r->clock_ts = r->anchor_ts = target;
}

static void advance_clock(struct replay *r)
{
	uint64_t now = monotime_ns();

	if (!r->paused && r->speed > 0)
		r->clock_ts = r->anchor_ts + (uint64_t)((double)(now - r->anchor_wall) * r->speed);
	r->anchor_ts = r->clock_ts;
	r->anchor_wall = now;
}

static void feed_sides(struct replay *r, uint64_t upto)
{
	side_catch_up(&r->ai, upto);
	side_catch_up(&r->findings, upto);
}

static int replay_drain(struct pl_source *s)
{
	struct replay *r = (struct replay *)s;
	int delivered = 0;

	if (r->seek_pending)
		seek_now(r, r->seek_to);
	if (r->eof)
		return PL_SOURCE_EOF;
	if (r->speed > 0)
		advance_clock(r);
	while (delivered < REPLAY_BATCH) {
		if (!r->has_pending && !(r->has_pending = next_event(r, &r->pending))) {
			r->at_end = true;
			feed_sides(r, UINT64_MAX);
			/* Paced (the screen): wait at the end, a seek may go back. */
			if (r->speed > 0)
				return delivered;
			r->eof = true;
			return delivered ? delivered : PL_SOURCE_EOF;
		}
		/* At the end every event left is due, in whatever order it was written. */
		if (r->speed > 0 && r->pending.ts_ns > r->clock_ts && r->clock_ts < r->info.end_ts)
			break;
		map_stacks(r, &r->pending);
		r->has_pending = false;
		if (r->speed == 0)
			r->clock_ts = r->pending.ts_ns;
		r->base.sink.on_event(r->base.sink.ctx, &r->pending);
		delivered++;
	}
	feed_sides(r, r->clock_ts);
	return delivered;
}

static int replay_wait(struct pl_source *s, int timeout_ms)
{
	struct replay *r = (struct replay *)s;
	struct timespec ts = { 0, (long)timeout_ms * 1000000L };

	if (r->speed > 0 || r->paused)
		nanosleep(&ts, NULL);
	return 0;
}

static void replay_stats(struct pl_source *s, struct pl_source_stats *out)
{
	struct replay *r = (struct replay *)s;

	memset(out, 0, sizeof(*out));
	out->decode_errors = r->decode_errors;
	out->records = r->rd.frames;
}

static void replay_free(struct pl_source *s)
{
	struct replay *r = (struct replay *)s;

	for (size_t i = 0; i < r->nstacks; i++)
		free(r->stacks[i].frames);
	free(r->stacks);
	free(r->index);
	free(r->sec_bytes);
	json_object_put(r->info.header);
	side_free(&r->marks);
	side_free(&r->ai);
	side_free(&r->findings);
	json_object_put(r->end);
	idnames_free(r->names);
	rec_reader_close(&r->rd);
	free(r);
}

static const struct pl_source_ops replay_ops = {
	.name = "replay",
	.wait = replay_wait,
	.drain = replay_drain,
	.stats = replay_stats,
	.free = replay_free,
};

/* path NULL: read data/size from memory instead (tests, fuzzing). */
static struct pl_source *replay_open(const char *path, const void *data, size_t size,
				     struct pl_sink sink, struct engine *eng, char *err,
				     size_t errsz)
{
	struct replay *r = calloc(1, sizeof(*r));
	json_object *v;
	int e;

	if (!r) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	r->base.ops = &replay_ops;
	r->base.sink = sink;
	r->eng = eng;
	r->names = idnames_new(NULL, NULL);
	if (!r->names) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	e = path ? rec_reader_open(&r->rd, path, err, errsz)
		 : rec_reader_open_mem(&r->rd, data, size, err, errsz);
	if (e || scan(r, err, errsz))
		goto fail;
	r->info.start_mono_ns = header_u64(r->info.header, "start_mono_ns");
	r->info.end_ts = find_end_ts(r);
	if (r->info.end_ts < r->info.start_mono_ns)
		r->info.end_ts = r->info.start_mono_ns;
	if (json_object_object_get_ex(r->info.header, "start_unix", &v))
		r->info.start_wall = json_object_get_double(v);
	engine_set_origin(eng, r->info.start_mono_ns, r->info.start_wall);
	r->clock_ts = r->anchor_ts = r->info.start_mono_ns;
	r->anchor_wall = monotime_ns();
	r->to_ts = UINT64_MAX;
	/* Play from the top: the scan left the reader at the end. */
	rec_reader_seek(&r->rd, REC_PROLOGUE);
	return &r->base;
fail:
	replay_free(&r->base);
	return NULL;
}

struct pl_source *replay_source_new(const char *path, struct pl_sink sink, struct engine *eng,
				    char *err, size_t errsz)
{
	return replay_open(path, NULL, 0, sink, eng, err, errsz);
}

struct pl_source *replay_source_new_mem(const void *data, size_t size, struct pl_sink sink,
					struct engine *eng, char *err, size_t errsz)
{
	return replay_open(NULL, data, size, sink, eng, err, errsz);
}

const struct replay_info *replay_info(struct pl_source *s)
{
	return &((struct replay *)s)->info;
}

void replay_set_speed(struct pl_source *s, double speed)
{
	struct replay *r = (struct replay *)s;

	advance_clock(r);
	r->speed = speed;
}

double replay_speed(struct pl_source *s)
{
	return ((struct replay *)s)->speed;
}

void replay_set_paused(struct pl_source *s, bool paused)
{
	struct replay *r = (struct replay *)s;

	advance_clock(r);
	r->paused = paused;
}

bool replay_paused(struct pl_source *s)
{
	return ((struct replay *)s)->paused;
}

uint64_t replay_clock(struct pl_source *s)
{
	struct replay *r = (struct replay *)s;

	return r->seek_pending ? r->seek_to : r->clock_ts;
}

uint64_t replay_seek(struct pl_source *s, uint64_t ts)
{
	struct replay *r = (struct replay *)s;

	advance_clock(r);
	if (ts < r->info.start_mono_ns)
		ts = r->info.start_mono_ns;
	if (ts > r->info.end_ts)
		ts = r->info.end_ts;
	r->seek_to = ts;
	r->seek_pending = true;
	return ts;
}

void replay_set_range(struct pl_source *s, uint64_t from, uint64_t to)
{
	struct replay *r = (struct replay *)s;
	uint64_t off = frame_before(r, from > END_SLACK_NS ? from - END_SLACK_NS : 0);

	r->from_ts = from;
	r->to_ts = to;
	if (off > r->procs_offset)
		reenter_frame(r, r->procs_offset);
	rec_reader_seek(&r->rd, off ? off : REC_PROLOGUE);
	r->left = 0;
	r->has_pending = false;
}

bool replay_at_end(struct pl_source *s)
{
	struct replay *r = (struct replay *)s;

	return r->at_end && !r->seek_pending;
}

uint64_t replay_next_spike(struct pl_source *s)
{
	struct replay *r = (struct replay *)s;
	uint64_t sum = 0, active = 0;
	size_t from;

	for (size_t i = 0; i < r->nsecs; i++)
		if (r->sec_bytes[i]) {
			sum += r->sec_bytes[i];
			active++;
		}
	if (!active || replay_clock(s) < r->info.start_mono_ns)
		return 0;
	from = (replay_clock(s) - r->info.start_mono_ns) / 1000000000ull + 1;
	for (size_t i = from; i < r->nsecs; i++)
		if (r->sec_bytes[i] * active > 3 * sum)
			return r->info.start_mono_ns + i * 1000000000ull;
	return 0;
}

const char *replay_problem(struct pl_source *s, bool *damaged)
{
	struct replay *r = (struct replay *)s;

	*damaged = r->rd.damaged;
	return r->rd.truncated || r->rd.damaged ? r->rd.error : "";
}

json_object *replay_marks(struct pl_source *s)
{
	return ((struct replay *)s)->marks.arr;
}

json_object *replay_ai(struct pl_source *s)
{
	return ((struct replay *)s)->ai.arr;
}

json_object *replay_findings(struct pl_source *s)
{
	return ((struct replay *)s)->findings.arr;
}

void replay_feed(struct pl_source *s, enum replay_side side, struct replay_feed feed)
{
	struct replay *r = (struct replay *)s;

	(side == REPLAY_AI ? &r->ai : &r->findings)->feed = feed;
}

struct idnames *replay_take_names(struct pl_source *s)
{
	struct replay *r = (struct replay *)s;
	struct idnames *n = r->names;

	r->names = NULL;
	return n;
}

json_object *replay_end(struct pl_source *s)
{
	return ((struct replay *)s)->end;
}
