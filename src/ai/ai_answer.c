#include "ai_answer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/sanitize.h"
#include "ai_anon.h"
#include "ai_json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TEXT_MAX 4096 /* raw bytes of one field looked at; the rest is cut */

static const char *const severity_names[] = { "ok", "info", "warning", "critical" };
static const char *const confidence_names[] = { "low", "medium", "high" };
static const char *const certainty_names[] = { "observed", "likely", "speculative" };
static const char *const risk_names[] = { "read_only", "config_change", "disruptive" };
static const char *const scope_names[] = { "app", "infra", "both", "unknown" };

const char *ai_severity_name(enum ai_severity s)
{
	return (unsigned)s < ARRAY_SIZE(severity_names) ? severity_names[s] : "?";
}

const char *ai_confidence_name(enum ai_confidence c)
{
	return (unsigned)c < ARRAY_SIZE(confidence_names) ? confidence_names[c] : "?";
}

const char *ai_certainty_name(enum ai_certainty c)
{
	return (unsigned)c < ARRAY_SIZE(certainty_names) ? certainty_names[c] : "?";
}

const char *ai_risk_name(enum ai_risk r)
{
	return (unsigned)r < ARRAY_SIZE(risk_names) ? risk_names[r] : "?";
}

static void set_err(char *err, size_t errsz, const char *msg)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", msg);
}

/* ---- the completion envelope -------------------------------------------- */

void ai_completion_free(struct ai_completion *c)
{
	if (!c)
		return;
	free(c->content);
	memset(c, 0, sizeof(*c));
}

static void completion_usage(struct ai_completion *out, json_object *root)
{
	json_object *u = ai_json_get(root, "usage", json_type_object);
	json_object *pt = ai_json_get(u, "prompt_tokens", json_type_int);
	json_object *ct = ai_json_get(u, "completion_tokens", json_type_int);

	out->have_usage = pt || ct;
	out->prompt_tokens = pt ? json_object_get_int64(pt) : 0;
	out->completion_tokens = ct ? json_object_get_int64(ct) : 0;
}

int ai_completion_parse(const char *body, size_t len, struct ai_completion *out, char *err,
			size_t errsz)
{
	json_object *root = ai_json_parse(body, len), *choices, *choice, *msg, *content;
	const char *fr;
	int rc = -EBADMSG;

	memset(out, 0, sizeof(*out));
	if (!root || !json_object_is_type(root, json_type_object)) {
		set_err(err, errsz, "the response is not JSON");
		goto out;
	}
	choices = ai_json_get(root, "choices", json_type_array);
	choice = choices ? json_object_array_get_idx(choices, 0) : NULL;
	msg = ai_json_get(choice, "message", json_type_object);
	content = ai_json_get(msg, "content", json_type_string);
	if (!content) {
		set_err(err, errsz, msg ? "the response has no message content (a refusal?)"
					: "the response has no choices[0].message");
		goto out;
	}
	out->len = (size_t)json_object_get_string_len(content);
	out->content = malloc(out->len + 1);
	if (!out->content) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(out->content, json_object_get_string(content), out->len + 1);
	fr = ai_json_str(choice, "finish_reason");
	snprintf(out->finish_reason, sizeof(out->finish_reason), "%s", fr ? fr : "");
	completion_usage(out, root);
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

/* ---- finding the object in free text ------------------------------------ */

bool ai_extract_object(const char *s, size_t len, size_t *start, size_t *olen)
{
	for (size_t i = 0; i < len; i++) {
		size_t depth = 0;
		bool in_str = false;

		if (s[i] != '{')
			continue;
		for (size_t j = i; j < len; j++) {
			char c = s[j];

			if (in_str) {
				if (c == '\\')
					j++;
				else if (c == '"')
					in_str = false;
			} else if (c == '"') {
				in_str = true;
			} else if (c == '{') {
				depth++;
			} else if (c == '}' && --depth == 0) {
				*start = i;
				*olen = j - i + 1;
				return true;
			}
		}
		return false; /* unbalanced to the end: a later '{' is inside it */
	}
	return false;
}

/* The answer object: the content itself, a JSON string holding it (some
 * models encode twice), or the first balanced {...} in prose. */
static json_object *answer_root(const char *content, size_t len)
{
	json_object *o = ai_json_parse(content, len), *inner;
	size_t start, olen;

	if (o && json_object_is_type(o, json_type_string)) {
		inner = ai_json_parse(json_object_get_string(o), (size_t)json_object_get_string_len(o));
		json_object_put(o);
		o = inner;
	}
	if (o && json_object_is_type(o, json_type_object))
		return o;
	json_object_put(o);
	if (!ai_extract_object(content, len, &start, &olen))
		return NULL;
	o = ai_json_parse(content + start, olen);
	if (o && json_object_is_type(o, json_type_object))
		return o;
	json_object_put(o);
	return NULL;
}

/* ---- field checks --------------------------------------------------------- */

static int enum_of(const char *v, const char *const *names, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	return -1;
}

/* Raw model text -> display-safe: pseudonyms mapped back, controls made
 * visible, invalid UTF-8 replaced, cut to fit dst. */
static void display(char *dst, size_t dstsz, const char *raw, const struct ai_anon *anon)
{
	char revealed[TEXT_MAX];

	if (anon) {
		ai_anon_reveal(anon, raw, revealed, sizeof(revealed));
		raw = revealed;
	}
	sanitize_display(dst, dstsz, raw, strnlen(raw, TEXT_MAX));
}

/* Bytes of the first `chars` UTF-8 characters of s. */
static size_t utf8_prefix(const char *s, size_t chars, bool *cut)
{
	size_t i = 0, n = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == chars)
			break;
	}
	*cut = s[i] != '\0';
	return i;
}

