/*
 * The in-app log.  While curses owns the terminal, stderr (fd 2: libbpf,
 * glibc, sanitizers, our own warnings) goes to an anonymous in-memory file
 * instead of the screen.  The L view reads it back; after the terminal is
 * restored its contents are copied to the real stderr, so nothing is lost.
 * Writers never block (it is a file, not a pipe).
 */
#ifndef PERFLENS_UI_APPLOG_H
#define PERFLENS_UI_APPLOG_H

#include <stdbool.h>
#include <stddef.h>

/* Point fd 2 at the log.  0 or -errno (stderr is then left alone). */
int applog_start(void);
/* Point fd 2 back; when dump, copy what was logged to it. */
void applog_stop(bool dump);
/* True between start and stop. */
bool applog_active(void);
/* A line of our own ("perflens: ..." is prefixed). */
void applog_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last (up to) sz - 1 bytes logged, NUL-terminated; returns the length.
 * Starts at a line boundary when it had to cut. */
size_t applog_tail(char *buf, size_t sz);
/* Bytes logged so far (after trimming). */
size_t applog_size(void);
/* Keep the log bounded: past max bytes, keep only the last keep bytes. */
void applog_trim(size_t max, size_t keep);
/* Async-signal-safe, for fatal paths: copy what was logged (and not yet
 * copied) to the real stderr, then point fd 2 back at it. */
void applog_emergency_dump(void);

#endif
