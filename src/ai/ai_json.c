#include "ai_json.h"

#include <stdint.h>
#include <string.h>

/* Deep enough for any answer we accept; a hostile nesting stops here. */
#define AI_JSON_DEPTH 32

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

json_object *ai_json_parse(const char *s, size_t len)
{
	struct json_tokener *tok;
	json_object *o = NULL;
	size_t used;

	if (!s || len == 0 || len > (size_t)INT32_MAX)
		return NULL;
	tok = json_tokener_new_ex(AI_JSON_DEPTH);
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		/* json_tokener_continue (an incomplete value) is an error here too */
		json_object_put(o);
		o = NULL;
		goto out;
	}
	used = json_tokener_get_parse_end(tok);
	while (used < len && is_ws(s[used]))
		used++;
	if (used != len) {
		json_object_put(o);
		o = NULL;
	}
out:
	json_tokener_free(tok);
	return o;
}

json_object *ai_json_get(json_object *o, const char *key, json_type t)
{
	json_object *v;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

const char *ai_json_str(json_object *o, const char *key)
{
	json_object *v = ai_json_get(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

void ai_json_add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}
