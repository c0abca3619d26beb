#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../util/scrub.h"
#include "codec.h"
#include "format.h"
#include "rec_names.h"

#define REC_BATCH 1024
#define REC_FLUSH_BYTES (64u << 10)
#define REC_FLUSH_NS 500000000ull  /* twice a second: a kill -9 loses < 1 s */
#define REC_END_RESERVE 4096       /* room kept for the end frame under --record-max */
#define REC_SIDE_MAX 256
#define REC_MAX_STRINGS (1u << 22)

struct rec_side {
	int type;
	char *json;
};

struct str_slot {
	char *s;
	uint32_t id;
	uint32_t hash;
};

/* Raw event string -> id of its scrubbed form: comms and files repeat, and
 * scrubbing is the costly part of recording an event. */
#define REC_SCRUB_CACHE 4096

struct scrub_slot {
	uint32_t hash, id;
	char *raw;
};

struct rec_writer {
	int fd;
	struct scrub_slot scrubbed[REC_SCRUB_CACHE];
	uint64_t off, max_bytes;
	int error;
	bool hit_limit;
	struct str_slot *slots;      /* string -> id, open addressing */
	size_t nslots, nstrings;
	uint64_t strings_refused;
	uint8_t *stack_defined;      /* bitmap over live stack ids */
	size_t stack_bits;
	struct rec_buf strings, stacks, events, index, payload;
	uint32_t nevents;
	uint64_t base_ts, prev_ts, last_flush_ns;
	uint64_t last_index_off;
	struct engine *eng;
	struct stack_resolver *res;
	struct rec_names *names;     /* NULL: cgroup paths and nspids not recorded */
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int strtab_grow(struct rec_writer *w)
{
	size_t n = w->nslots ? w->nslots * 2 : 4096;
	struct str_slot *ns = calloc(n, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < w->nslots; i++) {
		size_t j;

		if (!w->slots[i].s)
			continue;
		for (j = w->slots[i].hash & (n - 1); ns[j].s; j = (j + 1) & (n - 1))
			;
		ns[j] = w->slots[i];
	}
	free(w->slots);
	w->slots = ns;
	w->nslots = n;
	return 0;
}

/* The id of s, defining it in the pending REC_STRINGS payload when new. */
static uint32_t intern_raw(struct rec_writer *w, const char *s)
{
	uint32_t h = str_hash(s);
	size_t i;

	if ((w->nstrings + 1) * 2 > w->nslots && strtab_grow(w))
		return 0;
	for (i = h & (w->nslots - 1); w->slots[i].s; i = (i + 1) & (w->nslots - 1))
		if (w->slots[i].hash == h && !strcmp(w->slots[i].s, s))
			return w->slots[i].id;
	if (w->nstrings >= REC_MAX_STRINGS || !(w->slots[i].s = strdup(s))) {
		w->strings_refused++;
		return 0;
	}
	w->slots[i].hash = h;
	w->slots[i].id = (uint32_t)++w->nstrings;
	rec_put_varint(&w->strings, w->slots[i].id);
	rec_put_varint(&w->strings, strlen(s));
	rec_put_bytes(&w->strings, s, strlen(s));
	return w->slots[i].id;
}

/* Event strings leave the process: scrub them (frames are symbol names and
 * are interned raw, so the entropy rule cannot mangle them). */
static uint32_t intern_scrubbed(void *ctx, const char *s)
{
	struct rec_writer *w = ctx;
	uint32_t h = str_hash(s);
	struct scrub_slot *c = &w->scrubbed[h % REC_SCRUB_CACHE];
	char buf[PL_FILE_MAX * 2];

	if (c->raw && c->hash == h && !strcmp(c->raw, s))
		return c->id;
	scrub_copy(buf, sizeof(buf), s);
	free(c->raw);
	c->raw = strdup(s);
	c->hash = h;
	c->id = intern_raw(w, buf);
	return c->id;
}

static int write_frame(struct rec_writer *w, uint16_t type, const uint8_t *p, size_t len,
		       bool final)
{
	uint8_t head[8], tail[4];
	/* writev's iovec is not const; the payload is only read. */
	struct iovec iov[3] = { { head, 8 }, { (void *)(uintptr_t)p, len }, { tail, 4 } };
	size_t total = len + REC_FRAME_OVERHEAD;
	ssize_t n;

	if (w->error || (w->hit_limit && !final))
		return -1;
	if (w->max_bytes && w->off + total + (final ? 0 : REC_END_RESERVE) > w->max_bytes) {
		w->hit_limit = true;
		return -1;
	}
	rec_le32(head, (uint32_t)len);
	head[4] = (uint8_t)type;
	head[5] = (uint8_t)(type >> 8);
	head[6] = head[7] = 0;
	rec_le32(tail, rec_frame_crc(type, 0, p, len));
	n = writev(w->fd, iov, 3);
	if (n != (ssize_t)total) {
		w->error = n < 0 ? -errno : -EIO;
		return -1;
	}
	w->off += total;
	return 0;
}

static int write_json(struct rec_writer *w, uint16_t type, json_object *o, bool final)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	return write_frame(w, type, (const uint8_t *)s, strlen(s), final);
}

