/*
 * The fields perflens needs from a /proc/PID/stat or /proc/PID/task/TID/stat
 * line: "pid (comm) state ppid ... utime stime ... num_threads ...".  comm may
 * hold spaces and ')' itself, so the fixed fields start after the LAST ')'.
 */
#ifndef PERFLENS_PROCSTAT_H
#define PERFLENS_PROCSTAT_H

#include <stdint.h>

/* comm is TASK_COMM_LEN (16) for most tasks, but workqueue workers show
 * "kworker/0:1-events" up to 64 bytes (kernel 5.x proc_task_name). */
#define PROCSTAT_COMM_MAX 64

struct procstat {
	uint64_t minflt;       /* field 10: minor page faults */
	uint64_t majflt;       /* field 12: major page faults (a disk read each) */
	uint64_t utime_ticks;  /* field 14, clock ticks */
	uint64_t stime_ticks;  /* field 15 */
	uint32_t num_threads;  /* field 20 */
	char state;            /* field 3: R, S, D, Z, T, t, X, I, ... */
	char comm[PROCSTAT_COMM_MAX + 1];
};

/* Parse a stat line.  0, or -EINVAL when it is malformed (fewer than 20
 * fields, no parentheses, a non-numeric field). */
int procstat_parse(const char *line, struct procstat *out);
/* Only the state character (cheaper: stops after field 3); 0 if malformed. */
char procstat_state(const char *line);

#endif
