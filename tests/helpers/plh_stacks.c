/*
 * plh_stacks: known stacks for the stack tests (build: -g -fno-omit-frame-pointer).
 *
 *   plh_stacks [READ_MS [SPIN_MS]]
 *
 * main -> read_outer -> read_site -> read() on a pipe whose writer child
 * waits READ_MS (default 300) ms; then main -> hot_spin burns SPIN_MS
 * (default 1200) ms of CPU.  Prints "pid P", "read done", "spin done".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) void hot_spin(double secs)
{
	double end = now_s() + secs;

	while (now_s() < end)
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i * 7;
}

__attribute__((noinline)) ssize_t read_site(int fd, char *buf)
{
	ssize_t n = read(fd, buf, 1);

	sink += (unsigned long)n;
	return n;
}

__attribute__((noinline)) ssize_t read_outer(int fd, char *buf)
{
	ssize_t n = read_site(fd, buf);

	sink += 1;
	return n;
}

int main(int argc, char **argv)
{
	long read_ms = argc > 1 ? atol(argv[1]) : 300;
	long spin_ms = argc > 2 ? atol(argv[2]) : 1200;
	int p[2];
	char c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", getpid());
	if (pipe(p))
		return 1;
	if (fork() == 0) {
		usleep((useconds_t)read_ms * 1000);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (read_outer(p[0], &c) != 1)
		return 1;
	wait(NULL);
	printf("read done\n");
	hot_spin(spin_ms / 1000.0);
	printf("spin done\n");
	return 0;
}
