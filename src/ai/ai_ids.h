/*
 * Evidence ids: the tags the prompt gives each fact (io#3, pid:1234,
 * stk#2, hot#1, dev#1, fnd#1) and that findings must cite.  The set is read back
 * from the exact text sent, so "sent" means sent, whatever the budget cut.
 */
#ifndef PERFLENS_AI_IDS_H
#define PERFLENS_AI_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define AI_IDS_MAX 512
#define AI_ID_LEN 24

struct ai_ids {
	char id[AI_IDS_MAX][AI_ID_LEN]; /* normalised, sorted */
	int n;
	bool full;                      /* more ids than AI_IDS_MAX were seen */
};

/* Empty the set. */
void ai_ids_clear(struct ai_ids *s);
/* Add every id that appears in text. */
void ai_ids_scan(struct ai_ids *s, const char *text);
/* Normalise a cited id ("[io#3]", "PID 12", "pid=12" -> "io#3", "pid:12")
 * into out; false when it is not an id at all. */
bool ai_id_normalize(const char *cited, char *out, size_t outsz);
/* True when the cited id (any spelling ai_id_normalize accepts) was sent. */
bool ai_ids_has(const struct ai_ids *s, const char *cited);

#endif
