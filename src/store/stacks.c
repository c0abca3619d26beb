#include "stacks.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct stackstore {
	struct stack_entry *entries; /* [0] unused: id 0 means none */
	uint32_t *slots;             /* open addressing: id, 0 = empty */
	size_t cap, nslots;
	_Atomic uint32_t count;
	uint64_t refused;
};

static uint64_t stack_hash(uint32_t pid, bool kernel, const uint64_t *ips, unsigned n)
{
	uint64_t h = 1469598103934665603ull ^ ((uint64_t)pid << 1) ^ kernel;

	for (unsigned i = 0; i < n; i++) {
		h ^= ips[i];
		h *= 1099511628211ull;
		h ^= h >> 29;
	}
	return h;
}

struct stackstore *stackstore_new(size_t cap)
{
	struct stackstore *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return NULL;
	ss->cap = cap;
	ss->nslots = 1;
	while (ss->nslots < cap * 2)
		ss->nslots <<= 1;
	ss->entries = calloc(cap + 1, sizeof(*ss->entries));
	ss->slots = calloc(ss->nslots, sizeof(*ss->slots));
	if (!ss->entries || !ss->slots) {
		stackstore_free(ss);
		return NULL;
	}
	return ss;
}

void stackstore_clear_counts(struct stackstore *ss)
{
	uint32_t n = atomic_load_explicit(&ss->count, memory_order_relaxed);

	for (uint32_t id = 1; id <= n; id++) {
		ss->entries[id].count = 0;
		ss->entries[id].total_ns = 0;
	}
}

void stackstore_free(struct stackstore *ss)
{
	if (!ss)
		return;
	for (size_t i = 1; ss->entries && i <= ss->cap; i++)
		free(atomic_load(&ss->entries[i].frames));
	free(ss->entries);
	free(ss->slots);
	free(ss);
}

static bool same(const struct stack_entry *e, uint32_t pid, bool kernel, const uint64_t *ips,
		 unsigned n)
{
	return e->n == n && e->kernel == kernel && e->pid == pid &&
	       !memcmp(e->ips, ips, n * sizeof(*ips));
}

uint32_t stackstore_intern(struct stackstore *ss, uint32_t pid, bool kernel, const uint64_t *ips,
			   unsigned n)
{
	uint32_t id, count = atomic_load_explicit(&ss->count, memory_order_relaxed);
	size_t mask = ss->nslots - 1, i;

	if (n == 0)
		return 0;
	if (n > PL_MAX_STACK)
		n = PL_MAX_STACK;
	if (kernel)
		pid = 0;
	for (i = stack_hash(pid, kernel, ips, n) & mask; (id = ss->slots[i]); i = (i + 1) & mask)
		if (same(&ss->entries[id], pid, kernel, ips, n))
			return id;
	if (count >= ss->cap) {
		ss->refused++;
		return 0;
	}
	id = count + 1;
	memcpy(ss->entries[id].ips, ips, n * sizeof(*ips));
	ss->entries[id].pid = pid;
	ss->entries[id].kernel = kernel;
	ss->entries[id].n = (uint8_t)n;
	ss->slots[i] = id;
	/* Release: a reader that sees the new count sees the filled entry. */
	atomic_store_explicit(&ss->count, id, memory_order_release);
	return id;
}

void stackstore_account(struct stackstore *ss, uint32_t id, uint64_t lat_ns)
{
	if (id == 0 || id > ss->cap)
		return;
	ss->entries[id].count++;
	ss->entries[id].total_ns += lat_ns;
}

const struct stack_entry *stackstore_get(const struct stackstore *ss, uint32_t id)
{
	uint32_t count = atomic_load_explicit(&ss->count, memory_order_acquire);

	return id && id <= count ? &ss->entries[id] : NULL;
}

uint32_t stackstore_count(const struct stackstore *ss)
{
	return atomic_load_explicit(&ss->count, memory_order_acquire);
}

uint64_t stackstore_refused(const struct stackstore *ss)
{
	return ss->refused;
}

bool stackstore_set_frames(struct stackstore *ss, uint32_t id, char *blob, unsigned n)
{
	char *expected = NULL;
	struct stack_entry *e;

	if (!stackstore_get(ss, id)) {
		free(blob);
		return false;
	}
	e = &ss->entries[id];
	e->nframes = n;
	if (!atomic_compare_exchange_strong(&e->frames, &expected, blob)) {
		free(blob);
		return false;
	}
	return true;
}

const char *stack_entry_frame(const struct stack_entry *e, unsigned i)
{
	const char *p = atomic_load(&e->frames);

	if (!p || i >= e->nframes)
		return NULL;
	while (i--)
		p += strlen(p) + 1;
	return p;
}
