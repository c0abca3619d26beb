/*
 * Small json-c helpers shared by the AI modules: a strict parse (every
 * byte consumed, tokener errors checked) and typed field reads.
 */
#ifndef PERFLENS_AI_JSON_H
#define PERFLENS_AI_JSON_H

#include <json-c/json.h>
#include <stddef.h>

/* Parse exactly one JSON value from s[0..len) (surrounding whitespace
 * allowed).  NULL on any error or trailing bytes.  Caller puts it. */
json_object *ai_json_parse(const char *s, size_t len);
/* o[key] when o is an object and the member has type t, else NULL. */
json_object *ai_json_get(json_object *o, const char *key, json_type t);
/* o[key] as a string, or NULL when missing or not a string. */
const char *ai_json_str(json_object *o, const char *key);
/* Append member key = value to o; a NULL value adds JSON null. */
void ai_json_add(json_object *o, const char *key, json_object *value);

#endif
