/*
 * Symbolization benchmarks.  One "NAME VALUE UNIT" line per figure:
 *   kallsyms_load_ratio   kallsyms_load() time / reading /proc/kallsyms into
 *                         nothing with read() (what `cat > /dev/null` does),
 *                         median of 11 alternating pairs        goal <= 1.3
 *   kallsyms_load_ms, kallsyms_read_ms   the medians behind it
 *   ksym_lookup_ns        kallsyms_lookup() in random order over 4096
 *                         distinct kernel text addresses (a session's
 *                         stacks revisit a few thousand frames)  goal <= 50
 *   ksym_lookup_cold_ns   the same over addresses drawn from the whole
 *                         table: every probe may miss the cache
 *                         (reported, no goal)
 *   usym_lookup_warm_ns   usym_resolve() in this process, 64 distinct
 *                         addresses in this binary and libc, tables and
 *                         file:line cache warm                  goal <= 100
 *   usym_module_cold_ms   building libc's symbol table from scratch
 *                         (elfsyms_open), median of 5           goal <= 100
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sym/elfsyms.h"
#include "sym/kallsyms.h"
#include "sym/usym.h"
#include "bench_stats.h"

#define KALLSYMS "/proc/kallsyms"
#define RATIO_RUNS 11
#define COLD_RUNS 5
#define KLOOKUPS 2000000
#define KSTACK_FRAMES 4096
#define UADDRS 64
#define ULOOKUPS 1000000

/* Thread CPU time: every figure here is CPU-bound (reading /proc/kallsyms
 * is the kernel formatting it in our context), and CPU time leaves out the
 * preemption that made wall-clock figures swing 2x on a shared machine. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The baseline: read the whole file and drop it, 128 KiB at a time like cat. */
static double read_file_ms(const char *path)
{
	static char buf[128 << 10];
	uint64_t t0 = now_ns();
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return (double)(now_ns() - t0) / 1e6;
}

static double load_ms(const char *path)
{
	uint64_t t0 = now_ns();
	struct kallsyms *ks = kallsyms_load(path);
	double ms = (double)(now_ns() - t0) / 1e6;

	if (!ks)
		return -1;
	kallsyms_free(ks);
	return ms;
}

static int bench_kallsyms_load(void)
{
	double ratio[RATIO_RUNS], ours[RATIO_RUNS], cat[RATIO_RUNS];

	for (int i = 0; i < RATIO_RUNS; i++) {
		/* Alternate which goes first so neither always meets a warmer kernel. */
		if (i % 2) {
			ours[i] = load_ms(KALLSYMS);
			cat[i] = read_file_ms(KALLSYMS);
		} else {
			cat[i] = read_file_ms(KALLSYMS);
			ours[i] = load_ms(KALLSYMS);
		}
		if (ours[i] < 0 || cat[i] <= 0)
			return -1;
		ratio[i] = ours[i] / cat[i];
	}
	printf("kallsyms_load_ratio %.2f x\n", median(ratio, RATIO_RUNS));
	printf("kallsyms_load_ms %.1f ms\n", median(ours, RATIO_RUNS));
	printf("kallsyms_read_ms %.1f ms\n", median(cat, RATIO_RUNS));
	return 0;
}

/* Text symbol addresses from the file (the bench's own simple parse). */
static size_t read_text_addrs(uint64_t **out)
{
	FILE *f = fopen(KALLSYMS, "re");
	size_t n = 0, cap = 1 << 17;
	uint64_t *v = malloc(cap * sizeof(*v));
	unsigned long long a;
	char type, line[512];

	while (f && v && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c", &a, &type) != 2 || !strchr("tTwW", type) || !a)
			continue;
		if (n == cap) {
			uint64_t *bigger = realloc(v, (cap *= 2) * sizeof(*v));
			if (!bigger)
				break;
			v = bigger;
		}
		v[n++] = a;
	}
	if (f)
		fclose(f);
	*out = v;
	return n;
}

/* ns per lookup over addrs[0..KLOOKUPS), reading the symbol as a caller does. */
static double time_ksym_lookups(const struct kallsyms *ks, const uint64_t *addrs, uint64_t *sum)
{
	uint64_t t0 = now_ns();

	for (size_t i = 0; i < KLOOKUPS; i++) {
		const struct ksym *k = kallsyms_lookup(ks, addrs[i]);
		*sum += k ? k->addr + (uintptr_t)k->name : 0;
	}
	return (double)(now_ns() - t0) / KLOOKUPS;
}

/* KLOOKUPS addresses drawn from `distinct` random spots in kernel text. */
static void pick_addrs(uint64_t *addrs, const uint64_t *syms, size_t n, size_t distinct)
{
	uint64_t *pool = malloc(distinct * sizeof(*pool));

	for (size_t i = 0; pool && i < distinct; i++)
		pool[i] = syms[(size_t)rand() % n] + (uint64_t)(rand() % 256);
	for (size_t i = 0; pool && i < KLOOKUPS; i++)
		addrs[i] = pool[(size_t)rand() % distinct];
	free(pool);
}

