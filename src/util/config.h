/*
 * The perflens config file: flat "key = value" lines, '#' comments, blank
 * lines ignored, keys are dotted names ("key.quit", "ai.endpoint").  A value
 * may be double-quoted to keep spaces or a '#' (\" and \\ escape inside).
 * A later line for the same key wins.  Bad lines are skipped and reported
 * (the first problem is kept as "path:line: what"), so one typo does not
 * throw away the rest of the file.
 *
 * The file lives at $XDG_CONFIG_HOME/perflens/config, else
 * $HOME/.config/perflens/config.  It may hold secrets (the AI key), so
 * config_load says when it is readable by others.
 */
#ifndef PERFLENS_CONFIG_H
#define PERFLENS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_ENTRIES 256
#define CONFIG_LINE_MAX 4096

struct config;

/* The default path into buf.  -ENOENT when neither XDG_CONFIG_HOME nor HOME
 * is set, -ENAMETOOLONG when it does not fit. */
int config_default_path(char *buf, size_t sz);

/* Parse text (len bytes); name is used in messages.  Never NULL except on
 * ENOMEM; problems land in config_error(). */
struct config *config_parse(const char *text, size_t len, const char *name);

/* Read and parse a file.  NULL with errno set when it cannot be read
 * (ENOENT for a missing file: callers treat that as "no config"). */
struct config *config_load(const char *path);

/* Accepts NULL. */
void config_free(struct config *c);

/* The value for key, or NULL. */
const char *config_get(const struct config *c, const char *key);

/* Typed reads; def when missing or malformed.  Booleans: 1/0, true/false,
 * yes/no, on/off. */
long config_get_long(const struct config *c, const char *key, long def);
bool config_get_bool(const struct config *c, const char *key, bool def);

/* Entries in file order (duplicates collapsed to the last value). */
size_t config_count(const struct config *c);
const char *config_key(const struct config *c, size_t i);
const char *config_value(const struct config *c, size_t i);

/* The first problem seen ("path:line: what"), or NULL. */
const char *config_error(const struct config *c);

/* True when the loaded file was readable by group or others. */
bool config_world_readable(const struct config *c);

#endif
