#include "vdso.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Two to four pages in practice; anything far larger is not a vdso. */
#define VDSO_MAX (1u << 20)

int vdso_image_fd(const char *root, uint32_t pid, uint64_t start, uint64_t end)
{
	char path[PATH_MAX];
	size_t len = end - start;
	char *buf = NULL;
	int mem = -1, fd = -1, err = -EIO;

	if (end <= start || len > VDSO_MAX)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%u/mem", root, pid);
	buf = malloc(len);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (!buf || mem < 0) {
		err = buf ? -errno : -ENOMEM;
		goto out;
	}
	if (pread(mem, buf, len, (off_t)start) != (ssize_t)len)
		goto out;
	fd = memfd_create("vdso", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, buf, len) == (ssize_t)len)
		err = 0;
out:
	if (mem >= 0)
		close(mem);
	if (err && fd >= 0)
		close(fd);
	free(buf);
	return err ? err : fd;
}
