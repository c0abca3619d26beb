/*
 * Reading a recording: frames in order, each checked (length bound, CRC)
 * before its payload is trusted.  A file cut mid-frame ends cleanly with
 * `truncated` set (a kill -9 of the recorder does that); any other damage
 * stops the reader with a one-line message naming the offset.  Recordings
 * are untrusted input: every payload parser is bounds-checked and fuzzed.
 */
#ifndef PERFLENS_RECORD_READER_H
#define PERFLENS_RECORD_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rec_frame_view {
	uint16_t type;
	uint16_t flags;
	const uint8_t *payload;
	uint32_t len;
	uint64_t offset;        /* of the frame's first byte */
};

struct rec_reader {
	const uint8_t *data;
	size_t size;
	bool mapped;
	uint64_t pos;
	uint16_t major, minor;
	char **strings;         /* id -> string; [0] unused */
	size_t nstrings, cap;
	bool truncated;         /* ended mid-frame: everything before it was read */
	bool damaged;           /* stopped at a bad frame (message in error) */
	char error[256];
	uint64_t frames;
};

/* Open (mmap) and check the prologue.  0, or -errno / -EINVAL with err. */
int rec_reader_open(struct rec_reader *r, const char *path, char *err, size_t errsz);
/* Same over memory (not copied; tests and fuzzing). */
int rec_reader_open_mem(struct rec_reader *r, const void *data, size_t size, char *err,
			size_t errsz);
void rec_reader_close(struct rec_reader *r);
/* The next frame: 1, or 0 at the end (clean, truncated or damaged: see flags). */
int rec_reader_next(struct rec_reader *r, struct rec_frame_view *f);
/* Continue reading at a frame offset (from an index); -EINVAL when out of range. */
int rec_reader_seek(struct rec_reader *r, uint64_t offset);
/* Add a REC_STRINGS payload to the table.  0 or -EINVAL (damage). */
int rec_reader_add_strings(struct rec_reader *r, const uint8_t *p, size_t len);
/* The string with this id, or NULL. */
const char *rec_reader_string(const struct rec_reader *r, uint32_t id);

#endif
