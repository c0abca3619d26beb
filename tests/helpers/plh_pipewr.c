/*
 * plh_pipewr: a writer blocked on a full pipe.
 *
 *   plh_pipewr MS
 *
 * Shrinks a pipe to one page, fills it without blocking, then does one
 * blocking write() of 4096 bytes.  A reader child sleeps MS ms before it
 * drains the pipe, so that write blocks about MS ms.
 * Prints "pid P", "child C", then "write bytes=N lat_us=L" and "done".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
	long ms = argc > 1 ? atol(argv[1]) : 200;
	static char buf[65536];
	int fds[2];
	long long t0;
	ssize_t r;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	if (pipe(fds))
		return 1;
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		close(fds[1]);
		nanosleep(&ts, NULL);
		while (read(fds[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	printf("child %d\n", (int)child);
	memset(buf, 'w', sizeof(buf));
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (write(fds[1], buf, 512) > 0)
		;
	fcntl(fds[1], F_SETFL, 0);
	t0 = now_us();
	r = write(fds[1], buf, 4096);
	printf("write bytes=%zd lat_us=%lld\n", r, now_us() - t0);
	close(fds[1]);
	waitpid(child, NULL, 0);
	printf("done\n");
	return 0;
}
