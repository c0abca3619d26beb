/*
 * The vdso has no file on disk: the kernel maps an ELF image into every
 * process.  Copied out of the process's memory into a memfd, it reads like
 * any other module, so frames in it get function names (clock_gettime)
 * instead of "[vdso]+0xOFF".
 */
#ifndef PERFLENS_SYM_VDSO_H
#define PERFLENS_SYM_VDSO_H

#include <stdint.h>

/* A memfd holding the [start, end) vdso mapping of pid, read through
 * root/PID/mem (needs the ptrace read access root has).  -errno on failure. */
int vdso_image_fd(const char *root, uint32_t pid, uint64_t start, uint64_t end);

#endif
