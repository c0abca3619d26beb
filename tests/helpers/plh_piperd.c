/*
 * plh_piperd: a pipe reader that blocks for chosen times.
 *
 *   plh_piperd [--wait-usr1] [--name COMM] MS [MS...]
 *
 * Forks one writer child.  For step i the child sleeps MS[i] ms, then writes
 * 100+i bytes; the parent's read() of step i therefore blocks about MS[i] ms
 * and returns 100+i bytes, so a test can tell the reads apart by "bytes".
 * Prints "pid P" and "child C" first (line-buffered), then one line per read:
 * "read I bytes=N lat_us=L", and "done" at the end.
 * --wait-usr1: after printing the pid, wait for SIGUSR1 before starting.
 * --name: set the comm (both processes) with prctl(PR_SET_NAME).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static void wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigwait(&set, &sig);
}

int main(int argc, char **argv)
{
	int wait = 0, fds[2], n = 0, i;
	long ms[64];
	char buf[4096];
	pid_t child;
	sigset_t set;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait-usr1"))
			wait = 1;
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			prctl(PR_SET_NAME, argv[++i], 0, 0, 0);
		else if (n < 64)
			ms[n++] = atol(argv[i]);
	}
	if (!n) {
		fprintf(stderr, "usage: plh_piperd [--wait-usr1] [--name COMM] MS [MS...]\n");
		return 2;
	}
	printf("pid %d\n", (int)getpid());
	if (wait)
		wait_usr1();
	if (pipe(fds))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		close(fds[0]);
		memset(buf, 'x', sizeof(buf));
		for (i = 0; i < n; i++) {
			sleep_ms(ms[i]);
			if (write(fds[1], buf, 100 + i) != 100 + i)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	printf("child %d\n", (int)child);
	for (i = 0; i < n; i++) {
		long long t0 = now_us();
		ssize_t r = read(fds[0], buf, sizeof(buf));

		printf("read %d bytes=%zd lat_us=%lld\n", i, r, now_us() - t0);
	}
	waitpid(child, NULL, 0);
	printf("done\n");
	return 0;
}
