/*
 * plh_fileio: slow I/O on a regular file.
 *
 *   plh_fileio [--wait-usr1] PATH MIB
 *
 * One write() of MIB MiB to PATH (created/truncated), then fsync() (slow:
 * all of it is dirty), then drops the file's pages (posix_fadvise DONTNEED)
 * and reads it back with one read() (slow: from the disk).  The file is left
 * in place; the caller removes it.
 * Prints "pid P", "path ABSPATH", then "write bytes=N lat_us=L",
 * "sync lat_us=L", "read bytes=N lat_us=L" and "done".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	int wait = 0, argi = 1, fd, sig;
	char real[PATH_MAX];
	size_t len;
	long long t0;
	ssize_t r;
	char *buf;
	sigset_t set;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (argc > 1 && !strcmp(argv[1], "--wait-usr1")) {
		wait = 1;
		argi++;
	}
	if (argc - argi != 2) {
		fprintf(stderr, "usage: plh_fileio [--wait-usr1] PATH MIB\n");
		return 2;
	}
	len = (size_t)atol(argv[argi + 1]) << 20;
	buf = malloc(len);
	if (!buf)
		return 1;
	memset(buf, 0x5a, len);
	printf("pid %d\n", (int)getpid());
	if (wait)
		sigwait(&set, &sig);
	fd = open(argv[argi], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || !realpath(argv[argi], real)) {
		perror(argv[argi]);
		return 1;
	}
	printf("path %s\n", real);
	t0 = now_us();
	r = write(fd, buf, len);
	printf("write bytes=%zd lat_us=%lld\n", r, now_us() - t0);
	t0 = now_us();
	if (fsync(fd))
		perror("fsync");
	printf("sync lat_us=%lld\n", now_us() - t0);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	t0 = now_us();
	r = pread(fd, buf, len, 0);
	printf("read bytes=%zd lat_us=%lld\n", r, now_us() - t0);
	close(fd);
	printf("done\n");
	return 0;
}
