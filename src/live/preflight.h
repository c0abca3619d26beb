/* Start-up checks that turn a wall of libbpf text into one clear line. */
#ifndef PERFLENS_PREFLIGHT_H
#define PERFLENS_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

/* Root or CAP_SYS_ADMIN, or CAP_BPF+CAP_PERFMON.  0, or -EPERM with err. */
int preflight_privileges(char *err, size_t errsz);
/* Kernel BTF present.  0, or -ENOENT with err. */
int preflight_btf(char *err, size_t errsz);
/* tracefs mounted (mounting it at /sys/kernel/tracing when it is not). */
int preflight_tracefs(char *err, size_t errsz);
/* Does vmlinux BTF have a tp_btf tracepoint of this name, and how many
 * arguments does it take (excluding the context)?  -1 when absent. */
int preflight_tp_btf_args(const char *tp);

#endif
