#include "format.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void rec_buf_free(struct rec_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void rec_buf_reset(struct rec_buf *b)
{
	b->len = 0;
}

static int grow(struct rec_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	if (b->oom)
		return -1;
	while (cap < b->len + need)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void rec_put_bytes(struct rec_buf *b, const void *p, size_t n)
{
	if (n && !grow(b, n)) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
	}
}

void rec_put_u8(struct rec_buf *b, uint8_t v)
{
	rec_put_bytes(b, &v, 1);
}

void rec_put_varint(struct rec_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	rec_put_bytes(b, tmp, n);
}

void rec_put_svarint(struct rec_buf *b, int64_t v)
{
	rec_put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

uint8_t rec_get_u8(struct rec_cur *c)
{
	if (c->err || c->p >= c->end) {
		c->err = 1;
		return 0;
	}
	return *c->p++;
}

uint64_t rec_get_varint(struct rec_cur *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b = rec_get_u8(c);

		if (c->err)
			return 0;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->err = 1; /* more than 10 bytes: not a varint */
	return 0;
}

int64_t rec_get_svarint(struct rec_cur *c)
{
	uint64_t v = rec_get_varint(c);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

const uint8_t *rec_get_bytes(struct rec_cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->err || (size_t)(c->end - c->p) < n) {
		c->err = 1;
		return NULL;
	}
	c->p += n;
	return p;
}

uint32_t rec_frame_crc(uint16_t type, uint16_t flags, const uint8_t *payload, size_t len)
{
	uint8_t tf[4] = { (uint8_t)type, (uint8_t)(type >> 8), (uint8_t)flags, (uint8_t)(flags >> 8) };
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, tf, 4);
	crc = crc32(crc, payload, (uInt)len);
	return (uint32_t)crc;
}