static int bench_ksym_lookup(void)
{
	struct kallsyms *ks = kallsyms_load(KALLSYMS);
	uint64_t *syms = NULL, *addrs = malloc(KLOOKUPS * sizeof(*addrs)), sum = 0;
	size_t n = read_text_addrs(&syms);
	int err = -1;

	if (!ks || !addrs || !n || kallsyms_restricted(ks))
		goto cleanup;
	srand(1);
	/* Stacks revisit a few thousand distinct kernel frames... */
	pick_addrs(addrs, syms, n, KSTACK_FRAMES);
	printf("ksym_lookup_ns %.1f ns\n", time_ksym_lookups(ks, addrs, &sum));
	/* ...the worst case draws every lookup from the whole table. */
	pick_addrs(addrs, syms, n, KLOOKUPS);
	printf("ksym_lookup_cold_ns %.1f ns\n", time_ksym_lookups(ks, addrs, &sum));
	err = sum ? 0 : -1;
cleanup:
	kallsyms_free(ks);
	free(syms);
	free(addrs);
	return err;
}

__attribute__((noinline)) static int bench_target(int x)
{
	volatile int acc = x;

	for (int i = 0; i < 16; i++)
		acc = acc * 7 + i;
	return acc;
}

/* Addresses inside a few libc functions and this binary. */
static size_t warm_addrs(uint64_t *v)
{
	static const char *const names[] = { "write", "read", "malloc", "free", "memcpy",
					     "strlen", "qsort", "fopen", "getpid", "nanosleep" };
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	size_t n = 0;

	for (size_t i = 0; libc && n < UADDRS; i++) {
		void *fn = dlsym(libc, names[i % 10]);
		if (fn)
			v[n++] = (uint64_t)(uintptr_t)fn + (uint64_t)(i / 10) * 3;
		if (n < UADDRS && i % 2)
			v[n++] = (uint64_t)(uintptr_t)bench_target + (uint64_t)(i % 40);
	}
	if (libc)
		dlclose(libc);
	return n;
}

static int bench_usym_warm(void)
{
	struct usym *u = usym_new(4, 4);
	uint64_t addrs[UADDRS], t0, sum = 0;
	struct usym_frame f;
	size_t n = warm_addrs(addrs);
	uint32_t pid = (uint32_t)getpid();
	int err = -1;

	if (!u || n < UADDRS || usym_snapshot(u, pid, "/proc") <= 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) /* warm: tables and file:line */
		usym_resolve(u, pid, addrs[i], &f);
	t0 = now_ns();
	for (size_t i = 0; i < ULOOKUPS; i++) {
		usym_resolve(u, pid, addrs[i % UADDRS], &f);
		sum += f.offset + (f.func != NULL);
	}
	printf("usym_lookup_warm_ns %.1f ns\n", (double)(now_ns() - t0) / ULOOKUPS);
	err = sum ? 0 : -1;
cleanup:
	usym_free(u);
	return err;
}

/* The libc file this process maps (where write() lives). */
static int libc_path(char *out, size_t outsz)
{
	void *w = dlsym(RTLD_DEFAULT, "getpid");
	Dl_info info;

	if (!w || !dladdr(w, &info) || !info.dli_fname)
		return -ENOENT;
	snprintf(out, outsz, "%s", info.dli_fname);
	return 0;
}

static int bench_module_cold(void)
{
	double ms[COLD_RUNS];
	char path[4096];
	size_t nsyms = 0;

	if (libc_path(path, sizeof(path)) != 0)
		return -1;
	for (int i = 0; i < COLD_RUNS; i++) {
		uint64_t t0 = now_ns();
		struct elfsyms *m = elfsyms_open(path);
		ms[i] = (double)(now_ns() - t0) / 1e6;
		if (!m)
			return -1;
		nsyms = elfsyms_count(m);
		elfsyms_free(m);
	}
	printf("usym_module_cold_ms %.2f ms\n", median(ms, COLD_RUNS));
	printf("usym_module_symbols %zu count\n", nsyms);
	return 0;
}

int main(void)
{
	int failed = 0;

	if (bench_kallsyms_load() != 0) {
		fprintf(stderr, "bench_sym: cannot load %s\n", KALLSYMS);
		failed = 1;
	}
	if (bench_ksym_lookup() != 0) {
		fprintf(stderr, "bench_sym: kernel symbols unavailable (restricted?)\n");
		failed = 1;
	}
	if (bench_usym_warm() != 0) {
		fprintf(stderr, "bench_sym: cannot resolve this process\n");
		failed = 1;
	}
	if (bench_module_cold() != 0) {
		fprintf(stderr, "bench_sym: cannot build libc's table\n");
		failed = 1;
	}
	return failed;
}
