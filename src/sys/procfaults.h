/*
 * What a machine without a hardware PMU can still say about how a process
 * used the CPU: its page faults (/proc/PID/stat) and context switches
 * (/proc/PID/status).  Read while the process lives.
 */
#ifndef PERFLENS_PROCFAULTS_H
#define PERFLENS_PROCFAULTS_H

#include <stdint.h>

struct procfaults {
	uint64_t minflt, majflt;
	uint64_t ctx_switches; /* voluntary + involuntary */
};

/* Parse the text of /proc/PID/stat and /proc/PID/status.  0, or -EINVAL
 * when the stat line is malformed (status may lack the lines: then 0). */
int procfaults_parse(const char *stat, const char *status, struct procfaults *out);
/* Read them under proc_root ("/proc").  0, or -errno (the process is gone). */
int procfaults_read(const char *proc_root, uint32_t pid, struct procfaults *out);

#endif
