#include "procfaults.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "procstat.h"
#include "readfile.h"

int procfaults_parse(const char *stat, const char *status, struct procfaults *out)
{
	unsigned long long v;
	struct procstat st;
	const char *line;

	memset(out, 0, sizeof(*out));
	if (procstat_parse(stat, &st))
		return -EINVAL;
	out->minflt = st.minflt;
	out->majflt = st.majflt;
	for (line = status; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
			out->ctx_switches += v;
	return 0;
}

int procfaults_read(const char *proc_root, uint32_t pid, struct procfaults *out)
{
	char path[96], stat[1024], status[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/stat", proc_root, pid);
	n = readfile_once_at(AT_FDCWD, path, stat, sizeof(stat));
	if (n < 0)
		return (int)n;
	snprintf(path, sizeof(path), "%s/%u/status", proc_root, pid);
	n = readfile(path, status, sizeof(status));
	if (n < 0 && n != -EFBIG)
		return (int)n;
	return procfaults_parse(stat, status, out);
}