/* A stack referenced for the first time: define it with resolved frames. */
static void define_stack(struct rec_writer *w, uint32_t id)
{
	const struct stack_entry *e;
	uint32_t ids[PL_MAX_STACK];

	if (!id)
		return;
	if (id >= w->stack_bits) {
		size_t bits = (id + 1024) & ~(size_t)1023;
		uint8_t *m = realloc(w->stack_defined, bits / 8);

		if (!m)
			return;
		memset(m + w->stack_bits / 8, 0, (bits - w->stack_bits) / 8);
		w->stack_defined = m;
		w->stack_bits = bits;
	}
	if (w->stack_defined[id / 8] & (1u << (id % 8)))
		return;
	e = stack_resolve(w->res, id);
	if (!e)
		return;
	w->stack_defined[id / 8] |= (uint8_t)(1u << (id % 8));
	for (unsigned i = 0; i < e->nframes; i++)
		ids[i] = intern_raw(w, stack_entry_frame(e, i));
	rec_put_varint(&w->stacks, id);
	rec_put_u8(&w->stacks, e->kernel);
	rec_put_varint(&w->stacks, e->pid);
	rec_put_varint(&w->stacks, e->nframes);
	for (unsigned i = 0; i < e->nframes; i++)
		rec_put_varint(&w->stacks, ids[i]);
}

static void define_event_stacks(struct rec_writer *w, const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		define_stack(w, ev->u.io.ustack_id);
		define_stack(w, ev->u.io.wstack_id);
		break;
	case PL_EV_BLOCK:
		define_stack(w, ev->u.blk.ustack_id);
		define_stack(w, ev->u.blk.kstack_id);
		break;
	case PL_EV_SAMPLE:
		define_stack(w, ev->u.sample.ustack_id);
		define_stack(w, ev->u.sample.kstack_id);
		break;
	}
}

/* Names learnt since the last flush (lost with the frame on a write error:
 * events then print without them). */
static void write_names(struct rec_writer *w)
{
	json_object *o = w->names ? rec_names_take(w->names) : NULL;

	if (o)
		write_json(w, REC_NAMES, o, false);
	json_object_put(o);
}

/* Strings, then stacks, then names, then the events that use them, then an
 * index entry. */
static void flush(struct rec_writer *w, uint64_t now)
{
	uint64_t ev_off, idx_off;

	w->last_flush_ns = now;
	if (w->strings.len && !write_frame(w, REC_STRINGS, w->strings.p, w->strings.len, false))
		rec_buf_reset(&w->strings);
	if (w->stacks.len && !write_frame(w, REC_STACKS, w->stacks.p, w->stacks.len, false))
		rec_buf_reset(&w->stacks);
	write_names(w);
	if (!w->nevents)
		return;
	rec_buf_reset(&w->payload);
	rec_put_varint(&w->payload, w->base_ts);
	rec_put_varint(&w->payload, w->nevents);
	rec_put_bytes(&w->payload, w->events.p, w->events.len);
	ev_off = w->off;
	if (write_frame(w, REC_EVENTS, w->payload.p, w->payload.len, false))
		return;
	rec_buf_reset(&w->events);
	w->nevents = 0;
	/* Each index frame points back at the previous one: from the end frame
	 * a reader walks the chain instead of reading the whole file. */
	rec_buf_reset(&w->index);
	rec_put_varint(&w->index, w->last_index_off);
	rec_put_varint(&w->index, 1);
	rec_put_varint(&w->index, w->base_ts);
	rec_put_varint(&w->index, ev_off);
	idx_off = w->off;
	if (!write_frame(w, REC_INDEX, w->index.p, w->index.len, false))
		w->last_index_off = idx_off;
}

