/*
 * plh_threads: a process with N threads (default 8) that exits while they
 * are all alive, plus one real child process as a positive control.
 *
 *   plh_threads [N]
 *
 * Prints "pid P", one "tid T" per thread, "child C" (a forked child that
 * exits 0 at once and is reaped), then "exiting" and calls exit(7) with every
 * thread still blocked.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_barrier_t started;

static void *thread_main(void *arg)
{
	printf("tid %ld\n", (long)syscall(SYS_gettid));
	pthread_barrier_wait(&started);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t t;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	if (n < 1 || n > 256)
		return 2;
	pthread_barrier_init(&started, NULL, n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t, NULL, thread_main, NULL))
			return 1;
	pthread_barrier_wait(&started);
	child = fork();
	if (child == 0)
		_exit(0);
	printf("child %d\n", (int)child);
	waitpid(child, NULL, 0);
	printf("exiting\n");
	exit(7);
}
