/*
 * plh_exit42: prints "pid P", optionally sleeps MS ms, exits with code 42.
 *
 *   plh_exit42 [MS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 0;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	if (ms > 0)
		nanosleep(&ts, NULL);
	return 42;
}
