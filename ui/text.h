/*
 * Text for the screen: every string drawn passes through text_clean or
 * text_fit (sanitize_display underneath: no control bytes, no escapes,
 * valid UTF-8; non-ASCII becomes '?' when the glyph set is ASCII), and
 * widths count terminal columns, not bytes.  Plus the number formats the
 * views share.  Pure functions: no terminal needed.
 */
#ifndef PERFLENS_UI_TEXT_H
#define PERFLENS_UI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sanitized copy of s (NULL = ""); returns bytes written. */
size_t text_clean(char *dst, size_t dstsz, const char *s);
/* Fit s into cols columns, cut on the right with an ellipsis when it does
 * not fit.  Returns the columns used (<= cols). */
int text_fit(char *dst, size_t dstsz, const char *s, int cols);
/* Same, cut on the left ("…/dir/file"), for paths. */
int text_fit_left(char *dst, size_t dstsz, const char *s, int cols);
/* Columns taken by a cleaned string. */
int text_width(const char *clean);

/* "873ns", "12.3µs", "5.12ms", "1.20s", "2m03s", "1h02m". */
void fmt_dur(char *buf, size_t sz, uint64_t ns);
/* "512", "4.0K", "12M", "1.5G" (binary). */
void fmt_bytes(char *buf, size_t sz, uint64_t bytes);
/* "999", "1.2k", "12k", "1.2M", "3.4G". */
void fmt_count(char *buf, size_t sz, uint64_t n);
/* Local wall clock "HH:MM:SS" (with ".mmm" when ms). */
void fmt_clock(char *buf, size_t sz, double wall, bool ms);

#endif
