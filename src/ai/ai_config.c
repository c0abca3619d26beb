#include "ai_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/config.h"
#include "../util/scrub.h"

#define INTERVAL_MIN 5
#define INTERVAL_MAX 86400
#define BUDGET_MIN 500
#define BUDGET_MAX 200000
#define MAX_TOKENS_MIN 100
#define MAX_TOKENS_MAX 16384
#define KEY_FILE_MAX 8192

static void say(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* ---- endpoint ----------------------------------------------------------- */

static bool ipv4_loopback(const char *h)
{
	unsigned a, b, c, d;
	char tail;

	return sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
	       c < 256 && d < 256;
}

bool ai_host_is_loopback(const char *host)
{
	size_t n = strlen(host);

	if (!strcasecmp(host, "localhost") || !strcasecmp(host, "localhost."))
		return true;
	if (n > 10 && !strcasecmp(host + n - 10, ".localhost"))
		return true;
	if (!strcmp(host, "::1") || !strcmp(host, "[::1]") || !strcmp(host, "0:0:0:0:0:0:0:1"))
		return true;
	return ipv4_loopback(host);
}

/* Split http(s)://[userinfo@]host[:port][/path]: host into host, whether
 * the scheme is https.  -EINVAL with err on anything else. */
static int parse_url(const char *url, char *host, size_t hostsz, bool *https, char *err,
		     size_t errsz)
{
	const char *a, *end, *h, *hend;

	*https = !strncasecmp(url, "https://", 8);
	if (!*https && strncasecmp(url, "http://", 7)) {
		say(err, errsz, "AI endpoint %s: only http:// and https:// URLs are supported", url);
		return -EINVAL;
	}
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			say(err, errsz, "AI endpoint: the URL contains spaces or control characters");
			return -EINVAL;
		}
	a = url + (*https ? 8 : 7);
	end = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(end - a))) {
		say(err, errsz, "AI endpoint: credentials in the URL are not accepted (they would "
			       "show in process lists): use PERFLENS_AI_KEY or a key file");
		return -EINVAL;
	}
	h = a;
	hend = *h == '[' ? memchr(h, ']', (size_t)(end - h)) : NULL;
	hend = hend ? hend + 1 : h + strcspn(h, ":/?#");
	if (hend > end)
		hend = end;
	if (hend == h || (size_t)(hend - h) >= hostsz) {
		say(err, errsz, "AI endpoint %s: no host in the URL", url);
		return -EINVAL;
	}
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	return 0;
}

int ai_endpoint_check(const char *url, bool have_key, char *host, size_t hostsz, bool *loopback,
		      char *err, size_t errsz)
{
	bool https;
	int rc = parse_url(url, host, hostsz, &https, err, errsz);

	if (rc)
		return rc;
	*loopback = ai_host_is_loopback(host);
	if (!https && !*loopback && have_key) {
		say(err, errsz, "AI endpoint %s: refusing to send the API key in cleartext to a host "
			       "that is not this machine; use https://", url);
		return -EPERM;
	}
	return 0;
}

/* ---- the key ------------------------------------------------------------ */

/* Printable ASCII without spaces: anything else could split the header. */
static bool key_ok(const char *k)
{
	for (; *k; k++)
		if (*k < 0x21 || *k > 0x7e)
			return false;
	return true;
}

