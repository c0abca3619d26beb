/*
 * find_quiet: the "idle system" workload of the findings tests -- what a
 * well-behaved service does: a little buffered file I/O and a pipe
 * round trip five times a second, nothing synced, nothing forked.
 *
 *   find_quiet DIR SECS
 *
 * Writes and rereads 4 KiB of DIR/find-quiet-PID every 200 ms for SECS
 * seconds, then removes the file.  Prints "pid P" first, "done" at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static int one_round(const char *path, int rd, int wr)
{
	char buf[4096];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ok;

	if (fd < 0)
		return -1;
	memset(buf, 'q', sizeof(buf));
	ok = write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
	     pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) &&
	     write(wr, "x", 1) == 1 && read(rd, buf, 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	char path[512];
	int p[2];
	long rounds;

	if (argc != 3) {
		fprintf(stderr, "usage: find_quiet DIR SECS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	snprintf(path, sizeof(path), "%s/find-quiet-%d", argv[1], (int)getpid());
	if (pipe(p))
		return 1;
	rounds = atol(argv[2]) * 5;
	for (long i = 0; i < rounds; i++) {
		if (one_round(path, p[0], p[1])) {
			perror("find_quiet");
			unlink(path);
			return 1;
		}
		sleep_ms(200);
	}
	unlink(path);
	printf("done\n");
	return 0;
}
