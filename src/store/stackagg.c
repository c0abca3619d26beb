#include "stackagg.h"

#include <stdlib.h>
#include <string.h>

struct stackagg {
	struct stackagg_entry *entries;
	uint32_t *slots; /* index + 1 into entries; 0 = empty */
	size_t cap, nslots, count;
	uint64_t total[STACK_ROLE_MAX], refused;
};

static const char *const role_names[STACK_ROLE_MAX] = { "slow", "wait", "cpu", "block" };

const char *stack_role_name(enum stack_role role)
{
	return role < STACK_ROLE_MAX ? role_names[role] : "?";
}

struct stackagg *stackagg_new(size_t cap)
{
	struct stackagg *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->cap = cap;
	sa->nslots = 1;
	while (sa->nslots < cap * 2)
		sa->nslots <<= 1;
	sa->entries = calloc(cap, sizeof(*sa->entries));
	sa->slots = calloc(sa->nslots, sizeof(*sa->slots));
	if (!sa->entries || !sa->slots) {
		stackagg_free(sa);
		return NULL;
	}
	return sa;
}

void stackagg_clear(struct stackagg *sa)
{
	memset(sa->entries, 0, sa->count * sizeof(*sa->entries)); /* the rest were never used */
	memset(sa->slots, 0, sa->nslots * sizeof(*sa->slots));
	sa->count = 0;
	memset(sa->total, 0, sizeof(sa->total));
	sa->refused = 0;
}

void stackagg_free(struct stackagg *sa)
{
	if (!sa)
		return;
	free(sa->entries);
	free(sa->slots);
	free(sa);
}

static size_t slot_of(unsigned role, uint32_t pid, uint32_t u, uint32_t k)
{
	uint64_t h = ((uint64_t)pid * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)u << 21) ^
		     ((uint64_t)k << 3) ^ role;

	return (size_t)(h ^ (h >> 31));
}

void stackagg_add(struct stackagg *sa, enum stack_role role, uint32_t pid, uint32_t ustack_id,
		  uint32_t kstack_id, uint64_t weight)
{
	size_t mask = sa->nslots - 1, i;
	uint32_t s;

	if (role >= STACK_ROLE_MAX || (!ustack_id && !kstack_id))
		return;
	sa->total[role]++;
	for (i = slot_of(role, pid, ustack_id, kstack_id) & mask; (s = sa->slots[i]);
	     i = (i + 1) & mask) {
		struct stackagg_entry *e = &sa->entries[s - 1];

		if (e->role == role && e->pid == pid && e->ustack_id == ustack_id &&
		    e->kstack_id == kstack_id) {
			e->count++;
			e->weight += weight;
			return;
		}
	}
	if (sa->count >= sa->cap) {
		sa->refused++;
		return;
	}
	sa->entries[sa->count] = (struct stackagg_entry){ pid, ustack_id, kstack_id, role, 1, weight };
	sa->slots[i] = (uint32_t)++sa->count;
}

size_t stackagg_count(const struct stackagg *sa)
{
	return sa->count;
}

const struct stackagg_entry *stackagg_get(const struct stackagg *sa, size_t i)
{
	return i < sa->count ? &sa->entries[i] : NULL;
}

uint64_t stackagg_total(const struct stackagg *sa, enum stack_role role)
{
	return role < STACK_ROLE_MAX ? sa->total[role] : 0;
}

uint64_t stackagg_refused(const struct stackagg *sa)
{
	return sa->refused;
}
