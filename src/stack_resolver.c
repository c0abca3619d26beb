#include "stack_resolver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sym/symbolizer.h"
#include "util/monotime.h"

static void publish(struct stack_resolver *r, uint32_t id, const struct stack_entry *e)
{
	char (*frames)[SYM_FRAME_MAX];
	unsigned n = 0;
	size_t len = 0;
	char *blob, *p;

	if (!r->sym) /* replay: frames came resolved with the recording */
		return;
	frames = malloc(PL_MAX_STACK * sizeof(*frames));
	if (!frames)
		return;
	symbolizer_format(r->sym, e->pid, e->kernel, e->ips, e->n, frames, &n);
	for (unsigned i = 0; i < n; i++)
		len += strlen(frames[i]) + 1;
	blob = malloc(len ? len : 1);
	if (blob) {
		p = blob;
		for (unsigned i = 0; i < n; i++)
			p = stpcpy(p, frames[i]) + 1;
		if (stackstore_set_frames(r->ss, id, blob, n))
			__atomic_add_fetch(&r->resolved, 1, __ATOMIC_RELAXED);
	}
	free(frames);
}

const struct stack_entry *stack_resolve(struct stack_resolver *r, uint32_t id)
{
	const struct stack_entry *e = stackstore_get(r->ss, id);

	if (e && !stack_entry_frame(e, 0) && e->n)
		publish(r, id, e);
	return e;
}

/* New stacks: snapshot every owner's maps first (cheap, and time-critical
 * for short-lived processes), then resolve. */
static void resolve_new(struct stack_resolver *r)
{
	uint32_t upto = stackstore_count(r->ss);

	for (uint32_t id = r->done_upto + 1; id <= upto; id++) {
		const struct stack_entry *e = stackstore_get(r->ss, id);

		if (e && !e->kernel)
			symbolizer_note_pid(r->sym, e->pid);
	}
	for (uint32_t id = r->done_upto + 1; id <= upto && !r->stop; id++)
		stack_resolve(r, id);
	r->done_upto = upto;
}

void stack_resolver_tap(void *ctx, const struct pl_event *ev)
{
	struct stack_resolver *r = ctx;
	struct resolver_hint h;

	if (ev->type == PL_EV_EXEC)
		h = (struct resolver_hint){ ev->pid, ev->ts_ns + 20 * 1000000ull };
	else if (ev->type == PL_EV_FORK)
		h = (struct resolver_hint){ ev->u.fork.child_pid, ev->ts_ns };
	else
		return;
	pthread_mutex_lock(&r->hint_lock);
	if (r->hint_len < RESOLVER_HINTS)
		r->hints[(r->hint_head + r->hint_len++) % RESOLVER_HINTS] = h;
	else
		r->hints_dropped++;
	pthread_mutex_unlock(&r->hint_lock);
}

/* Snapshot the maps of hinted processes that are due (oldest first). */
static void take_hints(struct stack_resolver *r)
{
	uint64_t now = monotime_ns();

	for (;;) {
		struct resolver_hint h;

		pthread_mutex_lock(&r->hint_lock);
		if (!r->hint_len || r->hints[r->hint_head].not_before_ns > now) {
			pthread_mutex_unlock(&r->hint_lock);
			return;
		}
		h = r->hints[r->hint_head];
		r->hint_head = (r->hint_head + 1) % RESOLVER_HINTS;
		r->hint_len--;
		pthread_mutex_unlock(&r->hint_lock);
		/* A new image (or a reused pid): never keep the old snapshot. */
		symbolizer_note_exec(r->sym, h.pid);
	}
}

static void *resolver_main(void *arg)
{
	struct stack_resolver *r = arg;
	struct timespec tick = { 0, 10 * 1000000L };

	pthread_setname_np(pthread_self(), "pl-resolver"); /* for top -H, perf and gdb */

	while (!r->stop) {
		take_hints(r);
		resolve_new(r);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

int stack_resolver_start(struct stack_resolver *r, struct stackstore *ss, struct symbolizer *sym)
{
	int e;

	memset(r, 0, sizeof(*r));
	r->ss = ss;
	r->sym = sym;
	pthread_mutex_init(&r->hint_lock, NULL);
	if (!sym) {
		r->running = true; /* nothing to resolve: no thread, stop just cleans up */
		r->stop = true;
		return 0;
	}
	e = pthread_create(&r->thread, NULL, resolver_main, r);
	r->running = e == 0;
	return -e;
}

void stack_resolver_stop(struct stack_resolver *r)
{
	if (!r->running)
		return;
	if (r->sym) {
		r->stop = true;
		pthread_join(r->thread, NULL);
	}
	r->running = false;
	r->stop = false;
	pthread_mutex_destroy(&r->hint_lock);
}

void stack_resolve_all(struct stack_resolver *r)
{
	uint32_t upto = stackstore_count(r->ss);

	for (uint32_t id = 1; id <= upto; id++)
		stack_resolve(r, id);
}

size_t stack_frame_function(const char *frame, char *dst, size_t dstsz)
{
	size_t n = strcspn(frame, " ");
	const char *plus = memmem(frame, n, "+0x", 3);

	/* Unresolved "module+0xoff" frames fold into one entry per module. */
	if (plus)
		n = (size_t)(plus - frame);
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, frame, n);
	dst[n] = '\0';
	return n;
}
