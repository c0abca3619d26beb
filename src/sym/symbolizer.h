/*
 * The symbolizer: stack addresses -> printable frames, for the rest of the
 * engine.  One mutex makes every call thread-safe.
 *
 * Every call may do file I/O (/proc/kallsyms, /proc/PID/maps, ELF files,
 * DWARF) and can take milliseconds on a cold module: call it from the
 * background symbolizer thread and the JSON writer thread only, never from
 * the consumer (ring-buffer) thread or the UI thread.
 *
 * Frame strings, exactly:
 *   user, resolved     "func+0xoff (module)", plus " file:line" with debug info
 *   user, no symbol    "module+0xoff"  (0xoff for `eu-addr2line -e module`)
 *   user, unwind lost  "[truncated]"   once, replacing the first frame outside
 *                                      every executable mapping and all after it
 *   kernel, resolved   "func+0xoff", plus " [module]" for module symbols
 *   unknown            "0xADDR"        (kernel: no symbol or kallsyms restricted;
 *                                      user: the process's maps were never read)
 * func drops a symbol version ("__libc_start_main@@GLIBC_2.34" shows as
 * "__libc_start_main"); file is the path DWARF records (may be relative).
 * Names are raw bytes from ELF files and kallsyms: sanitize before display.
 *
 * User stacks come from frame-pointer unwinding.  Code built without frame
 * pointers (Debian's libc) hides its caller: main -> outer -> read_site ->
 * read() reads as `read (libc) <- outer <- main`.  That lost frame is a
 * known limit, not a symbolization error.
 *
 * Frames after the first are return addresses: they are looked up at
 * address - 1 (the call instruction) so a call ending a function still
 * names it; the offset printed is from the address itself.
 *
 * Kernel stacks from tp_btf programs begin with the BPF program and its
 * trampoline (bpf_prog_*, bpf_trace_run*, __bpf_trace*, bpf_trampoline_*):
 * those leading frames, and unnamed addresses before them, are dropped.
 */
#ifndef PERFLENS_SYM_SYMBOLIZER_H
#define PERFLENS_SYM_SYMBOLIZER_H

#include <stdbool.h>
#include <stdint.h>

#define SYM_FRAME_MAX 256 /* bytes per frame string, NUL included; longer names are cut */

/* Snapshots of process maps held at most (least recently used dropped). */
#define SYMBOLIZER_MAX_PROCS 1024
/* Symbol tables of files no held process maps that stay cached. */
#define SYMBOLIZER_MAX_IDLE_MODULES 128

struct symbolizer_stats {
	uint64_t lookups;        /* frames looked up, kernel and user */
	uint64_t cache_hits;     /* symbol tables shared or reused, and file:line cache answers */
	uint64_t maps_snapshots; /* /proc/PID/maps files read */
	uint64_t failures;       /* maps reads that failed, mapped files that gave no table */
	uint64_t unresolved;     /* frames printed without a function name */
	uint64_t module_loads;   /* ELF symbol tables built */
	uint64_t evictions;      /* maps snapshots dropped for the SYMBOLIZER_MAX_PROCS cap */
	uint64_t processes;      /* maps snapshots held now */
	uint64_t kernel_symbols; /* text symbols from kallsyms (0 when restricted or unread) */
};

struct symbolizer;

/* Reads kallsyms_path ("/proc/kallsyms"; NULL for no kernel symbols) now,
 * ~40 ms.  procfs_root is "/proc" (a fixture tree in tests).  A kallsyms
 * file that cannot be read only leaves kernel frames unnamed (counted in
 * failures).  NULL with errno set on ENOMEM. */
struct symbolizer *symbolizer_new(const char *procfs_root, const char *kallsyms_path);
/* Accepts NULL. */
void symbolizer_free(struct symbolizer *s);
/* Snapshot pid's maps now if none is held (call while the process lives,
 * e.g. when its first event is seen, so its stacks resolve after it exits).
 * Cheap when pid is known.  0, or -errno when the maps cannot be read. */
int symbolizer_note_pid(struct symbolizer *s, uint32_t pid);
/* pid has a new image: it ran exec, or it is a fork child whose pid may
 * have belonged to an older process.  note_pid() would keep the old
 * snapshot (names from the wrong binary), so drop it and read the maps
 * again now.  0, or -errno when the maps cannot be read. */
int symbolizer_note_exec(struct symbolizer *s, uint32_t pid);
/* Drop pid's snapshot once its last stack has been formatted. */
void symbolizer_forget_pid(struct symbolizer *s, uint32_t pid);
/* Format the n addresses of one stack (innermost first) into frames, which
 * must have room for n strings.  *nout gets the number of frames written
 * (<= n: stripped BPF frames and truncation shorten it).  User stacks
 * (is_kernel false) use pid's snapshot, taken now if none is held.
 * Returns 0 (unnamed frames are not errors), -EINVAL on bad arguments. */
int symbolizer_format(struct symbolizer *s, uint32_t pid, bool is_kernel, const uint64_t *ips,
		      unsigned n, char frames[][SYM_FRAME_MAX], unsigned *nout);
/* True when kallsyms listed symbols but every address read as zero
 * (kernel.kptr_restrict, or no CAP_SYSLOG): say so to the user. */
bool symbolizer_kernel_restricted(struct symbolizer *s);
/* Counters since symbolizer_new(). */
void symbolizer_stats(struct symbolizer *s, struct symbolizer_stats *out);

#endif
