/*
 * Small-file readers shared by the /proc and /sys parsers in src/sys/.
 * procfs and sysfs files are generated on read and have no useful st_size,
 * so these read until EOF into a bounded buffer and always NUL-terminate.
 */
#ifndef PERFLENS_READFILE_H
#define PERFLENS_READFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read path (relative to dfd, or absolute / AT_FDCWD) into buf, NUL-terminated.
 * Returns the bytes read, -EFBIG when the file did not fit in bufsz - 1 bytes
 * (buf then holds the first bufsz - 1 bytes), or -errno. */
ssize_t readfile_at(int dfd, const char *path, char *buf, size_t bufsz);
/* Like readfile_at() but with a single read(2), and no -EFBIG probe: for
 * procfs files that the kernel generates whole on the first read (one
 * seq_file record: PID/stat, PID/statm, PID/status, pressure files), read a few
 * thousand times a second, where the second read(2) is a fifth of the cost.
 * Not for multi-record files (diskstats, mountinfo): those come in pieces. */
ssize_t readfile_once_at(int dfd, const char *path, char *buf, size_t bufsz);
/* readfile_at(AT_FDCWD, ...). */
ssize_t readfile(const char *path, char *buf, size_t bufsz);
/* Read a whole file of unknown size (up to max bytes) into a malloc'd,
 * NUL-terminated buffer; *len gets the length.  NULL with errno set
 * (EFBIG when larger than max). */
char *readfile_alloc(const char *path, size_t max, size_t *len);
/* Parse an unsigned decimal at *s, advancing *s past it.  Locale-free, no
 * sign, overflow is an error. */
bool readfile_u64(const char **s, uint64_t *v);
/* Skip spaces and tabs. */
const char *readfile_skip_blanks(const char *s);
/* Start of the line after the one s points into (at the NUL when none). */
const char *readfile_next_line(const char *s);

#endif