static void trim_into(char *dst, size_t dstsz, const char *src, size_t n)
{
	while (n && (*src == ' ' || *src == '\t'))
		src++, n--;
	while (n && strchr(" \t\r\n", src[n - 1]))
		n--;
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int ai_config_read_key_file(const char *path, char *key, size_t keysz, char *err, size_t errsz)
{
	char buf[KEY_FILE_MAX];
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		say(err, errsz, "AI key file %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		say(err, errsz, "AI key file %s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		rc = -EACCES;
		say(err, errsz, "AI key file %s is mode %04o: it must be readable by its owner only "
			       "(chmod 600 %s)", path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		rc = -errno;
		say(err, errsz, "AI key file %s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	trim_into(key, keysz, buf, strcspn(buf, "\n"));
	explicit_bzero(buf, sizeof(buf));
	if (!key[0]) {
		rc = -EINVAL;
		say(err, errsz, "AI key file %s is empty", path);
	}
out:
	close(fd);
	return rc;
}

static bool host_under(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);

	return !strcasecmp(host, domain) ||
	       (h > d && host[h - d - 1] == '.' && !strcasecmp(host + h - d, domain));
}

/* A vendor variable, only for that vendor's (or a loopback) endpoint. */
static const char *vendor_key(const struct ai_config *c, const char *var, const char *domain,
			      char *note, size_t notesz)
{
	const char *v = getenv(var);

	if (!v || !*v)
		return NULL;
	if (c->loopback || host_under(c->host, domain))
		return v;
	if (!note[0])
		snprintf(note, notesz, "%s is set but is not sent to %.200s (set PERFLENS_AI_KEY to use "
			 "a key with that endpoint)", var, c->host);
	return NULL;
}

static int find_key(struct ai_config *c, const char *key_file, char *note, size_t notesz,
		    char *err, size_t errsz)
{
	const char *v = getenv("PERFLENS_AI_KEY"), *src = "PERFLENS_AI_KEY";
	int rc;

	if ((!v || !*v) && key_file && *key_file) {
		rc = ai_config_read_key_file(key_file, c->key, sizeof(c->key), err, errsz);
		if (rc)
			return rc;
		snprintf(c->key_source, sizeof(c->key_source), "key file %s", key_file);
		return 0;
	}
	if (!v || !*v) {
		src = "OPENAI_API_KEY";
		v = vendor_key(c, src, "openai.com", note, notesz);
	}
	if (!v) {
		src = "HF_TOKEN";
		v = vendor_key(c, src, "huggingface.co", note, notesz);
	}
	if (!v)
		return 0;
	trim_into(c->key, sizeof(c->key), v, strlen(v));
	snprintf(c->key_source, sizeof(c->key_source), "%s", src);
	return 0;
}

/* ---- settings ----------------------------------------------------------- */

static const char *pick(const char *cli, const char *env, const char *file)
{
	if (cli && *cli)
		return cli;
	if (env && *env)
		return env;
	return file && *file ? file : NULL;
}

/* "BASE/" and a full ".../chat/completions" both mean BASE. */
static void set_url(struct ai_config *c, const char *url)
{
	static const char suffix[] = "/chat/completions";
	size_t n;

	snprintf(c->url, sizeof(c->url), "%s", url);
	n = strlen(c->url);
	while (n && c->url[n - 1] == '/')
		c->url[--n] = '\0';
	if (n >= sizeof(suffix) - 1 && !strcmp(c->url + n - (sizeof(suffix) - 1), suffix))
		c->url[n - (sizeof(suffix) - 1)] = '\0';
}

static int numbers(struct ai_config *c, const struct ai_cli *cli, const struct config *file,
		   char *err, size_t errsz)
{
	long interval = cli->interval_s > 0 ? (long)(cli->interval_s + 0.5)
					    : config_get_long(file, "ai.interval", AI_DEFAULT_INTERVAL_S);
	long budget = cli->budget_tokens ? (long)cli->budget_tokens
					 : config_get_long(file, "ai.budget", AI_DEFAULT_BUDGET);
	long maxtok = config_get_long(file, "ai.max_tokens", AI_DEFAULT_MAX_TOKENS);

	if (interval < INTERVAL_MIN || interval > INTERVAL_MAX) {
		say(err, errsz, "AI interval %ld s: use %d to %d seconds", interval, INTERVAL_MIN,
		    INTERVAL_MAX);
		return -EINVAL;
	}
	if (budget < BUDGET_MIN || budget > BUDGET_MAX) {
		say(err, errsz, "AI prompt budget %ld tokens: use %d to %d", budget, BUDGET_MIN,
		    BUDGET_MAX);
		return -EINVAL;
	}
	if (maxtok < MAX_TOKENS_MIN || maxtok > MAX_TOKENS_MAX) {
		say(err, errsz, "ai.max_tokens %ld: use %d to %d", maxtok, MAX_TOKENS_MIN,
		    MAX_TOKENS_MAX);
		return -EINVAL;
	}
	c->interval_s = (unsigned)interval;
	c->budget_tokens = (unsigned)budget;
	c->max_tokens = (unsigned)maxtok;
	return 0;
}

static int endpoint(struct ai_config *c, char *note, char *err, size_t errsz)
{
	int rc = ai_endpoint_check(c->url, c->key[0] != '\0', c->host, sizeof(c->host), &c->loopback,
				   err, errsz);

	if (rc)
		return rc;
	if (!c->loopback && c->enabled)
		snprintf(c->warning, sizeof(c->warning), "AI endpoint %s is not on this machine: "
			 "scrubbed aggregates go there every %u s%s%s", c->host, c->interval_s,
			 note[0] ? "; " : "", note);
	else if (note[0])
		snprintf(c->warning, sizeof(c->warning), "%s", note);
	return 0;
}

/* The key, checked and registered with the scrubber, then the endpoint
 * policy (which depends on whether there is a key). */
static int key_and_endpoint(struct ai_config *c, const char *url, const char *key_file,
			    char *err, size_t errsz)
{
	char note[512] = "";
	bool https;
	int rc;

	if (url && (rc = parse_url(c->url, c->host, sizeof(c->host), &https, err, errsz)))
		return rc;
	c->loopback = url && ai_host_is_loopback(c->host);
	if ((rc = find_key(c, key_file, note, sizeof(note), err, errsz)))
		return rc;
	if (c->key[0] && !key_ok(c->key)) {
		say(err, errsz, "the AI key from %s holds spaces or control characters", c->key_source);
		return -EINVAL;
	}
	if (c->key[0] && scrub_add_literal(c->key)) {
		say(err, errsz, "cannot register the AI key with the scrubber");
		return -ENOSPC;
	}
	return url ? endpoint(c, note, err, errsz) : 0;
}

int ai_config_resolve(struct ai_config *c, const struct ai_cli *cli, const struct config *file,
		      char *err, size_t errsz)
{
	const char *url = pick(cli->url, getenv("PERFLENS_AI_URL"),
			       config_get(file, "ai.url") ? config_get(file, "ai.url")
							  : config_get(file, "ai.endpoint"));
	const char *model = pick(cli->model, getenv("PERFLENS_AI_MODEL"), config_get(file, "ai.model"));
	const char *key_file = pick(cli->key_file, NULL, config_get(file, "ai.key_file"));
	int rc;

	memset(c, 0, sizeof(*c));
	c->enabled = url && model;
	c->dry_run = cli->dry_run;
	c->full_cmdline = cli->full_cmdline || config_get_bool(file, "ai.full_cmdline", false);
	c->anonymize = cli->anonymize || config_get_bool(file, "ai.anonymize", false);
	snprintf(c->model, sizeof(c->model), "%s", model ? model : "");
	rc = numbers(c, cli, file, err, errsz);
	if (rc || (!c->enabled && !c->dry_run))
		goto out;
	if (!scrub_enabled()) {
		say(err, errsz, "the AI client needs the scrubber: drop --no-scrub");
		rc = -EPERM;
		goto out;
	}
	if (url)
		set_url(c, url);
	rc = key_and_endpoint(c, url, key_file, err, errsz);
out:
	if (rc)
		ai_config_wipe(c);
	return rc;
}

void ai_config_wipe(struct ai_config *c)
{
	explicit_bzero(c->key, sizeof(c->key));
	c->key_source[0] = '\0';
}
