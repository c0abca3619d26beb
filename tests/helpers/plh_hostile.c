/*
 * plh_hostile: a process with a hostile comm that does one slow pipe read.
 *
 *   plh_hostile [MS]
 *
 * Sets its comm to "pl" ESC "[31mEVIL" 0xff 0xfe (an ANSI colour escape and
 * two bytes that are not UTF-8), then forks a writer child that sleeps MS ms
 * (default 200) before writing 7 bytes, and reads them: one read blocked
 * about MS ms.  Prints "pid P", "child C", "read bytes=N lat_us=L", "done".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char hostile[] = "pl\x1b[31mEVIL\xff\xfe";

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 200;
	char buf[64];
	int fds[2];
	long long t0;
	ssize_t r;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_NAME, hostile, 0, 0, 0);
	printf("pid %d\n", (int)getpid());
	if (pipe(fds))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		_exit(write(fds[1], "hostile", 7) == 7 ? 0 : 1);
	}
	close(fds[1]);
	printf("child %d\n", (int)child);
	t0 = now_us();
	r = read(fds[0], buf, sizeof(buf));
	printf("read bytes=%zd lat_us=%lld\n", r, now_us() - t0);
	waitpid(child, NULL, 0);
	printf("done\n");
	return 0;
}
