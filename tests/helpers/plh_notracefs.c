/*
 * plh_notracefs: run a program in a private mount namespace where tracefs is
 * not mounted (at /sys/kernel/tracing nor /sys/kernel/debug/tracing), as on a
 * freshly booted machine.  The host's mounts are untouched.
 *
 *   plh_notracefs PROG [ARGS...]
 *
 * Execs PROG in place (same pid).  Silent on success; on failure one line on
 * stderr and exit 125.  Needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static const char *const where[] = { "/sys/kernel/debug/tracing", "/sys/kernel/tracing" };

/* Is tracefs mounted where libbpf and perflens look for it?  (Mounts
 * elsewhere, e.g. inside a chroot, do not matter.) */
static int tracefs_mounted(void)
{
	char line[1024], dev[256], dir[512], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %511s %63s", dev, dir, type) == 3 && !strcmp(type, "tracefs"))
			for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++)
				found |= !strcmp(dir, where[i]);
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: plh_notracefs PROG [ARGS...]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		fprintf(stderr, "plh_notracefs: private mount namespace: %s\n", strerror(errno));
		return 125;
	}
	for (int round = 0; round < 8 && tracefs_mounted() == 1; round++)
		for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++)
			umount2(where[i], MNT_DETACH);
	if (tracefs_mounted() != 0) {
		fprintf(stderr, "plh_notracefs: tracefs still mounted\n");
		return 125;
	}
	execv(argv[1], &argv[1]);
	fprintf(stderr, "plh_notracefs: %s: %s\n", argv[1], strerror(errno));
	return 125;
}
