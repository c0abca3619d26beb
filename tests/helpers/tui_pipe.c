/*
 * tui_pipe: a known workload for the TUI tests.
 *
 *   tui_pipe [SECONDS]
 *
 * The process renames itself "tui_piperd" and reads a pipe one byte at a
 * time while a thread writes a byte every 40 ms, so each read() is a slow
 * pipe read of about 40 ms.  It also forks and execs itself as a child
 * ("tui_pipe --child"), which renames itself "tui_child" and does the same,
 * so the tree shows the child under the parent.  Prints
 * "parent PID child PID pipe INO" once both run, then runs SECONDS
 * (default 60), reaps the child and exits 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_MS 40

static int pfd[2];
static volatile int stop;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static void *writer(void *arg)
{
	(void)arg;
	while (!stop) {
		sleep_ms(PERIOD_MS);
		if (write(pfd[1], "x", 1) != 1)
			break;
	}
	return NULL;
}

static void read_for(double secs)
{
	struct timespec t0, t;
	pthread_t th;
	char c;

	pthread_create(&th, NULL, writer, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (read(pfd[0], &c, 1) != 1)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	stop = 1;
	pthread_join(th, NULL);
}

int main(int argc, char **argv)
{
	int child_mode = argc > 1 && strcmp(argv[1], "--child") == 0;
	double secs = argc > 1 + child_mode ? atof(argv[1 + child_mode]) : 60;
	char arg[32], self[4096];
	struct stat st;
	ssize_t n;
	pid_t child;

	if (pipe(pfd))
		return 1;
	if (child_mode) {
		prctl(PR_SET_NAME, "tui_child");
		read_for(secs);
		return 0;
	}
	prctl(PR_SET_NAME, "tui_piperd");
	/* Exec the real path: exec names the process after the file, and
	 * "/proc/self/exe" would make it "exe". */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	child = fork();
	if (child == 0) {
		snprintf(arg, sizeof(arg), "%.1f", secs + 1);
		execl(self, argv[0], "--child", arg, (char *)NULL);
		_exit(127);
	}
	fstat(pfd[0], &st);
	printf("parent %d child %d pipe %llu\n", getpid(), child, (unsigned long long)st.st_ino);
	fflush(stdout);
	read_for(secs);
	waitpid(child, NULL, 0);
	return 0;
}
