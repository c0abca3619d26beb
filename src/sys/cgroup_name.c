/* cgroup_short_name(): display names for cgroup v2 paths, by a rule table. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"

#define MAX_COMPONENTS 64
#define SHORT_ID 12 /* hex digits of a container id shown, as docker ps does */

enum body_kind {
	BODY_ANY,   /* any non-empty text */
	BODY_HEX,   /* >= SHORT_ID lowercase hex digits; shown cut to SHORT_ID */
	BODY_HEX64, /* exactly 64 hex digits (a bare container id) */
	BODY_UID,   /* a pod UID: 32 hex digits, with '-' or (systemd) '_' between */
};

/* Earlier classes win over later ones wherever they match in the path. */
enum rule_class { RULE_CONTAINER, RULE_POD, RULE_UNIT, RULE_NCLASS };

struct name_rule {
	enum rule_class cls;
	const char *parent; /* the component above must be exactly this; NULL: any */
	const char *prefix, *suffix;
	enum body_kind body;
	const char *label;  /* shown as "label:body"; NULL: the whole component */
};

/* systemd driver forms end in .scope/.slice; cgroupfs driver forms are bare. */
static const struct name_rule name_rules[] = {
	{ RULE_CONTAINER, NULL, "docker-", ".scope", BODY_HEX, "docker" },
	{ RULE_CONTAINER, "docker", "", "", BODY_HEX64, "docker" },
	{ RULE_CONTAINER, NULL, "cri-containerd-", ".scope", BODY_HEX, "containerd" },
	{ RULE_CONTAINER, NULL, "crio-", ".scope", BODY_HEX, "crio" },
	{ RULE_CONTAINER, NULL, "libpod-", ".scope", BODY_HEX, "podman" },
	{ RULE_CONTAINER, NULL, "libpod-", "", BODY_HEX, "podman" },
	{ RULE_CONTAINER, NULL, "lxc.payload.", "", BODY_ANY, "lxc" },
	{ RULE_CONTAINER, "lxc", "", "", BODY_ANY, "lxc" },
	/* kubepods/<qos>/pod<uid>/<id>: the runtime is not in the path */
	{ RULE_CONTAINER, NULL, "", "", BODY_HEX64, "ctr" },
	{ RULE_POD, NULL, "kubepods-burstable-pod", ".slice", BODY_UID, "pod" },
	{ RULE_POD, NULL, "kubepods-besteffort-pod", ".slice", BODY_UID, "pod" },
	{ RULE_POD, NULL, "kubepods-pod", ".slice", BODY_UID, "pod" }, /* Guaranteed QoS */
	{ RULE_POD, NULL, "pod", "", BODY_UID, "pod" },
	{ RULE_UNIT, NULL, "", ".service", BODY_ANY, NULL },
	{ RULE_UNIT, NULL, "", ".scope", BODY_ANY, NULL },
	{ RULE_UNIT, NULL, "", ".slice", BODY_ANY, NULL },
	{ RULE_UNIT, NULL, "", ".socket", BODY_ANY, NULL },
	{ RULE_UNIT, NULL, "", ".mount", BODY_ANY, NULL },
	{ RULE_UNIT, NULL, "", ".swap", BODY_ANY, NULL },
};

struct span {
	const char *s;
	size_t len;
};

static size_t split_path(const char *path, struct span *comps, size_t max)
{
	size_t n = 0;

	while (*path && n < max) {
		path += strspn(path, "/");
		size_t len = strcspn(path, "/");
		if (len)
			comps[n++] = (struct span){ path, len };
		path += len;
	}
	return n;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static size_t count_hex(struct span b)
{
	size_t n = 0;

	for (size_t i = 0; i < b.len; i++)
		n += is_hex(b.s[i]);
	return n;
}

static bool body_ok(enum body_kind kind, struct span b)
{
	switch (kind) {
	case BODY_HEX:
		return b.len >= SHORT_ID && count_hex(b) == b.len;
	case BODY_HEX64:
		return b.len == 64 && count_hex(b) == b.len;
	case BODY_UID:
		if (count_hex(b) != 32 || (b.len != 32 && b.len != 36))
			return false;
		for (size_t i = 0; i < b.len; i++)
			if (!is_hex(b.s[i]) && b.s[i] != '-' && b.s[i] != '_')
				return false;
		return true;
	default:
		return b.len > 0;
	}
}

static bool span_eq(struct span a, const char *s)
{
	return a.len == strlen(s) && !memcmp(a.s, s, a.len);
}

/* The body of comp under rule r (between prefix and suffix), if it matches. */
static bool rule_match(const struct name_rule *r, struct span comp, const struct span *parent,
		       struct span *body)
{
	size_t pl = strlen(r->prefix), sl = strlen(r->suffix);

	if (r->parent && (!parent || !span_eq(*parent, r->parent)))
		return false;
	if (comp.len <= pl + sl || memcmp(comp.s, r->prefix, pl) ||
	    memcmp(comp.s + comp.len - sl, r->suffix, sl))
		return false;
	*body = (struct span){ comp.s + pl, comp.len - pl - sl };
	return body_ok(r->body, *body);
}

static void format_name(const struct name_rule *r, struct span comp, struct span body,
			char *buf, size_t bufsz)
{
	if (!r->label) {
		snprintf(buf, bufsz, "%.*s", (int)comp.len, comp.s);
		return;
	}
	if (r->body == BODY_HEX || r->body == BODY_HEX64)
		body.len = SHORT_ID;
	snprintf(buf, bufsz, "%s:%.*s", r->label, (int)body.len, body.s);
	if (r->body == BODY_UID) /* systemd escapes the UID's '-' as '_' */
		for (char *c = buf; *c; c++)
			*c = *c == '_' ? '-' : *c;
}

/* First rule of class cls matching the innermost component possible. */
static bool apply_class(enum rule_class cls, const struct span *comps, size_t n, char *buf,
			size_t bufsz)
{
	struct span body;

	for (size_t i = n; i-- > 0;) {
		const struct span *parent = i ? &comps[i - 1] : NULL;

		for (size_t r = 0; r < sizeof(name_rules) / sizeof(name_rules[0]); r++) {
			if (name_rules[r].cls != cls || !rule_match(&name_rules[r], comps[i], parent, &body))
				continue;
			format_name(&name_rules[r], comps[i], body, buf, bufsz);
			return true;
		}
	}
	return false;
}

void cgroup_short_name(const char *path, char *buf, size_t bufsz)
{
	struct span comps[MAX_COMPONENTS];
	size_t n = split_path(path, comps, MAX_COMPONENTS);

	if (!bufsz)
		return;
	if (n == 0) {
		snprintf(buf, bufsz, "/");
		return;
	}
	for (int cls = 0; cls < RULE_NCLASS; cls++)
		if (apply_class((enum rule_class)cls, comps, n, buf, bufsz))
			return;
	snprintf(buf, bufsz, "%.*s", (int)comps[n - 1].len, comps[n - 1].s);
}
