/*
 * The one secret scrubber.  Command lines, paths and AI prompts pass
 * through it before anything leaves the process (JSON, screen, recordings,
 * AI).  Secrets are replaced with "***" (the key name is kept, so
 * "--password=x" becomes "--password=***").
 *
 * Covered: key=value / key:value / "--key value" for password, passwd,
 * pwd, secret, token, api_key/apikey/api-key, access_key, auth,
 * credential(s), private_key, client_secret; "user:pass@" in URLs; "Bearer
 * X"; sk-, hf_, ghp_/gho_/ghs_/github_pat_, xox[bpa]-, AKIA/ASIA keys; JWTs
 * (eyJ...); PEM blocks; long high-entropy runs; plus any extra literal
 * registered with scrub_add_literal (e.g. the configured AI key).
 */
#ifndef PERFLENS_SCRUB_H
#define PERFLENS_SCRUB_H

#include <stdbool.h>
#include <stddef.h>

/* Scrub s in place (never grows: "***" is no longer than what it replaces,
 * or the secret is shortened to fit).  Returns how many secrets were hidden. */
int scrub_inplace(char *s);
/* Copy src into dst scrubbed; dst may be larger; always NUL-terminated. */
int scrub_copy(char *dst, size_t dstsz, const char *src);
/* Treat `lit` as a secret wherever it appears (copied; up to 8 literals;
 * literals shorter than 4 bytes are ignored).  Returns 0 or -ENOSPC. */
int scrub_add_literal(const char *lit);
/* Forget registered literals (tests). */
void scrub_reset_literals(void);
/* Process-wide switch (--no-scrub); scrub_* do nothing when disabled. */
void scrub_set_enabled(bool on);
bool scrub_enabled(void);

#endif