static int take_headline(struct ai_answer *a, json_object *root, const struct ai_anon *anon)
{
	const char *h = ai_json_str(root, "headline");
	char raw[AI_HEADLINE_CHARS * 4 + 1];
	size_t n;

	if (!h || !h[strspn(h, " \t\r\n")])
		return -1;
	n = utf8_prefix(h, AI_HEADLINE_CHARS, &a->headline_cut);
	if (n >= sizeof(raw))
		n = sizeof(raw) - 1;
	memcpy(raw, h, n);
	raw[n] = '\0';
	display(a->headline, sizeof(a->headline), raw, anon);
	return 0;
}

static void take_evidence(struct ai_finding *f, json_object *ev, const struct ai_ids *sent)
{
	size_t n = ev ? json_object_array_length(ev) : 0;
	bool all = true;

	for (size_t i = 0; i < n && f->nevidence < AI_MAX_EVIDENCE; i++) {
		json_object *item = json_object_array_get_idx(ev, i);
		const char *cited = json_object_is_type(item, json_type_string)
					    ? json_object_get_string(item) : NULL;
		int k = f->nevidence;

		if (!cited || !*cited)
			continue;
		if (!ai_id_normalize(cited, f->evidence[k], AI_ID_LEN))
			sanitize_display(f->evidence[k], AI_ID_LEN, cited, strnlen(cited, TEXT_MAX));
		f->evidence_sent[k] = sent && ai_ids_has(sent, f->evidence[k]);
		all &= f->evidence_sent[k];
		f->nevidence++;
	}
	f->verified = f->nevidence > 0 && all;
}

static bool take_finding(struct ai_finding *f, json_object *o, const struct ai_ids *sent,
			 const struct ai_anon *anon)
{
	const char *title = ai_json_str(o, "title"), *cat = ai_json_str(o, "category");
	const char *expl = ai_json_str(o, "explanation");
	json_object *ev = ai_json_get(o, "evidence", json_type_array);
	int cert = enum_of(ai_json_str(o, "certainty"), certainty_names, AI_CERT_MAX);

	if (!title || cert < 0 || !ev)
		return false;
	memset(f, 0, sizeof(*f));
	display(f->title, sizeof(f->title), title, anon);
	display(f->category, sizeof(f->category), cat ? cat : "", anon);
	display(f->explanation, sizeof(f->explanation), expl ? expl : "", anon);
	f->certainty = (enum ai_certainty)cert;
	take_evidence(f, ev, sent);
	return true;
}

static bool take_step(struct ai_step *s, json_object *o, const struct ai_anon *anon)
{
	const char *action = ai_json_str(o, "action"), *cmd = ai_json_str(o, "command");
	int risk = enum_of(ai_json_str(o, "risk"), risk_names, AI_RISK_MAX);

	if (!action || risk < 0)
		return false;
	memset(s, 0, sizeof(*s));
	display(s->action, sizeof(s->action), action, anon);
	s->has_command = cmd && *cmd;
	display(s->command, sizeof(s->command), s->has_command ? cmd : "", anon);
	s->risk = (enum ai_risk)risk;
	return true;
}

