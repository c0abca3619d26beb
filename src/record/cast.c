#include "cast.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/sanitize.h"
#include "../util/monotime.h"

#define CAST_QUEUE_MAX (8u << 20) /* bytes waiting for the writer */

struct cast_item {
	struct cast_item *next;
	double t;
	char code;                /* 'o', 'r', 'm' */
	size_t len;
	char data[];
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One event line: [t, "code", "data"] built with json-c. */
static int write_item(struct cast *c, const struct cast_item *it)
{
	json_object *a = json_object_new_array();
	char code[2] = { it->code, 0 };
	const char *s;
	int err;

	json_object_array_add(a, json_object_new_double(it->t));
	json_object_array_add(a, json_object_new_string(code));
	json_object_array_add(a, json_object_new_string_len(it->data, (int)it->len));
	s = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	err = write_all(c->fd, s, strlen(s));
	if (!err)
		err = write_all(c->fd, "\n", 1);
	json_object_put(a);
	return err;
}

static void *cast_main(void *arg)
{
	struct cast *c = arg;

	pthread_setname_np(pthread_self(), "pl-cast"); /* for top -H, perf and gdb */

	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct cast_item *it;

		while (!c->head && !c->closed)
			pthread_cond_wait(&c->cond, &c->lock);
		it = c->head;
		if (!it)
			break;
		c->head = it->next;
		if (!c->head)
			c->tail = NULL;
		c->queued_bytes -= it->len;
		pthread_mutex_unlock(&c->lock);
		if (!c->error)
			c->error = write_item(c, it);
		free(it);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static void enqueue(struct cast *c, char code, const char *data, size_t len)
{
	struct cast_item *it;

	pthread_mutex_lock(&c->lock);
	if (!c->running || c->closed || c->queued_bytes + len > CAST_QUEUE_MAX ||
	    !(it = malloc(sizeof(*it) + len))) {
		c->dropped_bytes += len;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	it->next = NULL;
	it->t = (monotime_ns() - c->start_ns) / 1e9;
	it->code = code;
	it->len = len;
	memcpy(it->data, data, len);
	if (c->tail)
		c->tail->next = it;
	else
		c->head = it;
	c->tail = it;
	c->queued_bytes += len;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Length of the longest prefix that ends on a whole UTF-8 character. */
static size_t whole_utf8(const char *p, size_t n)
{
	size_t i = n, back = 0;

	while (i > 0 && back < 4 && ((unsigned char)p[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i > 0) {
		unsigned char lead = (unsigned char)p[i - 1];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;

		if (need > back + 1)
			return i - 1; /* the lead and its tail wait for the rest */
	}
	return n;
}

void cast_output(struct cast *c, const char *data, size_t len)
{
	char *buf = malloc(c->npending + len + 1), *clean;
	size_t n, keep, m;

	if (!buf) {
		c->dropped_bytes += len;
		return;
	}
	memcpy(buf, c->pending, c->npending);
	memcpy(buf + c->npending, data, len);
	n = c->npending + len;
	m = whole_utf8(buf, n);
	keep = n - m;
	if (keep > sizeof(c->pending)) { /* not UTF-8 at all: let sanitize deal with it */
		m = n;
		keep = 0;
	}
	memcpy(c->pending, buf + m, keep);
	c->npending = keep;
	clean = malloc(m * 3 + 1);
	if (clean && m) {
		size_t cl = sanitize_utf8(clean, m * 3 + 1, buf, m);

		enqueue(c, 'o', clean, cl);
	}
	free(clean);
	free(buf);
}

void cast_resize(struct cast *c, int cols, int rows)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "%dx%d", cols, rows);

	c->resizes++;
	enqueue(c, 'r', s, (size_t)n);
}

void cast_marker(struct cast *c, const char *label)
{
	char clean[256];
	size_t n = sanitize_utf8(clean, sizeof(clean), label ? label : "", (size_t)-1);

	c->markers++;
	enqueue(c, 'm', clean, n);
}

int cast_open(struct cast *c, const char *path, int width, int height, double timestamp,
	      const char *term, char *err, size_t errsz)
{
	json_object *h = json_object_new_object(), *env = json_object_new_object();
	const char *s;
	int e;

	memset(c, 0, sizeof(*c));
	c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (c->fd < 0 || fchmod(c->fd, 0600)) {
		e = -errno;
		snprintf(err, errsz, "cannot create cast %s: %s", path, strerror(errno));
		goto out;
	}
	json_object_object_add(h, "version", json_object_new_int(2));
	json_object_object_add(h, "width", json_object_new_int(width));
	json_object_object_add(h, "height", json_object_new_int(height));
	json_object_object_add(h, "timestamp", json_object_new_int64((int64_t)timestamp));
	json_object_object_add(env, "TERM", json_object_new_string(term ? term : "xterm-256color"));
	json_object_object_add(h, "env", env);
	env = NULL;
	s = json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN);
	e = write_all(c->fd, s, strlen(s));
	if (!e)
		e = write_all(c->fd, "\n", 1);
	if (e) {
		snprintf(err, errsz, "cannot write cast %s: %s", path, strerror(-e));
		goto out;
	}
	c->start_ns = monotime_ns();
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	e = -pthread_create(&c->thread, NULL, cast_main, c);
	if (e) {
		snprintf(err, errsz, "cannot start the cast writer: %s", strerror(-e));
		goto out;
	}
	c->running = true;
out:
	json_object_put(env);
	json_object_put(h);
	if (e && c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	return e;
}

void cast_close(struct cast *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	c->running = false;
	close(c->fd);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

uint64_t cast_dropped(struct cast *c)
{
	return c->dropped_bytes;
}
