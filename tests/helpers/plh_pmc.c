/*
 * plh_pmc: two workloads for the per-process counter test.
 *
 *   plh_pmc spin MS            spin on the CPU for MS ms of wall time
 *   plh_pmc fault PAGES ROUNDS map PAGES fresh pages, touch each, unmap,
 *                              sleep 5 ms; ROUNDS times
 *
 * Waits for a line on stdin first (so perflens is attached), prints
 * "done" when finished, then waits for another line so /proc stays
 * readable until the test has looked.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void spin(long ms)
{
	volatile unsigned long x = 0;
	double end = now_s() + ms / 1000.0;

	while (now_s() < end)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static int fault(long pages, long rounds)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct timespec nap = { 0, 5 * 1000000L };

	for (long r = 0; r < rounds; r++) {
		char *p = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("plh_pmc: mmap");
			return 1;
		}
		for (long i = 0; i < pages; i++)
			p[i * pg] = 1;
		munmap(p, pages * pg);
		nanosleep(&nap, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char line[16];
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "spin"))
		;
	else if (argc == 4 && !strcmp(argv[1], "fault"))
		;
	else {
		fprintf(stderr, "usage: plh_pmc spin MS | plh_pmc fault PAGES ROUNDS\n");
		return 2;
	}
	printf("pid %d\n", (int)getpid());
	if (!fgets(line, sizeof(line), stdin))
		return 2;
	if (argc == 3)
		spin(atol(argv[2]));
	else
		rc = fault(atol(argv[2]), atol(argv[3]));
	printf("done\n");
	if (!fgets(line, sizeof(line), stdin))
		return rc;
	return rc;
}
