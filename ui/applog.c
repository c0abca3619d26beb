#include "applog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int log_fd = -1;    /* the in-memory file */
static int saved_fd = -1;  /* the real stderr */

int applog_start(void)
{
	int fd, saved;

	if (log_fd >= 0)
		return 0;
	fd = memfd_create("perflens-log", MFD_CLOEXEC);
	if (fd < 0) {
		FILE *f = tmpfile();

		if (!f)
			return -errno;
		fd = dup(fileno(f));
		fclose(f);
		if (fd < 0)
			return -errno;
	}
	fflush(stderr);
	saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
		int e = errno;

		if (saved >= 0)
			close(saved);
		close(fd);
		return -e;
	}
	log_fd = fd;
	saved_fd = saved;
	return 0;
}

bool applog_active(void)
{
	return log_fd >= 0;
}

static off_t dumped; /* bytes already copied out by an emergency dump */

/* Copy the log from offset off to fd to; returns where it stopped. */
static off_t copy_out(int to, off_t off)
{
	char buf[4096];
	ssize_t n;

	while ((n = pread(log_fd, buf, sizeof(buf), off)) > 0) {
		ssize_t w = 0;

		while (w < n) {
			ssize_t r = write(to, buf + w, (size_t)(n - w));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return off;
			w += r;
		}
		off += n;
	}
	return off;
}

void applog_stop(bool dump)
{
	if (log_fd < 0)
		return;
	fflush(stderr);
	dup2(saved_fd, STDERR_FILENO);
	if (dump)
		copy_out(STDERR_FILENO, dumped);
	close(saved_fd);
	close(log_fd);
	saved_fd = log_fd = -1;
}

void applog_emergency_dump(void)
{
	/* pread, write and dup2 only: all async-signal-safe.  What was logged
	 * goes out, then fd 2 is the real stderr again, so a report written
	 * after this (a sanitizer's, after our signal handler hands over) goes
	 * straight there instead of into a log nobody will read. */
	if (log_fd < 0 || saved_fd < 0)
		return;
	dumped = copy_out(saved_fd, dumped);
	dup2(saved_fd, STDERR_FILENO);
}

void applog_note(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(stderr, "perflens: %s\n", line);
}

size_t applog_size(void)
{
	struct stat st;

	if (log_fd < 0 || fstat(log_fd, &st))
		return 0;
	return (size_t)st.st_size;
}

size_t applog_tail(char *buf, size_t sz)
{
	size_t size = applog_size(), want, skip = 0;
	off_t off;
	ssize_t n;

	if (!sz)
		return 0;
	buf[0] = '\0';
	if (size == 0)
		return 0;
	want = size < sz - 1 ? size : sz - 1;
	off = (off_t)(size - want);
	n = pread(log_fd, buf, want, off);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* A cut line is noise: start after the first newline. */
	if (off > 0) {
		char *nl = memchr(buf, '\n', (size_t)n);

		if (nl)
			skip = (size_t)(nl + 1 - buf);
		memmove(buf, buf + skip, (size_t)n - skip + 1);
	}
	return (size_t)n - skip;
}

void applog_trim(size_t max, size_t keep)
{
	char buf[65536];
	size_t size = applog_size(), n;

	if (log_fd < 0 || size <= max)
		return;
	if (keep > sizeof(buf) - 1)
		keep = sizeof(buf) - 1;
	n = applog_tail(buf, keep + 1);
	/* fd 2 shares this file's offset: rewind it so writers append at the
	 * new end instead of leaving a hole. */
	if (ftruncate(log_fd, 0) == 0 && lseek(STDERR_FILENO, 0, SEEK_SET) == 0) {
		dprintf(STDERR_FILENO, "perflens: (log trimmed: %zu earlier bytes dropped)\n",
			size - n);
		if (write(STDERR_FILENO, buf, n) < 0)
			return;
	}
}
