/*
 * plh_argv: a process whose command line the test chooses (e.g. with a
 * secret in it).  Prints "pid P", sleeps MS ms if the first argument is a
 * number, and exits 0.  Every other argument is ignored.
 *
 *   plh_argv [MS] [ANY...]
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
	return 0;
}
