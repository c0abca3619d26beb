/*
 * A process's pid as seen inside its innermost pid namespace (a container's
 * own pid), from the "NSpid:" line of PROC/PID/status (kernel >= 4.1).
 */
#ifndef PERFLENS_NSPID_H
#define PERFLENS_NSPID_H

#include <stdint.h>

/* Innermost namespace pid of pid under proc_root ("/proc"): pid itself when
 * not namespaced (or on kernels without NSpid), 0 when the process is gone. */
uint32_t nspid_read(const char *proc_root, uint32_t pid);
/* The last number of an NSpid line's value ("\t1234\t56\t1" -> 1); 0 if none. */
uint32_t nspid_parse(const char *status_text);

#endif
