/*
 * plh_forkexec: a real fork + exec (bash -c would exec without forking).
 *
 *   plh_forkexec [--wait-usr1] [--kill-after MS] PROG [ARGS...]
 *
 * Forks; the child execs PROG with ARGS (argv[0] = PROG).  The parent prints
 * "pid P" (before any --wait-usr1 wait), "child C", optionally SIGKILLs the
 * child after MS ms, reaps it and prints "status code=N" or
 * "status signal=N", then "done".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i = 1, st, sig;
	long kill_ms = -1;
	sigset_t set;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("pid %d\n", (int)getpid());
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--wait-usr1"))
			sigwait(&set, &sig);
		else if (!strcmp(argv[i], "--kill-after") && i + 1 < argc)
			kill_ms = atol(argv[++i]);
	}
	if (i >= argc) {
		fprintf(stderr, "usage: plh_forkexec [--wait-usr1] [--kill-after MS] PROG [ARGS...]\n");
		return 2;
	}
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execv(argv[i], &argv[i]);
		perror(argv[i]);
		_exit(127);
	}
	printf("child %d\n", (int)child);
	if (kill_ms >= 0) {
		struct timespec ts = { kill_ms / 1000, (kill_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		kill(child, SIGKILL);
	}
	if (waitpid(child, &st, 0) != child)
		return 1;
	if (WIFEXITED(st))
		printf("status code=%d\n", WEXITSTATUS(st));
	else
		printf("status signal=%d\n", WTERMSIG(st));
	printf("done\n");
	return 0;
}
