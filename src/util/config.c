#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct config_entry {
	char *key;
	char *value;
};

struct config {
	struct config_entry e[CONFIG_MAX_ENTRIES];
	size_t n;
	char error[256];
	bool world_readable;
};

int config_default_path(char *buf, size_t sz)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	/* The XDG spec: an empty or relative XDG_CONFIG_HOME is ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, sz, "%s/perflens/config", xdg);
	else if (home && home[0])
		n = snprintf(buf, sz, "%s/.config/perflens/config", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

static void note(struct config *c, const char *name, unsigned line, const char *what)
{
	if (!c->error[0])
		snprintf(c->error, sizeof(c->error), "%s:%u: %s", name, line, what);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool key_ok(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && !strchr("._-", *k))
			return false;
	return true;
}

/* Unquote "..." in place (\" and \\ escapes); plain values lose a trailing
 * " # comment".  NULL when a quote is left open. */
static char *value_of(char *v)
{
	if (*v == '"') {
		char *r = v + 1, *w = v;

		for (; *r && *r != '"'; r++) {
			if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
				r++;
			*w++ = *r;
		}
		if (*r != '"')
			return NULL;
		*w = '\0';
		return v;
	}
	for (char *p = v; *p; p++)
		if (*p == '#' && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	return trim(v);
}

static int set(struct config *c, const char *key, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].key, key) == 0) {
			free(c->e[i].value);
			c->e[i].value = v;
			return 0;
		}
	if (c->n == CONFIG_MAX_ENTRIES) {
		free(v);
		return -ENOSPC;
	}
	c->e[c->n].key = strdup(key);
	if (!c->e[c->n].key) {
		free(v);
		return -ENOMEM;
	}
	c->e[c->n++].value = v;
	return 0;
}

static int parse_line(struct config *c, char *line, const char *name, unsigned lineno)
{
	char *s = trim(line), *eq, *key, *val;

	if (!*s || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq) {
		note(c, name, lineno, "expected key = value");
		return 0;
	}
	*eq = '\0';
	key = trim(s);
	val = value_of(trim(eq + 1));
	if (!key_ok(key)) {
		note(c, name, lineno, "bad key (letters, digits, '.', '_', '-')");
		return 0;
	}
	if (!val) {
		note(c, name, lineno, "unterminated quote");
		return 0;
	}
	int err = set(c, key, val);
	if (err == -ENOSPC)
		note(c, name, lineno, "too many entries");
	return err == -ENOMEM ? err : 0;
}

struct config *config_parse(const char *text, size_t len, const char *name)
{
	struct config *c = calloc(1, sizeof(*c));
	char line[CONFIG_LINE_MAX];
	unsigned lineno = 0;
	size_t pos = 0;

	if (!c)
		return NULL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (n >= sizeof(line) || memchr(text + pos, '\0', n)) {
			note(c, name, lineno, n >= sizeof(line) ? "line too long" : "NUL byte");
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			if (parse_line(c, line, name, lineno)) {
				config_free(c);
				errno = ENOMEM;
				return NULL;
			}
		}
		pos += n + 1;
	}
	return c;
}

#define CONFIG_FILE_MAX (1u << 20)

struct config *config_load(const char *path)
{
	struct config *c = NULL;
	struct stat st;
	char *buf = NULL;
	ssize_t n = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_FILE_MAX) {
		err = EINVAL;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	while (n < st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)(st.st_size - n));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			goto out;
		}
		if (r == 0)
			break;
		n += r;
	}
	c = config_parse(buf, (size_t)n, path);
	if (!c)
		err = ENOMEM;
	else
		c->world_readable = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
out:
	free(buf);
	close(fd);
	if (!c)
		errno = err;
	return c;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c);
}

const char *config_get(const struct config *c, const char *key)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].key, key) == 0)
			return c->e[i].value;
	return NULL;
}

long config_get_long(const struct config *c, const char *key, long def)
{
	const char *v = config_get(c, key);
	char *end;
	long r;

	if (!v || !*v)
		return def;
	errno = 0;
	r = strtol(v, &end, 0);
	return errno || *end ? def : r;
}

bool config_get_bool(const struct config *c, const char *key, bool def)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	const char *v = config_get(c, key);

	if (!v)
		return def;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return true;
		if (strcasecmp(v, no[i]) == 0)
			return false;
	}
	return def;
}

size_t config_count(const struct config *c)
{
	return c ? c->n : 0;
}

const char *config_key(const struct config *c, size_t i)
{
	return c && i < c->n ? c->e[i].key : NULL;
}

const char *config_value(const struct config *c, size_t i)
{
	return c && i < c->n ? c->e[i].value : NULL;
}

const char *config_error(const struct config *c)
{
	return c && c->error[0] ? c->error : NULL;
}

bool config_world_readable(const struct config *c)
{
	return c && c->world_readable;
}
