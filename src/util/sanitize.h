/*
 * Names from the traced system are hostile: they may hold escape
 * sequences, control bytes or invalid UTF-8.  Everything that reaches the
 * terminal, JSON, a recording or a cast goes through one of these first.
 */
#ifndef PERFLENS_SANITIZE_H
#define PERFLENS_SANITIZE_H

#include <stddef.h>

/*
 * Copy src (len bytes, or up to NUL when len == (size_t)-1) to dst as valid
 * UTF-8: each invalid byte becomes U+FFFD.  Control bytes are kept (JSON
 * escapes them).  Always NUL-terminates; never splits a character.
 * Returns bytes written (excluding NUL).
 */
size_t sanitize_utf8(char *dst, size_t dstsz, const char *src, size_t len);

/*
 * Like sanitize_utf8, and additionally makes it safe to draw: C0/C1
 * controls and DEL become "^X"-style or "\xNN" text, so no escape sequence
 * can reach the terminal.
 */
size_t sanitize_display(char *dst, size_t dstsz, const char *src, size_t len);

/*
 * Terminal columns taken by a valid UTF-8 string (wide characters count 2,
 * combining marks 0).  Assumes the input went through sanitize_display.
 */
int sanitize_width(const char *s);

/*
 * Copy at most `cols` terminal columns of s into dst (never splitting a
 * character; wide characters that would straddle the edge are left out).
 * Returns the columns used.
 */
int sanitize_fit(char *dst, size_t dstsz, const char *s, int cols);

#endif
