#include "stack_resolver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sym/symbolizer.h"

static void publish(struct stack_resolver *r, uint32_t id, const struct stack_entry *e)
{
	char (*frames)[SYM_FRAME_MAX] = malloc(PL_MAX_STACK * sizeof(*frames));
	unsigned n = 0;
	size_t len = 0;
	char *blob, *p;

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

static void *resolver_main(void *arg)
{
	struct stack_resolver *r = arg;
	struct timespec tick = { 0, 20 * 1000000L };

	while (!r->stop) {
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
	e = pthread_create(&r->thread, NULL, resolver_main, r);
	r->running = e == 0;
	return -e;
}

void stack_resolver_stop(struct stack_resolver *r)
{
	if (!r->running)
		return;
	r->stop = true;
	pthread_join(r->thread, NULL);
	r->running = false;
	r->stop = false;
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
