/*
 * Benchmark workload: a tight loop of one cheap syscall.
 *
 *   bench_readloop read|getppid OPS [CPU]
 *
 * read:    read(fd, buf, 1) on /dev/zero (an I/O syscall perflens times);
 * getppid: syscall(SYS_getppid) (a syscall perflens does not trace, but a
 *          tp_btf/sys_enter program still runs for it).
 * A warm-up of OPS/10 (at most 20000) calls runs first, untimed.  With CPU,
 * the process pins itself there first.
 *
 * Prints one line:
 *   ns_per_op=WALL cpu_ns_per_op=CPU ops=OPS calls=ALL pid=PID
 * WALL from CLOCK_MONOTONIC, CPU from CLOCK_THREAD_CPUTIME_ID (time this
 * thread was on a CPU, BPF programs run in its context included); calls
 * counts every call of the loop syscall this program made (warm-up too).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double ts_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void read_loop(int fd, long n)
{
	char b;

	for (long i = 0; i < n; i++)
		if (read(fd, &b, 1) != 1) {
			perror("read");
			exit(1);
		}
}

static void getppid_loop(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
	int is_read, fd = -1;
	long ops, warm;
	double w0, c0, w1, c1;

	if (argc < 3 || (strcmp(argv[1], "read") && strcmp(argv[1], "getppid")) ||
	    (ops = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: %s read|getppid OPS [CPU]\n", argv[0]);
		return 2;
	}
	if (argc > 3) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(argv[3]), &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	is_read = !strcmp(argv[1], "read");
	if (is_read && (fd = open("/dev/zero", O_RDONLY)) < 0) {
		perror("/dev/zero");
		return 1;
	}
	warm = ops / 10 < 20000 ? ops / 10 : 20000;
	if (is_read)
		read_loop(fd, warm);
	else
		getppid_loop(warm);
	w0 = ts_ns(CLOCK_MONOTONIC);
	c0 = ts_ns(CLOCK_THREAD_CPUTIME_ID);
	if (is_read)
		read_loop(fd, ops);
	else
		getppid_loop(ops);
	c1 = ts_ns(CLOCK_THREAD_CPUTIME_ID);
	w1 = ts_ns(CLOCK_MONOTONIC);
	printf("ns_per_op=%.2f cpu_ns_per_op=%.2f ops=%ld calls=%ld pid=%d\n", (w1 - w0) / ops,
	       (c1 - c0) / ops, ops, ops + warm, (int)getpid());
	return 0;
}