static void add_event(struct recorder *r, const struct pl_event *ev)
{
	struct rec_writer *w = r->w;
	struct rec_interner in = { intern_scrubbed, w };

	if (w->hit_limit || w->error) {
		r->dropped_events++;
		return;
	}
	define_event_stacks(w, ev);
	if (!w->nevents)
		w->base_ts = w->prev_ts = ev->ts_ns;
	rec_encode_event(&w->events, ev, &w->prev_ts, &in);
	w->nevents++;
	r->written_events++;
}

static void write_tick(struct recorder *r, int64_t sec, uint64_t now)
{
	char *copy = NULL;
	const char *t;

	engine_lock(r->eng);
	t = satstore_get_tick(r->eng->sat, sec);
	if (t)
		copy = strdup(t);
	engine_unlock(r->eng);
	if (!copy)
		return;
	flush(r->w, now); /* keep the tick after the events before it */
	write_frame(r->w, REC_TICK, (const uint8_t *)copy, strlen(copy), false);
	free(copy);
}

static void write_side(struct recorder *r)
{
	struct rec_side side[REC_SIDE_MAX];
	size_t n;

	pthread_mutex_lock(&r->side_lock);
	n = r->nside;
	memcpy(side, r->side, n * sizeof(side[0]));
	r->nside = 0;
	pthread_mutex_unlock(&r->side_lock);
	for (size_t i = 0; i < n; i++) {
		write_frame(r->w, (uint16_t)side[i].type, (const uint8_t *)side[i].json,
			    strlen(side[i].json), false);
		free(side[i].json);
	}
}

static void *recorder_main(void *arg)
{
	struct recorder *r = arg;
	struct pl_event *batch = malloc(REC_BATCH * sizeof(*batch));

	pthread_setname_np(pthread_self(), "pl-recorder"); /* for top -H, perf and gdb */

	while (batch && !evqueue_finished(&r->q)) {
		size_t n = evqueue_pop_timed(&r->q, batch, REC_BATCH, 100);
		uint64_t now = engine_now_ns();

		for (size_t i = 0; i < n; i++) {
			if (batch[i].type == PL_EV_TICK)
				write_tick(r, batch[i].u.tick.sec, now);
			else
				add_event(r, &batch[i]);
		}
		write_side(r);
		if (r->w->events.len >= REC_FLUSH_BYTES || now - r->w->last_flush_ns >= REC_FLUSH_NS)
			flush(r->w, now);
	}
	free(batch);
	flush(r->w, engine_now_ns());
	write_side(r);
	return NULL;
}

static int procs_visit(struct proc_node *n, void *arg)
{
	json_object *o = json_object_new_object();
	char args[PL_ARGS_LEN];

	scrub_copy(args, sizeof(args), n->args);
	json_object_object_add(o, "pid", json_object_new_int64(n->pid));
	json_object_object_add(o, "ppid", json_object_new_int64(n->ppid));
	json_object_object_add(o, "start_ns", json_object_new_int64((int64_t)n->start_ns));
	json_object_object_add(o, "comm", json_object_new_string(n->comm));
	json_object_object_add(o, "args", json_object_new_string(args));
	json_object_object_add(o, "exited", json_object_new_boolean(n->exited));
	json_object_array_add(arg, o);
	return 0;
}

static int write_snapshot(struct recorder *r, json_object *header)
{
	json_object *procs = json_object_new_array();
	uint8_t prologue[REC_PROLOGUE] = { 0 };
	int err;

	memcpy(prologue, REC_MAGIC, 8);
	prologue[8] = REC_MAJOR;
	prologue[10] = REC_MINOR;
	if (write(r->w->fd, prologue, sizeof(prologue)) != (ssize_t)sizeof(prologue)) {
		json_object_put(procs);
		return -errno;
	}
	r->w->off = REC_PROLOGUE;
	engine_lock(r->eng);
	proctree_foreach(r->eng->pt, procs_visit, procs);
	engine_unlock(r->eng);
	err = write_json(r->w, REC_HEADER, header, false) || write_json(r->w, REC_PROCS, procs, false);
	json_object_put(procs);
	return err ? (r->w->error ? r->w->error : -ENOSPC) : 0;
}

int recorder_start(struct recorder *r, const char *path, uint64_t max_bytes,
		   json_object *header_json, struct engine *eng, struct stack_resolver *res,
		   struct idnames *ids, size_t queue_cap, char *err, size_t errsz)
{
	int e = -ENOMEM;
	struct rec_names *names = ids ? rec_names_start(ids) : NULL;

