/*
 * Events <-> bytes inside REC_EVENTS frames.  Strings (comm, file, argv,
 * device names) are interned: an event carries a varint string id, and the
 * string itself is written once in a REC_STRINGS frame.  Timestamps are
 * zigzag deltas from the previous event, so a typical slow read costs about
 * 30 bytes.
 */
#ifndef PERFLENS_RECORD_CODEC_H
#define PERFLENS_RECORD_CODEC_H

#include "../event.h"
#include "format.h"

/* Writer side: a string's id, defining it first when new. */
struct rec_interner {
	uint32_t (*intern)(void *ctx, const char *s);
	void *ctx;
};

/* Reader side: the string for an id, or NULL when never defined. */
struct rec_strings {
	const char *(*lookup)(void *ctx, uint32_t id);
	void *ctx;
};

void rec_encode_event(struct rec_buf *b, const struct pl_event *ev, uint64_t *prev_ts,
		      const struct rec_interner *in);
/* 0, or -EINVAL on damage or an unknown event type (the rest of the frame
 * cannot be parsed then). */
int rec_decode_event(struct rec_cur *c, struct pl_event *ev, uint64_t *prev_ts,
		     const struct rec_strings *st);

#endif
