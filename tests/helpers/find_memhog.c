/*
 * find_memhog: allocates and touches memory until the OOM killer stops it.
 *
 *   find_memhog MAX_MB
 *
 * Prints "pid P", then waits for a line on stdin (so the test can move it
 * into a memory-limited cgroup first), then touches 1 MiB at a time up to
 * MAX_MB, printing "mb N" every 16 MiB.  Exits 3 if it was never killed
 * (the limit did not apply).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[64];
	long max_mb;

	if (argc != 2 || (max_mb = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: find_memhog MAX_MB\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	if (!fgets(line, sizeof(line), stdin))
		return 2;
	for (long mb = 1; mb <= max_mb; mb++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED) {
			perror("find_memhog: mmap");
			return 1;
		}
		memset(p, 0x5a, 1 << 20); /* touch every page: anonymous RSS */
		if (mb % 16 == 0)
			printf("mb %ld\n", mb);
	}
	printf("survived\n");
	return 3;
}
