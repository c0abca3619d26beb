/* Block device numbers -> names ("vda", "nvme0n1p2"), from /proc/partitions. */
#ifndef PERFLENS_DEVNAME_H
#define PERFLENS_DEVNAME_H

#include <stddef.h>
#include <stdint.h>

/* (Re)read the table from a partitions file ("/proc/partitions").  Call from
 * the main thread at start and once a second; lookups never touch files. */
int devname_refresh(const char *partitions_path);
/* Name for a kernel-encoded dev_t (major << 20 | minor); "MAJ:MIN" when unknown. */
void devname_lookup(uint32_t kdev, char *dst, size_t dstsz);

#endif
