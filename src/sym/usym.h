/*
 * User-space addresses of processes -> function, module, file:line.
 *
 * A snapshot of /proc/PID/maps (its executable mappings) is taken while the
 * process lives and kept until usym_forget(), so the stacks of a process
 * that has exited since still resolve.  Each file-backed mapping holds a
 * reference on its module's symbol table (elfsyms.h), shared between
 * processes.  At most max_procs snapshots are held: taking one more drops
 * the least recently used (counted in `evictions`).
 *
 * The module file is opened through PROCFS/PID/map_files/ (the exact inode
 * mapped, even if deleted or in another mount namespace; needs
 * CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE), else PROCFS/PID/root/PATH, else
 * PATH.
 *
 * Libraries are mapped by the dynamic loader after exec, so a snapshot
 * taken at exec misses them: take it when the first stack of the process
 * needs it, and again (usym_snapshot() replaces) if an address turns out
 * unmapped while the process still runs.
 *
 * Not thread-safe; everything does file I/O.  The symbolizer facade
 * serialises callers off the consumer and UI threads.
 */
#ifndef PERFLENS_SYM_USYM_H
#define PERFLENS_SYM_USYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum usym_status {
	USYM_OK,          /* func is set */
	USYM_NO_SYMBOL,   /* in a mapping, but no symbol covers it: print module+module_off */
	USYM_NOT_MAPPED,  /* in no executable mapping: the unwinder went astray here */
};

struct usym_frame {
	enum usym_status status;
	const char *func;     /* raw bytes from the ELF file; NULL unless USYM_OK */
	uint64_t offset;      /* ip - function start */
	const char *module;   /* "libc.so.6", "[vdso]", "[anon]"; NULL when not mapped */
	uint64_t module_off;  /* for `eu-addr2line -e MODULE 0xOFF`: the ELF virtual
			       * address when the file's segments are known, else
			       * the offset into the mapping's file */
	const char *file;     /* source file, or NULL */
	int line;             /* 0 when file is NULL */
};

struct usym_stats {
	uint64_t snapshots;      /* maps files read */
	uint64_t snapshot_fails; /* maps files that could not be read */
	uint64_t evictions;      /* snapshots dropped for the max_procs cap */
	uint64_t lookups;        /* usym_resolve() calls on a known pid */
	uint64_t unresolved;     /* ... that gave no function name */
	uint64_t held;           /* snapshots held now */
	uint64_t module_hits;    /* mappings that reused a cached symbol table */
	uint64_t module_loads;   /* symbol tables built */
	uint64_t module_fails;   /* mapped files that gave no table */
	uint64_t line_hits;      /* file:line answers from the cache */
};

struct usym;

#define USYM_REFRESH_MIN_NS 10000000ull    /* 10 ms */
#define USYM_REFRESH_MAX_NS 8000000000ull  /* 8 s */

/* max_procs: snapshots held at most; max_idle_modules: symbol tables of
 * files no held process maps that stay cached.  NULL with errno set
 * (EINVAL for a zero max_procs, ENOMEM). */
struct usym *usym_new(size_t max_procs, size_t max_idle_modules);
/* Accepts NULL. */
void usym_free(struct usym *u);
/* (Re)read procfs_root/PID/maps.  On failure the previous snapshot, if
 * any, is kept (the process may have exited: its old maps still hold).
 * Returns the number of executable mappings, or -errno. */
int usym_snapshot(struct usym *u, uint32_t pid, const char *procfs_root);
/* Whether a snapshot of pid is held. */
bool usym_known(struct usym *u, uint32_t pid);
/* An address of pid turned out unmapped: re-read its maps (a library may
 * have been loaded since), unless the last read is more recent than pid's
 * back-off interval.  The interval starts at USYM_REFRESH_MIN_NS and
 * doubles with each call up to USYM_REFRESH_MAX_NS, so a process whose
 * stacks always end in garbage (frameless code) costs little.  Returns 1
 * when re-read, 0 when skipped or unknown pid, -errno when the read failed
 * (the old snapshot stays). */
int usym_refresh(struct usym *u, uint32_t pid, const char *procfs_root);
/* Drop pid's snapshot (the process is gone and its stacks are written). */
void usym_forget(struct usym *u, uint32_t pid);
/* Resolve ip in pid's snapshot into *out.  Strings stay valid until the
 * snapshot is replaced, forgotten or evicted.  -ENOENT when no snapshot of
 * pid is held, else 0. */
int usym_resolve(struct usym *u, uint32_t pid, uint64_t ip, struct usym_frame *out);
/* Counters since usym_new(). */
void usym_stats(const struct usym *u, struct usym_stats *out);

#endif
