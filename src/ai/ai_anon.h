/*
 * --ai-anonymize: reversible pseudonyms.  Host names, user names and IP
 * addresses in the prompt become HOST_1, USER_1, IP_1; the tokens in the
 * answer are mapped back before it is shown.  The sensitive set is derived
 * in one place (ai_anon_apply: the host name registered at start, users
 * from /home/NAME and /Users/NAME paths, every IPv4/IPv6 literal), names
 * match whole words only, and an empty or one-letter name is never mapped.
 * Used by one thread (the AI worker).
 */
#ifndef PERFLENS_AI_ANON_H
#define PERFLENS_AI_ANON_H

#include <stddef.h>

enum ai_anon_kind { AI_ANON_HOST, AI_ANON_USER, AI_ANON_IP, AI_ANON_KINDS };

#define AI_ANON_MAX 128
#define AI_ANON_NAME 64

struct ai_anon_entry {
	char real[AI_ANON_NAME];
	char token[16];
	enum ai_anon_kind kind;
};

struct ai_anon {
	struct ai_anon_entry e[AI_ANON_MAX];
	int n;
	int count[AI_ANON_KINDS];
	int full;                /* names that found no room (left as they are) */
};

/* NULL on ENOMEM.  Registers this host's name (and its short form). */
struct ai_anon *ai_anon_new(void);
void ai_anon_free(struct ai_anon *a);
/* Register a sensitive name.  0; -EINVAL for an empty, one-letter or
 * too-long name; -ENOSPC when the table is full. */
int ai_anon_add(struct ai_anon *a, enum ai_anon_kind kind, const char *real);
/* text with users and IPs learnt, then every known name replaced by its
 * token.  malloc'd; NULL on ENOMEM. */
char *ai_anon_apply(struct ai_anon *a, const char *text);
/* Tokens in `in` mapped back to the real names, into out (always
 * NUL-terminated).  Returns bytes written. */
size_t ai_anon_reveal(const struct ai_anon *a, const char *in, char *out, size_t outsz);

#endif
