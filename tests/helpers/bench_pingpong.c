/*
 * Benchmark workload: a pipe ping-pong between two processes.
 *
 *   bench_pingpong ROUNDS [CPU]
 *
 * The parent writes one byte into pipe A and reads one back from pipe B;
 * the child reads A and writes B.  Each side blocks in read() once per round
 * trip, so every round trip is a few context switches.  With CPU, both
 * processes pin themselves to that CPU: then each round trip is exactly two
 * sched_switch events (parent -> child, child -> parent), i.e. per side one
 * switch-out and one switch-in.  A warm-up of ROUNDS/10 (at most 5000) round
 * trips runs first, untimed.
 *
 * Prints one line:
 *   ns_per_round=WALL cpu_ns_per_round=CPU rounds=N switches=S parent_pid=P child_pid=C
 * WALL from CLOCK_MONOTONIC; CPU is the CPU time of both processes during the
 * timed rounds (CLOCK_PROCESS_CPUTIME_ID), so time the CPU spent on other
 * tasks of a busy machine is left out;
 * where S is the context switches (voluntary + involuntary, from getrusage)
 * of both processes during the timed rounds: each is one task switched out,
 * so S ~= 2 * N when pinned to one CPU.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

struct side {
	long switches;
	double cpu_ns;
};

static long switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static void xread(int fd, char *c)
{
	if (read(fd, c, 1) != 1) {
		perror("read");
		exit(1);
	}
}

static void xwrite(int fd, char c)
{
	if (write(fd, &c, 1) != 1) {
		perror("write");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int a[2], b[2], res[2], status;
	long rounds, warm, s0;
	double t0, t1, c0, c1;
	struct side cs = { -1, 0 };
	pid_t child;
	char c = 'x';

	if (argc < 2 || (rounds = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: %s ROUNDS [CPU]\n", argv[0]);
		return 2;
	}
	if (argc > 2) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(argv[2]), &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	warm = rounds / 10 < 5000 ? rounds / 10 : 5000;
	if (pipe(a) || pipe(b) || pipe(res)) {
		perror("pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		struct side me = { 0, 0 };

		for (long i = 0; i < warm + rounds; i++) {
			if (i == warm) {
				me.switches = switches();
				me.cpu_ns = cpu_ns();
			}
			xread(a[0], &c);
			xwrite(b[1], c);
		}
		me.cpu_ns = cpu_ns() - me.cpu_ns;
		me.switches = switches() - me.switches;
		if (write(res[1], &me, sizeof(me)) != sizeof(me))
			_exit(1);
		_exit(0);
	}
	for (long i = 0; i < warm; i++) {
		xwrite(a[1], c);
		xread(b[0], &c);
	}
	s0 = switches();
	c0 = cpu_ns();
	t0 = now_ns();
	for (long i = 0; i < rounds; i++) {
		xwrite(a[1], c);
		xread(b[0], &c);
	}
	t1 = now_ns();
	c1 = cpu_ns();
	s0 = switches() - s0;
	if (read(res[0], &cs, sizeof(cs)) != sizeof(cs))
		cs.switches = -1;
	waitpid(child, &status, 0);
	printf("ns_per_round=%.2f cpu_ns_per_round=%.2f rounds=%ld switches=%ld parent_pid=%d "
	       "child_pid=%d\n", (t1 - t0) / rounds, (c1 - c0 + cs.cpu_ns) / rounds, rounds,
	       cs.switches < 0 ? -1 : s0 + cs.switches, (int)getpid(), (int)child);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
