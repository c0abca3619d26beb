/*
 * Kernel symbols from /proc/kallsyms: read once, searched many times.
 *
 * The file is read whole into one buffer, which then serves as the string
 * arena (names and module names are NUL-terminated in place).  The big
 * arrays live in huge-page-backed mappings: page faults, not parsing, are
 * what a naive loader pays most for in a VM.  Only text
 * symbols (t, T, w, W) are kept: stacks hold code addresses only, and
 * dropping data symbols keeps a code address from resolving to a data
 * label.  The table is sorted by address with one symbol per address:
 * among symbols at the same address, t/T beat w/W, then the one listed
 * first wins (so `__do_sys_gettid` names the address it shares with
 * `__ia32_sys_gettid` and `__x64_sys_gettid`).
 *
 * When every address reads as zero (kptr_restrict, or no CAP_SYSLOG) the
 * table is empty and kallsyms_restricted() says so, so the caller can tell
 * the user why kernel frames have no names.
 *
 * Not thread-safe for loading; lookups on a loaded table may run in
 * parallel.  Loading does file I/O (~40 ms for 5 MB here): never on the
 * consumer or UI thread.
 */
#ifndef PERFLENS_SYM_KALLSYMS_H
#define PERFLENS_SYM_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module; /* "ext4", "bpf"; NULL for the core kernel */
	char type;          /* 't', 'T', 'w' or 'W' */
};

struct kallsyms;

/* Read and index a kallsyms file ("/proc/kallsyms").  NULL with errno set
 * when it cannot be read (ENOMEM, or open/read errors). */
struct kallsyms *kallsyms_load(const char *path);
/* Index a kallsyms text already in memory (copied; need not end in NUL).
 * NULL with errno set on ENOMEM.  For tests and fuzzing. */
struct kallsyms *kallsyms_parse(const char *text, size_t len);
/* Accepts NULL. */
void kallsyms_free(struct kallsyms *ks);
/* The symbol at or below addr, or NULL when addr is below the first symbol,
 * the table is empty, or addr lies implausibly far past the last symbol of
 * its module (KALLSYMS_TAIL_MAX): kallsyms gives no sizes, and without the
 * cap a JIT or unlisted address would borrow a distant neighbour's name. */
const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr);
/* True when the file listed symbols but every address was zero. */
bool kallsyms_restricted(const struct kallsyms *ks);
/* Text symbols held. */
size_t kallsyms_count(const struct kallsyms *ks);

/* Largest offset past a module's (or the kernel's) last symbol that still
 * counts as inside it. */
#define KALLSYMS_TAIL_MAX 0x10000u

#endif
