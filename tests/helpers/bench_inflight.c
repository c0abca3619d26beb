/*
 * Benchmark workload: many threads stuck in read() at once.
 *
 *   bench_inflight THREADS SECONDS
 *
 * Starts THREADS threads (64 KiB stacks), each blocked in a 1-byte read()
 * on one shared, empty pipe; prints "started N pid=PID" once all exist,
 * holds them SECONDS, then writes THREADS bytes so every read returns, joins
 * them and prints "done".  Used to time perflens' scan of its in-flight map.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int pfd[2];

static void *reader(void *arg)
{
	char c;

	(void)arg;
	if (read(pfd[0], &c, 1) != 1)
		perror("read");
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *th;
	long n, made = 0, left;
	double secs;
	char buf[4096] = { 0 };

	if (argc < 3 || (n = atol(argv[1])) <= 0 || (secs = atof(argv[2])) < 0) {
		fprintf(stderr, "usage: %s THREADS SECONDS\n", argv[0]);
		return 2;
	}
	th = calloc(n, sizeof(*th));
	if (!th || pipe(pfd)) {
		perror("setup");
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (; made < n; made++)
		if (pthread_create(&th[made], &attr, reader, NULL)) {
			perror("pthread_create");
			break;
		}
	printf("started %ld pid=%d\n", made, (int)getpid());
	fflush(stdout);
	usleep((useconds_t)(secs * 1e6));
	for (left = made; left > 0;) {
		ssize_t w = write(pfd[1], buf, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf));

		if (w <= 0) {
			perror("write");
			return 1;
		}
		left -= w;
	}
	for (long i = 0; i < made; i++)
		pthread_join(th[i], NULL);
	printf("done\n");
	return made == n ? 0 : 1;
}
