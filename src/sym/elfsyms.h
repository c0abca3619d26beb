/*
 * User-space symbol tables, one per ELF file (executable or library).
 *
 * libdwfl's own address lookup (dwfl_module_addrname/addrsym) scans the
 * whole symbol table: ~85 us per address on libc.  So each module's
 * function symbols are read ONCE through libdwfl (.symtab when the file or
 * its debuginfo has one, else .dynsym) into a sorted, non-overlapping
 * (start, size, name) array that a binary search answers in ~12 ns.
 * libdw is used again only for file:line, on demand, with a small cache.
 *
 * Addresses here are ELF virtual addresses as written in the file (what
 * `eu-addr2line -e FILE 0xADDR` takes), not run-time addresses; usym.c
 * converts a process's instruction pointer with elfsyms_file_to_vaddr().
 *
 * Tables live in a cache keyed by GNU build-id (else by device, inode and
 * mtime), so every process mapping the same libc shares one table.
 *
 * Separate debuginfo is found by libdw's standard search (build-id and
 * .gnu_debuglink under /usr/lib/debug).  When DEBUGINFOD_URLS is set, that
 * search ends with a debuginfod download, which can take seconds: whether
 * to allow it is the program's decision, made before threads start.
 *
 * Nothing here is thread-safe (libdwfl is not either): the symbolizer
 * facade serialises callers.  Everything does file I/O: never call it from
 * the consumer or UI thread.
 */
#ifndef PERFLENS_SYM_ELFSYMS_H
#define PERFLENS_SYM_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the search core: plain arrays, testable without any ELF file ---- */

struct elfsym {
	uint64_t start;    /* ELF virtual address */
	uint64_t size;     /* bytes covered; 0 = only its own address */
	const char *name;
};

/* A symbol as read from the file, before elfsym_table_build(). */
struct elfsym_raw {
	uint64_t start;
	uint64_t size;
	uint64_t limit;    /* end of its section (0 = unknown): a zero-size symbol grows at most to here */
	const char *name;
	unsigned pref;     /* lower wins among symbols at one address (see elfsym_pref) */
};

/* The symbol of v[0..n) covering addr, or NULL.  v must be sorted by start
 * and non-overlapping, as elfsym_table_build() leaves it. */
const struct elfsym *elfsym_table_find(const struct elfsym *v, size_t n, uint64_t addr);
/* Normalise raw[0..n) (reordered in place) into out (room for n): sorted by
 * start; one symbol per address (lowest pref, then name order); a zero-size
 * symbol inside a sized one dropped (a label in a function), otherwise
 * stretched to the next symbol or its section's end; a sized symbol that
 * overlaps the next one clipped at the next one's start.  Returns the count. */
size_t elfsym_table_build(struct elfsym_raw *raw, size_t n, struct elfsym *out);
/* Preference rank among aliases: sized before zero-size, functions before
 * untyped labels, global/weak before local, fewer leading underscores
 * ("write" over "__write" and "__libc_write"). */
unsigned elfsym_pref(bool sized, bool is_func, bool is_local, const char *name);

/* ---- one module ---- */

struct elfsyms;

/* Build the table of the ELF file at path, outside any cache.  NULL with
 * errno set (ENOENT, ENOEXEC for a non-ELF file, ENOMEM). */
struct elfsyms *elfsyms_open(const char *path);
/* Free a table from elfsyms_open().  Accepts NULL. */
void elfsyms_free(struct elfsyms *m);
/* The function covering the ELF virtual address vaddr, or NULL. */
const struct elfsym *elfsyms_find(const struct elfsyms *m, uint64_t vaddr);
/* Convert an offset in the file (ip - map start + map pgoff) to the ELF
 * virtual address, through the PT_LOAD segment holding it.  False when no
 * segment does. */
bool elfsyms_file_to_vaddr(const struct elfsyms *m, uint64_t file_off, uint64_t *vaddr);
/* file:line of vaddr from DWARF, when the file or its separate debuginfo
 * has it.  Strings stay valid while m lives.  Answers, found or not, are
 * cached; a module without DWARF is detected once. */
bool elfsyms_lineinfo(struct elfsyms *m, uint64_t vaddr, const char **file, int *line);
/* Symbols held. */
size_t elfsyms_count(const struct elfsyms *m);
/* The symbols, sorted (for tests and diagnostics). */
const struct elfsym *elfsyms_table(const struct elfsyms *m);

/* ---- the shared cache ---- */

struct elfsyms_cache;

struct elfsyms_cache_stats {
	uint64_t hits;       /* a mapping reused a table already built */
	uint64_t loads;      /* tables built */
	uint64_t failures;   /* files that gave no table (not ELF, unreadable) */
	uint64_t line_hits;  /* file:line answered from a module's cache */
	uint64_t evictions;  /* unused tables dropped to stay under the cap */
	uint64_t held;       /* tables in the cache now */
};

/* A cache holding at most cap tables that no process uses any more (tables
 * in use are never dropped).  NULL with errno set. */
struct elfsyms_cache *elfsyms_cache_new(size_t cap);
/* Frees every table; none may still be in use.  Accepts NULL. */
void elfsyms_cache_free(struct elfsyms_cache *c);
/* The table for the ELF file open at fd (the caller keeps fd; path names
 * it in messages).  Takes a reference: release with elfsyms_cache_put().
 * NULL with errno set when the file gives no table. */
struct elfsyms *elfsyms_cache_get(struct elfsyms_cache *c, int fd, const char *path);
/* Take one more reference on m (another mapping of the same table; counted
 * as a hit). */
void elfsyms_cache_hold(struct elfsyms_cache *c, struct elfsyms *m);
/* Drop a reference taken by elfsyms_cache_get() or _hold().  Accepts NULL m. */
void elfsyms_cache_put(struct elfsyms_cache *c, struct elfsyms *m);
/* Counters since elfsyms_cache_new(). */
void elfsyms_cache_stats(const struct elfsyms_cache *c, struct elfsyms_cache_stats *out);

#endif
