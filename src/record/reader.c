#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format.h"

#define REC_MAX_STRING (1u << 20)

static int check_prologue(struct rec_reader *r, char *err, size_t errsz)
{
	if (r->size < REC_PROLOGUE || memcmp(r->data, REC_MAGIC, 8)) {
		snprintf(err, errsz, "not a perflens recording (bad magic at offset 0)");
		return -EINVAL;
	}
	r->major = rec_rd16(r->data + 8);
	r->minor = rec_rd16(r->data + 10);
	if (r->major != REC_MAJOR) {
		snprintf(err, errsz, "unsupported recording format %u.%u at offset 8 (this perflens "
			 "reads %u.x)", r->major, r->minor, REC_MAJOR);
		return -EINVAL;
	}
	r->pos = REC_PROLOGUE;
	return 0;
}

int rec_reader_open_mem(struct rec_reader *r, const void *data, size_t size, char *err,
			size_t errsz)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->size = size;
	return check_prologue(r, err, errsz);
}

int rec_reader_open(struct rec_reader *r, const char *path, char *err, size_t errsz)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	memset(r, 0, sizeof(*r));
	if (fd < 0 || fstat(fd, &st)) {
		e = -errno;
		snprintf(err, errsz, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size < REC_PROLOGUE) {
		e = -EINVAL;
		snprintf(err, errsz, "%s: not a perflens recording (only %lld bytes)", path,
			 (long long)st.st_size);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		e = -errno;
		snprintf(err, errsz, "cannot map %s: %s", path, strerror(errno));
		goto out;
	}
	e = rec_reader_open_mem(r, map, (size_t)st.st_size, err, errsz);
	r->mapped = true;
	if (e)
		rec_reader_close(r);
out:
	if (fd >= 0)
		close(fd);
	return e;
}

void rec_reader_close(struct rec_reader *r)
{
	if (r->mapped && r->data)
		munmap((void *)(uintptr_t)r->data, r->size);
	for (size_t i = 0; i < r->nstrings + 1 && r->strings; i++)
		free(r->strings[i]);
	free(r->strings);
	memset(r, 0, sizeof(*r));
}

/* End the read: a cut tail (why == NULL) is a warning, anything else damage. */
static int stop(struct rec_reader *r, const char *why)
{
	r->truncated = !why;
	r->damaged = why != NULL;
	if (why)
		snprintf(r->error, sizeof(r->error), "damaged frame at offset %llu (%s)",
			 (unsigned long long)r->pos, why);
	else
		snprintf(r->error, sizeof(r->error), "recording ends mid-frame at offset %llu "
			 "(truncated)", (unsigned long long)r->pos);
	r->pos = r->size;
	return 0;
}

int rec_reader_next(struct rec_reader *r, struct rec_frame_view *f)
{
	uint64_t left = r->size - r->pos;
	const uint8_t *h = r->data + r->pos;
	uint32_t len;

	if (r->damaged || left == 0)
		return 0;
	if (left < REC_FRAME_OVERHEAD)
		return stop(r, NULL);
	len = rec_rd32(h);
	if (len > REC_FRAME_MAX)
		return stop(r, "impossible length");
	if ((uint64_t)len + REC_FRAME_OVERHEAD > left)
		return stop(r, NULL);
	f->type = rec_rd16(h + 4);
	f->flags = rec_rd16(h + 6);
	f->payload = h + 8;
	f->len = len;
	f->offset = r->pos;
	if (rec_frame_crc(f->type, f->flags, f->payload, len) != rec_rd32(h + 8 + len)) {
		/* A bad last frame is an interrupted write, not damage. */
		bool last = (uint64_t)len + REC_FRAME_OVERHEAD == left;

		return stop(r, last ? NULL : "CRC mismatch");
	}
	r->pos += (uint64_t)len + REC_FRAME_OVERHEAD;
	r->frames++;
	return 1;
}

int rec_reader_seek(struct rec_reader *r, uint64_t offset)
{
	if (offset < REC_PROLOGUE || offset >= r->size)
		return -EINVAL;
	r->pos = offset;
	r->damaged = r->truncated = false;
	return 0;
}

static int put_string(struct rec_reader *r, uint64_t id, const uint8_t *s, size_t n)
{
	/* Ids are handed out densely from 1: anything else is damage. */
	if (id != r->nstrings + 1 || n > REC_MAX_STRING)
		return -EINVAL;
	if (r->nstrings + 2 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		char **v = realloc(r->strings, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->strings = v;
		r->cap = cap;
		if (!r->nstrings)
			r->strings[0] = NULL;
	}
	r->strings[id] = strndup((const char *)s, n);
	if (!r->strings[id])
		return -ENOMEM;
	r->nstrings++;
	return 0;
}

int rec_reader_add_strings(struct rec_reader *r, const uint8_t *p, size_t len)
{
	struct rec_cur c = { p, p + len, 0 };

	while (!c.err && c.p < c.end) {
		uint64_t id = rec_get_varint(&c), n = rec_get_varint(&c);
		const uint8_t *s = c.err || n > REC_MAX_STRING ? NULL : rec_get_bytes(&c, n);

		if (!s || put_string(r, id, s, n))
			return -EINVAL;
	}
	return c.err ? -EINVAL : 0;
}

const char *rec_reader_string(const struct rec_reader *r, uint32_t id)
{
	return id && id <= r->nstrings ? r->strings[id] : NULL;
}
