/*
 * The recording format (docs/recording-format.md has the full text).
 *
 * File:  "PERFLENS" | u16 major | u16 minor | u32 reserved      (16 bytes)
 * Frame: u32 len | u16 type | u16 flags | payload[len] | u32 crc32
 *        crc32 (zlib) covers type, flags and payload.  All integers are
 *        little-endian; inside payloads, unsigned LEB128 varints (zigzag for
 *        signed).  A reader skips frame types it does not know (a newer
 *        minor version may add some) and stops at the first damaged frame.
 */
#ifndef PERFLENS_RECORD_FORMAT_H
#define PERFLENS_RECORD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define REC_MAGIC "PERFLENS"
#define REC_MAJOR 1
#define REC_MINOR 1  /* 1.1: REC_NAMES */
#define REC_PROLOGUE 16
#define REC_FRAME_OVERHEAD 12      /* len + type + flags + crc */
#define REC_FRAME_MAX (16u << 20)  /* a larger len means damage */

enum rec_frame {
	REC_HEADER = 1,   /* JSON: format, host, kernel, version, start times, options, ready line */
	REC_PROCS = 2,    /* JSON array: the process snapshot at start */
	REC_STRINGS = 3,  /* string table additions: {varint id, varint len, bytes}* */
	REC_STACKS = 4,   /* stack definitions: {id, kernel, pid, n, n string ids}* */
	REC_EVENTS = 5,   /* varint base_ts, varint count, encoded events */
	REC_TICK = 6,     /* JSON: one saturation sample (the tick line) */
	REC_MARK = 7,     /* JSON: a bookmark {ts, label} */
	REC_AI = 8,       /* JSON: an AI answer */
	REC_INDEX = 9,    /* varint prev_index_offset, varint n, {varint ts, varint offset}* */
	REC_END = 10,     /* JSON: totals, drops, last index offset */
	REC_FINDING = 11, /* JSON: a finding opened or cleared */
	REC_NAMES = 12,   /* JSON: {"cgroups":{"ID":"PATH"},"nspids":{"PID":NSPID}} first told */
};

/* Growable output buffer for encoding payloads. */
struct rec_buf {
	uint8_t *p;
	size_t len, cap;
	int oom;            /* a failed grow: the buffer is unusable */
};

void rec_buf_free(struct rec_buf *b);
void rec_buf_reset(struct rec_buf *b);
void rec_put_bytes(struct rec_buf *b, const void *p, size_t n);
void rec_put_u8(struct rec_buf *b, uint8_t v);
void rec_put_varint(struct rec_buf *b, uint64_t v);
void rec_put_svarint(struct rec_buf *b, int64_t v);

/* Bounded input cursor: every read checks the end; err sticks once set. */
struct rec_cur {
	const uint8_t *p, *end;
	int err;
};

uint8_t rec_get_u8(struct rec_cur *c);
uint64_t rec_get_varint(struct rec_cur *c);
int64_t rec_get_svarint(struct rec_cur *c);
/* n bytes in place (NULL and err set when short). */
const uint8_t *rec_get_bytes(struct rec_cur *c, size_t n);

/* Little-endian fixed-width helpers for the frame envelope. */
static inline void rec_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t rec_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint16_t rec_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* crc32 over type, flags and payload, as stored after the payload. */
uint32_t rec_frame_crc(uint16_t type, uint16_t flags, const uint8_t *payload, size_t len);

#endif