	memset(r, 0, sizeof(*r));
	r->eng = eng;
	r->res = res;
	pthread_mutex_init(&r->side_lock, NULL);
	r->w = calloc(1, sizeof(*r->w));
	r->side = calloc(REC_SIDE_MAX, sizeof(*r->side));
	if (!r->w || !r->side || (ids && !names) || evqueue_init(&r->q, queue_cap))
		goto fail;
	r->w->names = r->names = names;
	names = NULL;
	r->w->eng = eng;
	r->w->res = res;
	r->w->max_bytes = max_bytes;
	r->w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (r->w->fd < 0 || fchmod(r->w->fd, 0600)) {
		e = -errno;
		snprintf(err, errsz, "cannot create recording %s: %s", path, strerror(errno));
		goto fail;
	}
	e = write_snapshot(r, header_json);
	if (e) {
		snprintf(err, errsz, "cannot write recording %s: %s", path, strerror(-e));
		goto fail;
	}
	e = -pthread_create(&r->thread, NULL, recorder_main, r);
	if (e) {
		snprintf(err, errsz, "cannot start the recorder thread: %s", strerror(-e));
		goto fail;
	}
	r->running = true;
	json_object_put(header_json);
	return 0;
fail:
	json_object_put(header_json);
	rec_names_free(names);
	rec_names_free(r->names);
	r->names = NULL;
	if (r->w && r->w->fd > 0)
		close(r->w->fd);
	evqueue_destroy(&r->q);
	free(r->side);
	free(r->w);
	r->w = NULL;
	r->side = NULL;
	if (e == -ENOMEM && !err[0])
		snprintf(err, errsz, "out of memory");
	return e;
}

void recorder_tap(void *ctx, const struct pl_event *ev)
{
	struct recorder *r = ctx;

	if (r->names)
		rec_names_note(r->names, ev);
	if (!evqueue_push(&r->q, ev))
		return; /* counted in the queue's dropped */
}

void recorder_side(struct recorder *r, int frame_type, json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);

	pthread_mutex_lock(&r->side_lock);
	if (r->running && r->nside < REC_SIDE_MAX)
		r->side[r->nside++] = (struct rec_side){ frame_type, strdup(s) };
	else
		r->side_dropped++;
	pthread_mutex_unlock(&r->side_lock);
	json_object_put(obj);
}

static void write_end(struct recorder *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "events", json_object_new_int64((int64_t)r->written_events));
	json_object_object_add(o, "dropped", json_object_new_int64((int64_t)r->dropped_events));
	json_object_object_add(o, "side_dropped", json_object_new_int64((int64_t)r->side_dropped));
	json_object_object_add(o, "names_dropped",
			       json_object_new_int64(r->names ? (int64_t)rec_names_dropped(r->names) : 0));
	json_object_object_add(o, "strings_refused",
			       json_object_new_int64((int64_t)r->w->strings_refused));
	json_object_object_add(o, "hit_limit", json_object_new_boolean(r->w->hit_limit));
	json_object_object_add(o, "last_index", json_object_new_int64((int64_t)r->w->last_index_off));
	json_object_object_add(o, "end_mono_ns", json_object_new_int64((int64_t)engine_now_ns()));
	write_json(r->w, REC_END, o, true);
	json_object_put(o);
}

void recorder_stop(struct recorder *r)
{
	struct rec_writer *w = r->w;

	if (!r->running)
		return;
	rec_names_stop(r->names); /* the writer's last flush writes what it learnt */
	evqueue_close(&r->q);
	pthread_join(r->thread, NULL);
	pthread_mutex_lock(&r->side_lock);
	r->running = false;
	pthread_mutex_unlock(&r->side_lock);
	r->dropped_events += evqueue_dropped(&r->q);
	write_end(r);
	r->bytes = w->off;
	r->hit_limit = w->hit_limit;
	r->error = w->error;
	close(w->fd);
	for (size_t i = 0; i < w->nslots; i++)
		free(w->slots[i].s);
	for (size_t i = 0; i < REC_SCRUB_CACHE; i++)
		free(w->scrubbed[i].raw);
	free(w->slots);
	free(w->stack_defined);
	rec_names_free(r->names);
	r->names = NULL;
	rec_buf_free(&w->strings);
	rec_buf_free(&w->stacks);
	rec_buf_free(&w->events);
	rec_buf_free(&w->index);
	rec_buf_free(&w->payload);
	free(w);
	r->w = NULL;
	for (size_t i = 0; i < r->nside; i++)
		free(r->side[i].json);
	free(r->side);
	evqueue_destroy(&r->q);
	pthread_mutex_destroy(&r->side_lock);
}
