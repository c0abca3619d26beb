/*
 * AI settings.  Off unless an endpoint and a model are both set.
 *
 * Precedence: the command line, then PERFLENS_AI_URL / PERFLENS_AI_MODEL,
 * then the config file (ai.url or ai.endpoint, ai.model, ai.interval,
 * ai.key_file, ai.budget, ai.max_tokens, ai.full_cmdline, ai.anonymize).
 *
 * The key is never taken from argv (the monitor shows command lines,
 * its own included).  In order: PERFLENS_AI_KEY; a key file (--ai-key-file
 * or ai.key_file) that only its owner can read; OPENAI_API_KEY, but only
 * for an openai.com or loopback endpoint; HF_TOKEN, but only for a
 * huggingface.co or loopback endpoint.  (A generic vendor variable is not
 * sent to a third party: an OpenAI key must not reach the HF router.)  The
 * key is registered with the scrubber, so no output can show it.
 *
 * Endpoint policy: http and https only, no user:pass@ in the URL; a
 * non-loopback endpoint gets one warning; cleartext http to a non-loopback
 * host is refused while a key is set.
 */
#ifndef PERFLENS_AI_CONFIG_H
#define PERFLENS_AI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config;

#define AI_DEFAULT_INTERVAL_S 30
#define AI_DEFAULT_BUDGET 2500     /* tokens, system + user prompt */
#define AI_DEFAULT_MAX_TOKENS 800  /* answer */
#define AI_KEY_MAX 1024

/* What main parsed from argv; NULL / 0 / false = not given. */
struct ai_cli {
	const char *url;
	const char *model;
	const char *key_file;
	double interval_s;
	unsigned budget_tokens;
	bool full_cmdline;
	bool anonymize;
	bool dry_run;
};

struct ai_config {
	bool enabled;               /* url and model both set */
	bool dry_run;
	char url[512];              /* base URL, no trailing '/' */
	char model[128];
	unsigned interval_s;
	unsigned budget_tokens;
	unsigned max_tokens;
	bool full_cmdline;          /* send command lines (truncated, scrubbed) */
	bool anonymize;
	char key[AI_KEY_MAX];       /* "" when none; never print it */
	char key_source[320];       /* where the key came from, for messages */
	char host[256];             /* of the URL, for messages */
	bool loopback;
	char warning[1024];          /* print once at start when not empty */
};

/*
 * Resolve the settings.  file: the parsed config file (NULL: none).
 * 0, or -EINVAL / -EPERM / -EACCES / -errno with one line in err saying
 * what is wrong and how to fix it.  Call before any thread starts: the key
 * goes into the scrubber's literal table.
 */
int ai_config_resolve(struct ai_config *c, const struct ai_cli *cli, const struct config *file,
		      char *err, size_t errsz);

/* Read a key file: a regular file with no group/other permission bits
 * (mode 0600 or 0400), first line, surrounding whitespace trimmed.
 * 0 or -errno with err filled. */
int ai_config_read_key_file(const char *path, char *key, size_t keysz, char *err, size_t errsz);

/*
 * The endpoint policy alone: parse url (http/https, a host, no userinfo),
 * say whether it is loopback.  0; -EINVAL for a bad URL; -EPERM for http
 * to a non-loopback host while have_key.  host gets the host part.
 */
int ai_endpoint_check(const char *url, bool have_key, char *host, size_t hostsz, bool *loopback,
		      char *err, size_t errsz);

/* localhost, *.localhost, 127.0.0.0/8, ::1 (with or without brackets). */
bool ai_host_is_loopback(const char *host);

/* Forget the key (overwrite it) once the worker no longer needs it. */
void ai_config_wipe(struct ai_config *c);

#endif