/* Walk an optional array; take() says whether an item was usable.
 * Returns items kept; the rest count as dropped. */
static int take_items(struct ai_answer *a, json_object *root, const char *key,
		      bool (*take)(struct ai_answer *a, int i, json_object *item, const void *arg),
		      const void *arg)
{
	json_object *arr = ai_json_get(root, key, json_type_array);
	size_t n = arr ? json_object_array_length(arr) : 0;
	int kept = 0;

	for (size_t i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(arr, i);

		if (kept < AI_MAX_ITEMS && take(a, kept, item, arg))
			kept++;
		else
			a->dropped++;
	}
	return kept;
}

struct take_arg {
	const struct ai_ids *sent;
	const struct ai_anon *anon;
};

static bool take_finding_at(struct ai_answer *a, int i, json_object *item, const void *arg)
{
	const struct take_arg *t = arg;

	return take_finding(&a->findings[i], item, t->sent, t->anon);
}

static bool take_step_at(struct ai_answer *a, int i, json_object *item, const void *arg)
{
	const struct take_arg *t = arg;

	return take_step(&a->steps[i], item, t->anon);
}

static bool take_unknown_at(struct ai_answer *a, int i, json_object *item, const void *arg)
{
	const struct take_arg *t = arg;

	if (!json_object_is_type(item, json_type_string))
		return false;
	display(a->unknowns[i], sizeof(a->unknowns[i]), json_object_get_string(item), t->anon);
	return true;
}

/* A present member of the wrong type is an error; a missing one is empty. */
static bool arrays_ok(json_object *root)
{
	static const char *const keys[] = { "findings", "next_steps", "unknowns" };
	json_object *v;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (json_object_object_get_ex(root, keys[i], &v) && v &&
		    !json_object_is_type(v, json_type_array))
			return false;
	return true;
}

static int validate(struct ai_answer *a, json_object *root, const struct take_arg *t, char *err,
		    size_t errsz)
{
	int sev = enum_of(ai_json_str(root, "severity"), severity_names, AI_SEV_MAX);
	int conf = enum_of(ai_json_str(root, "confidence"), confidence_names, AI_CONF_MAX);
	int scope = enum_of(ai_json_str(root, "app_or_infra"), scope_names, ARRAY_SIZE(scope_names));

	if (take_headline(a, root, t->anon)) {
		set_err(err, errsz, "the answer has no headline");
		return -EBADMSG;
	}
	if (sev < 0 || conf < 0) {
		set_err(err, errsz, sev < 0 ? "the answer's severity is not ok|info|warning|critical"
					    : "the answer's confidence is not low|medium|high");
		return -EBADMSG;
	}
	if (!arrays_ok(root)) {
		set_err(err, errsz, "findings, next_steps or unknowns is not an array");
		return -EBADMSG;
	}
	a->severity = (enum ai_severity)sev;
	a->confidence = (enum ai_confidence)conf;
	snprintf(a->app_or_infra, sizeof(a->app_or_infra), "%s", scope_names[scope < 0 ? 3 : scope]);
	a->nfindings = take_items(a, root, "findings", take_finding_at, t);
	a->nsteps = take_items(a, root, "next_steps", take_step_at, t);
	a->nunknowns = take_items(a, root, "unknowns", take_unknown_at, t);
	for (int i = 0; i < a->nfindings; i++)
		a->unverified += !a->findings[i].verified;
	return 0;
}

int ai_answer_parse(const char *content, size_t len, bool truncated, const struct ai_ids *sent,
		    const struct ai_anon *anon, struct ai_answer *out, char *err, size_t errsz)
{
	struct take_arg t = { sent, anon };
	json_object *root;
	int rc;

	memset(out, 0, sizeof(*out));
	out->truncated = truncated;
	root = content ? answer_root(content, len) : NULL;
	if (!root) {
		set_err(err, errsz, truncated ? "the answer was cut off (max_tokens reached)"
					      : "the answer is not a JSON object");
		return -EBADMSG;
	}
	rc = validate(out, root, &t, err, errsz);
	json_object_put(root);
	return rc;
}

