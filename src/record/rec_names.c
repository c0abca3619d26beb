#include "rec_names.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Direct-mapped memories of ids already queued: a collision only asks again. */
#define SEEN_CG 512
#define SEEN_PIDS 1024
#define TODO_MAX 256

struct todo {
	uint32_t pid;
	uint64_t cgroup_id;  /* 0: the pid only */
};

struct rec_names {
	struct idnames *ids;             /* names thread only */
	uint64_t seen_cg[SEEN_CG];       /* consumer thread only */
	uint32_t seen_pid[SEEN_PIDS];
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;            /* guards what follows */
	pthread_cond_t cond;
	bool stop;
	struct todo todo[TODO_MAX];
	size_t ntodo;
	uint64_t dropped;
	json_object *cgroups, *nspids;   /* learnt, not taken yet; NULL when none */
};

static void learnt(json_object **obj, uint64_t key, json_object *val)
{
	char k[24];

	if (!*obj)
		*obj = json_object_new_object();
	snprintf(k, sizeof(k), "%" PRIu64, key);
	json_object_object_add(*obj, k, val);
}

static void merge(json_object **into, json_object *from)
{
	if (!from)
		return;
	if (!*into) {
		*into = from;
		return;
	}
	json_object_object_foreach(from, k, v)
		json_object_object_add(*into, k, json_object_get(v));
	json_object_put(from);
}

/* Look the ids up (no lock: file reads), then publish what is known. */
static void resolve(struct rec_names *n, const struct todo *t, size_t cnt)
{
	json_object *cgroups = NULL, *nspids = NULL;

	for (size_t i = 0; i < cnt; i++) {
		const char *path = t[i].cgroup_id ? idnames_cgroup(n->ids, t[i].cgroup_id) : NULL;
		uint32_t ns = t[i].pid ? idnames_nspid(n->ids, t[i].pid) : 0;

		if (path)
			learnt(&cgroups, t[i].cgroup_id, json_object_new_string(path));
		if (ns)
			learnt(&nspids, t[i].pid, json_object_new_int64(ns));
	}
	pthread_mutex_lock(&n->lock);
	merge(&n->cgroups, cgroups);
	merge(&n->nspids, nspids);
	pthread_mutex_unlock(&n->lock);
}

static void *names_main(void *arg)
{
	struct rec_names *n = arg;
	struct todo batch[TODO_MAX];

	pthread_setname_np(pthread_self(), "pl-rec-names"); /* for top -H, perf and gdb */
	for (;;) {
		size_t cnt;
		bool stop;

		pthread_mutex_lock(&n->lock);
		while (!n->ntodo && !n->stop)
			pthread_cond_wait(&n->cond, &n->lock);
		cnt = n->ntodo;
		memcpy(batch, n->todo, cnt * sizeof(*batch));
		n->ntodo = 0;
		stop = n->stop;
		pthread_mutex_unlock(&n->lock);
		resolve(n, batch, cnt);
		if (stop)
			return NULL;
	}
}

struct rec_names *rec_names_start(struct idnames *ids)
{
	struct rec_names *n = calloc(1, sizeof(*n));

	if (!n) {
		idnames_free(ids);
		return NULL;
	}
	n->ids = ids;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	n->running = !pthread_create(&n->thread, NULL, names_main, n);
	if (!n->running) {
		rec_names_free(n);
		return NULL;
	}
	return n;
}

void rec_names_stop(struct rec_names *n)
{
	if (!n || !n->running)
		return;
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	n->running = false;
}

void rec_names_free(struct rec_names *n)
{
	if (!n)
		return;
	rec_names_stop(n);
	idnames_free(n->ids);
	json_object_put(n->cgroups);
	json_object_put(n->nspids);
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

void rec_names_note(struct rec_names *n, const struct pl_event *ev)
{
	uint64_t *cg = &n->seen_cg[ev->cgroup_id % SEEN_CG];
	uint32_t *pid = &n->seen_pid[ev->pid % SEEN_PIDS];
	struct todo t = { 0, 0 };

	/* As the live printer: in-flight reports carry no names. */
	if (ev->type == PL_EV_INFLIGHT || ev->type >= PL_EV_ALL_MAX)
		return;
	if (ev->cgroup_id && *cg != ev->cgroup_id)
		t.cgroup_id = *cg = ev->cgroup_id;
	if (ev->pid && *pid != ev->pid)
		t.pid = *pid = ev->pid;
	if (!t.pid && !t.cgroup_id)
		return;
	pthread_mutex_lock(&n->lock);
	if (n->ntodo < TODO_MAX)
		n->todo[n->ntodo++] = t;
	else
		n->dropped++;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

json_object *rec_names_take(struct rec_names *n)
{
	json_object *o = NULL;

	pthread_mutex_lock(&n->lock);
	if (n->cgroups || n->nspids) {
		o = json_object_new_object();
		if (n->cgroups)
			json_object_object_add(o, "cgroups", n->cgroups);
		if (n->nspids)
			json_object_object_add(o, "nspids", n->nspids);
		n->cgroups = n->nspids = NULL;
	}
	pthread_mutex_unlock(&n->lock);
	return o;
}

uint64_t rec_names_dropped(struct rec_names *n)
{
	uint64_t d;

	pthread_mutex_lock(&n->lock);
	d = n->dropped;
	pthread_mutex_unlock(&n->lock);
	return d;
}

/* A decimal id key, whole and in range. */
static int parse_key(const char *k, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*k < '0' || *k > '9')
		return -1;
	errno = 0;
	v = strtoull(k, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int rec_names_learn(struct idnames *ids, const uint8_t *p, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, (const char *)p, (int)len) : NULL;
	json_object *cg = NULL, *ns = NULL;
	int e = 0;

	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object))
		e = -EINVAL;
	json_tokener_free(tok);
	if (!e && json_object_object_get_ex(o, "cgroups", &cg) &&
	    json_object_is_type(cg, json_type_object)) {
		json_object_object_foreach(cg, k, v) {
			uint64_t id;

			if (parse_key(k, UINT64_MAX, &id) || !json_object_is_type(v, json_type_string))
				e = -EINVAL;
			else
				idnames_learn_cgroup(ids, id, json_object_get_string(v));
		}
	}
	if (!e && json_object_object_get_ex(o, "nspids", &ns) &&
	    json_object_is_type(ns, json_type_object)) {
		json_object_object_foreach(ns, k, v) {
			uint64_t pid;
			int64_t nspid = json_object_get_int64(v);

			if (parse_key(k, UINT32_MAX, &pid) || !json_object_is_type(v, json_type_int) ||
			    nspid <= 0 || nspid > UINT32_MAX)
				e = -EINVAL;
			else
				idnames_learn_nspid(ids, (uint32_t)pid, (uint32_t)nspid);
		}
	}
	json_object_put(o);
	return e;
}
