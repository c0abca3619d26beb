/* The generated skeleton, with the ABI types it names, and quiet about
 * the const casts bpftool's generated code makes. */
#ifndef PERFLENS_SKEL_H
#define PERFLENS_SKEL_H

#include "../../bpf/events.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "perflens.skel.h"
#pragma GCC diagnostic pop

#endif
