#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read until EOF or until want bytes; -errno on a read error. */
static ssize_t read_full(int fd, char *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t r = read(fd, buf + got, want - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t readfile_at(int dfd, const char *path, char *buf, size_t bufsz)
{
	ssize_t n;
	char probe;
	int fd;

	if (bufsz == 0)
		return -EINVAL;
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read_full(fd, buf, bufsz - 1);
	if (n >= 0) {
		buf[n] = '\0';
		/* A full buffer may mean more is left: one more byte decides. */
		if ((size_t)n == bufsz - 1 && read_full(fd, &probe, 1) == 1)
			n = -EFBIG;
	}
	close(fd);
	return n;
}

ssize_t readfile_once_at(int dfd, const char *path, char *buf, size_t bufsz)
{
	ssize_t n;
	int fd;

	if (bufsz == 0)
		return -EINVAL;
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, bufsz - 1);
	while (n < 0 && errno == EINTR);
	n = n < 0 ? -errno : n;
	buf[n < 0 ? 0 : n] = '\0';
	close(fd);
	return n;
}

ssize_t readfile(const char *path, char *buf, size_t bufsz)
{
	return readfile_at(AT_FDCWD, path, buf, bufsz);
}

char *readfile_alloc(const char *path, size_t max, size_t *len)
{
	size_t cap = 16384, got = 0;
	char *buf = NULL, *grown;
	int err = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (cap > max + 1)
			cap = max + 1;
		grown = realloc(buf, cap + 1);
		if (!grown) {
			err = ENOMEM;
			goto out;
		}
		buf = grown;
		ssize_t r = read_full(fd, buf + got, cap - got);
		if (r < 0) {
			err = (int)-r;
			goto out;
		}
		got += (size_t)r;
		if (got > max) {
			err = EFBIG;
			goto out;
		}
		if (got < cap)
			break; /* EOF before the buffer filled */
		cap *= 2;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	return buf;
}

bool readfile_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, (uint64_t)(*p - '0'), &x))
			return false;
	}
	*v = x;
	*s = p;
	return true;
}

const char *readfile_skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

const char *readfile_next_line(const char *s)
{
	s += strcspn(s, "\n");
	return *s ? s + 1 : s;
}
