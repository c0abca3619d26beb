#include "nspid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "readfile.h"

uint32_t nspid_parse(const char *status_text)
{
	uint64_t v, last = 0;
	const char *p = status_text;

	while (*p && strncmp(p, "NSpid:", 6))
		p = readfile_next_line(p);
	if (!*p)
		return 0;
	/* Outermost first: the host pid, then each nested namespace's. */
	for (p += 6; *(p = readfile_skip_blanks(p)) && *p != '\n';) {
		if (!readfile_u64(&p, &v) || v > UINT32_MAX)
			return 0;
		last = v;
	}
	return (uint32_t)last;
}

uint32_t nspid_read(const char *proc_root, uint32_t pid)
{
	char path[512], buf[4096];

	snprintf(path, sizeof(path), "%s/%u/status", proc_root, pid);
	ssize_t n = readfile(path, buf, sizeof(buf));
	if (n < 0 && n != -EFBIG) /* NSpid is in the first 1 KiB; a cut tail is fine */
		return 0;
	uint32_t ns = nspid_parse(buf);
	return ns ? ns : pid;
}