/* ---- the headline while it streams -------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Encode cp as UTF-8 into buf (4 bytes); returns the length. */
static size_t utf8_put(char *buf, unsigned cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	buf[0] = (char)(0xe0 | cp >> 12); /* surrogates come out invalid: sanitized later */
	buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/* Decode the JSON string body at s (after the opening quote) as far as it
 * goes; stops at the closing quote or an incomplete escape. */
static size_t unescape_partial(const char *s, size_t len, char *out, size_t outsz)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t i = 0, w = 0;

	while (i < len && s[i] != '"' && w + 4 < outsz) {
		const char *k;

		if (s[i] != '\\') {
			out[w++] = s[i++];
			continue;
		}
		if (i + 1 >= len)
			break;
		if (s[i + 1] == 'u') {
			unsigned cp = 0;

			if (i + 6 > len)
				break;
			for (int d = 2; d < 6; d++)
				cp = cp << 4 | (unsigned)(hexval(s[i + d]) & 0xf);
			w += utf8_put(out + w, cp);
			i += 6;
			continue;
		}
		k = strchr(from, s[i + 1]);
		out[w++] = k && *k ? to[k - from] : s[i + 1];
		i += 2;
	}
	out[w] = '\0';
	return w;
}

size_t ai_partial_headline(const char *content, size_t len, char *out, size_t outsz)
{
	static const char key[] = "\"headline\"";
	char raw[AI_HEADLINE_CHARS * 4 + 8];
	const char *p = content ? memmem(content, len, key, sizeof(key) - 1) : NULL;
	const char *end = content + len;

	if (outsz)
		out[0] = '\0';
	if (!p || !outsz)
		return 0;
	p += sizeof(key) - 1;
	while (p < end && (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	if (p >= end || *p != '"')
		return 0;
	p++;
	unescape_partial(p, (size_t)(end - p), raw, sizeof(raw));
	return sanitize_display(out, outsz, raw, (size_t)-1);
}

/* ---- JSON ---------------------------------------------------------------- */

static json_object *finding_json(const struct ai_finding *f)
{
	json_object *o = json_object_new_object(), *ev = json_object_new_array();
	json_object *unknown = json_object_new_array();

	ai_json_add(o, "title", json_object_new_string(f->title));
	ai_json_add(o, "category", json_object_new_string(f->category));
	ai_json_add(o, "certainty", json_object_new_string(ai_certainty_name(f->certainty)));
	for (int i = 0; i < f->nevidence; i++) {
		json_object_array_add(ev, json_object_new_string(f->evidence[i]));
		if (!f->evidence_sent[i])
			json_object_array_add(unknown, json_object_new_string(f->evidence[i]));
	}
	ai_json_add(o, "evidence", ev);
	ai_json_add(o, "verified", json_object_new_boolean(f->verified));
	ai_json_add(o, "unknown_evidence", unknown);
	ai_json_add(o, "explanation", json_object_new_string(f->explanation));
	return o;
}

static json_object *step_json(const struct ai_step *s)
{
	json_object *o = json_object_new_object();

	ai_json_add(o, "action", json_object_new_string(s->action));
	ai_json_add(o, "command", s->has_command ? json_object_new_string(s->command) : NULL);
	ai_json_add(o, "risk", json_object_new_string(ai_risk_name(s->risk)));
	return o;
}

json_object *ai_answer_json(const struct ai_answer *a)
{
	json_object *o = json_object_new_object(), *arr;

	ai_json_add(o, "headline", json_object_new_string(a->headline));
	ai_json_add(o, "severity", json_object_new_string(ai_severity_name(a->severity)));
	ai_json_add(o, "confidence", json_object_new_string(ai_confidence_name(a->confidence)));
	arr = json_object_new_array();
	for (int i = 0; i < a->nfindings; i++)
		json_object_array_add(arr, finding_json(&a->findings[i]));
	ai_json_add(o, "findings", arr);
	arr = json_object_new_array();
	for (int i = 0; i < a->nsteps; i++)
		json_object_array_add(arr, step_json(&a->steps[i]));
	ai_json_add(o, "next_steps", arr);
	ai_json_add(o, "app_or_infra", json_object_new_string(a->app_or_infra));
	arr = json_object_new_array();
	for (int i = 0; i < a->nunknowns; i++)
		json_object_array_add(arr, json_object_new_string(a->unknowns[i]));
	ai_json_add(o, "unknowns", arr);
	ai_json_add(o, "truncated", json_object_new_boolean(a->truncated));
	ai_json_add(o, "dropped", json_object_new_int(a->dropped));
	ai_json_add(o, "unverified", json_object_new_int(a->unverified));
	return o;
}
