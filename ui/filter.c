#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = { "read", "write", "sync", "block", "fork", "exec", "exit" };

static int type_from_name(const char *s)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0)
			return PL_EV_READ + (int)i;
	return -1;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int parse_term(struct filter_term *t, char *tok, char *err, size_t errsz)
{
	static const struct {
		const char *prefix;
		enum filter_what what;
	} pre[] = {
		{ "comm", FW_COMM }, { "type", FW_TYPE }, { "kind", FW_KIND }, { "file", FW_FILE },
		{ "pid", FW_PID },   { "re", FW_RE },     { "cgroup", FW_CGROUP },
	};
	char *val = tok;

	memset(t, 0, sizeof(*t));
	if (*val == '!') {
		t->neg = true;
		val++;
	}
	t->what = FW_ANY;
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t n = strlen(pre[i].prefix);

		if (strncmp(val, pre[i].prefix, n) == 0 && (val[n] == ':' || val[n] == '=')) {
			t->what = pre[i].what;
			val += n + 1;
			break;
		}
	}
	if (!*val) {
		snprintf(err, errsz, "empty term '%s'", tok);
		return -EINVAL;
	}
	if (strlen(val) >= sizeof(t->text)) {
		snprintf(err, errsz, "term too long");
		return -EINVAL;
	}
	strcpy(t->text, val);
	if (t->what == FW_ANY) {
		if (all_digits(val))
			t->what = FW_PID;
		else if (type_from_name(val) > 0)
			t->what = FW_TYPE;
		else if (pl_kind_from_name(val) >= 0)
			t->what = FW_KIND;
	}
	switch (t->what) {
	case FW_PID:
		if (!all_digits(val) || strlen(val) > 10) {
			snprintf(err, errsz, "pid must be a number: '%s'", val);
			return -EINVAL;
		}
		t->num = (uint32_t)strtoul(val, NULL, 10);
		break;
	case FW_CGROUP:
		if (!all_digits(val) || strlen(val) > 20) {
			snprintf(err, errsz, "cgroup must be a cgroup id (a number): '%s'", val);
			return -EINVAL;
		}
		t->cgroup_id = strtoull(val, NULL, 10);
		break;
	case FW_TYPE:
		if (type_from_name(val) < 0) {
			snprintf(err, errsz, "unknown type '%s'", val);
			return -EINVAL;
		}
		t->num = (uint32_t)type_from_name(val);
		break;
	case FW_KIND:
		if (pl_kind_from_name(val) < 0) {
			snprintf(err, errsz, "unknown kind '%s'", val);
			return -EINVAL;
		}
		t->num = (uint32_t)pl_kind_from_name(val);
		break;
	case FW_RE: {
		int rc = regcomp(&t->re, val, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char msg[96];

			regerror(rc, &t->re, msg, sizeof(msg));
			snprintf(err, errsz, "regex: %s", msg);
			return -EINVAL;
		}
		t->has_re = true;
		break;
	}
	default:
		break;
	}
	return 0;
}

int filter_parse(struct filter *f, const char *text, char *err, size_t errsz)
{
	char buf[sizeof(f->src)], *save = NULL, *tok;

	filter_clear(f);
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errsz, "filter too long");
		return -EINVAL;
	}
	strcpy(buf, text);
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (f->n == FILTER_MAX_TERMS) {
			snprintf(err, errsz, "at most %d terms", FILTER_MAX_TERMS);
			filter_clear(f);
			return -EINVAL;
		}
		if (parse_term(&f->t[f->n], tok, err, errsz)) {
			filter_clear(f);
			return -EINVAL;
		}
		f->n++;
	}
	strcpy(f->src, text);
	return 0;
}

void filter_clear(struct filter *f)
{
	for (int i = 0; i < f->n; i++)
		if (f->t[i].has_re)
			regfree(&f->t[i].re);
	f->n = 0;
	f->src[0] = '\0';
}

bool filter_active(const struct filter *f)
{
	return f->n > 0;
}

const char *filter_event_file(const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		return ev->u.io.file;
	case PL_EV_BLOCK:
		return ev->u.blk.devname;
	case PL_EV_EXEC:
		return ev->u.exec.filename;
	default:
		return "";
	}
}

static bool has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static bool term_re_match(const regex_t *re, const char *s)
{
	return s && regexec(re, s, 0, NULL, 0) == 0;
}

static bool term_event(const struct filter_term *t, const struct pl_event *ev)
{
	const char *file = filter_event_file(ev);

	switch (t->what) {
	case FW_ANY: return has(ev->comm, t->text) || has(file, t->text);
	case FW_COMM: return has(ev->comm, t->text);
	case FW_TYPE: return ev->type == t->num;
	case FW_KIND:
		return ev->type >= PL_EV_READ && ev->type <= PL_EV_BLOCK && ev->kind == t->num;
	case FW_FILE: return has(file, t->text);
	case FW_PID: return ev->pid == t->num || ev->tid == t->num;
	case FW_RE: return term_re_match(&t->re, ev->comm) || term_re_match(&t->re, file);
	case FW_CGROUP: return ev->cgroup_id == t->cgroup_id;
	}
	return false;
}

bool filter_match_event(const struct filter *f, const struct pl_event *ev)
{
	for (int i = 0; i < f->n; i++)
		if (term_event(&f->t[i], ev) == f->t[i].neg)
			return false;
	return true;
}

bool filter_match_proc(const struct filter *f, uint32_t pid, const char *comm, const char *args)
{
	for (int i = 0; i < f->n; i++) {
		const struct filter_term *t = &f->t[i];
		bool m;

		switch (t->what) {
		case FW_ANY: m = has(comm, t->text) || has(args, t->text); break;
		case FW_COMM: m = has(comm, t->text); break;
		case FW_PID: m = pid == t->num; break;
		case FW_RE: m = term_re_match(&t->re, comm) || term_re_match(&t->re, args); break;
		default: continue; /* not about processes */
		}
		if (m == t->neg)
			return false;
	}
	return true;
}
