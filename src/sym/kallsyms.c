#include "kallsyms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * /proc/kallsyms has no size: the kernel generates it as it is read, which
 * dominates the load time (~25 ms for 5 MB here).  It is read with large
 * requests into a buffer sized for a typical kernel, which then becomes
 * the string arena.
 */
#define READ_INITIAL (8u << 20)
#define READ_MIN_ROOM (1u << 20)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/*
 * Page faults are what a naive loader spends most on here (a VM): touching
 * 8 MiB page by page costs 25 ms, as much as reading the file.  The big
 * arrays therefore live in "bulk" memory: anonymous mappings aligned to
 * 2 MiB and advised as huge pages (0.7 ms for the same 8 MiB), populated
 * in one call where THP is off (7 ms).  Both advices are best effort.
 */
#define BULK_ALIGN (2u << 20)

struct bulk {
	char *p;
	size_t len;  /* bytes in use; the mapping is bulk_round(len) */
};

struct kallsyms {
	struct bulk arena;   /* the file text; names point into it */
	struct bulk table;   /* struct ksym[n], sorted by addr, one per addr */
	struct bulk index;   /* uint64_t[n]: the addresses again, 8 bytes a probe */
	size_t n;
	bool restricted;
};

static size_t bulk_round(size_t len)
{
	return (len + BULK_ALIGN - 1) & ~(size_t)(BULK_ALIGN - 1);
}

static void bulk_advise(char *p, size_t len)
{
	(void)madvise(p, bulk_round(len), MADV_HUGEPAGE);
	(void)madvise(p, len & ~(size_t)(sysconf(_SC_PAGESIZE) - 1), MADV_POPULATE_WRITE);
}

static int bulk_alloc(struct bulk *b, size_t len)
{
	size_t size = bulk_round(len ? len : 1);
	char *map = mmap(NULL, size + BULK_ALIGN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (map == MAP_FAILED)
		return -ENOMEM;
	/* Keep the 2 MiB-aligned middle so huge pages can back all of it. */
	p = (char *)(((uintptr_t)map + BULK_ALIGN - 1) & ~(uintptr_t)(BULK_ALIGN - 1));
	if (p > map)
		munmap(map, (size_t)(p - map));
	if (map + BULK_ALIGN > p)
		munmap(p + size, (size_t)(map + BULK_ALIGN - p));
	b->p = p;
	b->len = len;
	bulk_advise(p, len);
	return 0;
}

/* Grow or shrink; contents are kept, the address may change. */
static int bulk_resize(struct bulk *b, size_t len)
{
	size_t old = bulk_round(b->len ? b->len : 1), size = bulk_round(len ? len : 1);
	char *p = b->p;

	if (size != old) {
		p = mremap(b->p, old, size, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			return -ENOMEM;
	}
	if (len > b->len)
		bulk_advise(p, len); /* cheap over pages already in */
	b->p = p;
	b->len = len;
	return 0;
}

static void bulk_free(struct bulk *b)
{
	if (b->p)
		munmap(b->p, bulk_round(b->len ? b->len : 1));
	b->p = NULL;
}

/* The whole file into arena (NUL-terminated); *lenp its length. */
static int read_fd_all(int fd, struct bulk *arena, size_t *lenp)
{
	size_t len = 0;
	int err = bulk_alloc(arena, READ_INITIAL);

	while (!err) {
		if (arena->len - len < READ_MIN_ROOM) {
			err = bulk_resize(arena, arena->len * 2);
			continue;
		}
		ssize_t r = read(fd, arena->p + len, arena->len - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : 0;
			break;
		}
		len += (size_t)r;
	}
	if (!err)
		err = bulk_resize(arena, len + 1); /* give back the unused tail */
	if (err)
		return err;
	arena->p[len] = '\0';
	*lenp = len;
	return 0;
}

static inline bool is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

/* Lower wins among symbols sharing an address. */
static inline int type_rank(char t)
{
	return (t == 't' || t == 'T') ? 0 : 1;
}

struct scan_state {
	struct bulk mem;           /* struct ksym[cap] */
	size_t n, cap;
	size_t lines;              /* well-formed lines, any type */
	bool any_nonzero;
	const char *last_module;   /* modules are listed contiguously: share one pointer */
};

static struct ksym *scan_syms(const struct scan_state *st)
{
	return (struct ksym *)(void *)st->mem.p;
}

static int scan_push(struct scan_state *st, const struct ksym *k)
{
	if (st->n == st->cap) {
		int err = bulk_resize(&st->mem, st->cap * 2 * sizeof(struct ksym));
		if (err)
			return err;
		st->cap *= 2;
	}
	scan_syms(st)[st->n++] = *k;
	return 0;
}

/* "[ext4]" right after the name's tab: NUL-terminate it in place. */
static const char *scan_module(struct scan_state *st, char *p, char *eol)
{
	char *close;

	if (p >= eol || *p != '[')
		return NULL;
	close = memchr(p + 1, ']', (size_t)(eol - p - 1));
	if (!close)
		return NULL;
	*close = '\0';
	if (st->last_module && strcmp(st->last_module, p + 1) == 0)
		return st->last_module;
	st->last_module = p + 1;
	return p + 1;
}

/*
 * The address: hex digits up to the first space.  Branch-free per digit
 * (this loop is most of the parse time); *ok is cleared by a non-hex byte.
 */
static char *scan_hex(char *p, const char *eol, uint64_t *addr, bool *ok)
{
	uint64_t v = 0;
	bool good = true;

	for (; p < eol && *p != ' '; p++) {
		unsigned c = (unsigned char)*p;
		good &= (c - '0' < 10u) | ((c | 0x20) - 'a' < 6u);
		/* '0'..'9' -> 0..9; 'a'..'f' and 'A'..'F' (bit 6 set) -> 10..15 */
		v = v << 4 | ((c & 0xf) + 9 * (c >> 6));
	}
	*addr = v;
	*ok = good;
	return p;
}

/*
 * One line, "ADDR TYPE NAME[\t[MODULE]]", in [p, eol); *eol is writable.
 * Returns 1 when it yielded a text symbol in *k, 0 otherwise.
 */
static int scan_line(struct scan_state *st, char *p, char *eol, struct ksym *k)
{
	char *start = p, *tab;
	uint64_t addr;
	bool ok;

	p = scan_hex(p, eol, &addr, &ok);
	if (!ok || p == start || eol - p < 4 || p[2] != ' ')
		return 0;
	st->lines++;
	st->any_nonzero |= addr != 0;
	if (!is_text_type(p[1]))
		return 0;
	k->addr = addr;
	k->type = p[1];
	k->name = p + 3;
	k->module = NULL;
	tab = memchr(p + 3, '\t', (size_t)(eol - p - 3));
	if (tab) {
		*tab = '\0';
		k->module = scan_module(st, tab + 1, eol);
	}
	*eol = '\0';
	return 1;
}

static int scan_buffer(struct scan_state *st, char *buf, size_t len)
{
	char *p = buf, *end = buf + len, *eol;
	struct ksym k;
	int err;

	/* Lines average ~45 bytes: size for that so growth is rare. */
	st->cap = len / 40 + 64;
	err = bulk_alloc(&st->mem, st->cap * sizeof(struct ksym));
	while (!err && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end; /* buf has room for the NUL at end */
		if (scan_line(st, p, eol, &k))
			err = scan_push(st, &k);
		p = eol + 1;
	}
	return err;
}

/*
 * Stable merge of the sorted halves a[0..h) and a[h..n).  The left prefix
 * already below a[h] stays in place, so merging a few module runs into the
 * sorted core touches little memory.
 */
static void merge_halves(struct ksym *a, struct ksym *tmp, size_t h, size_t n)
{
	size_t lo = 0, hi = h, m, k = 0, j = h, o;

	while (lo < hi) { /* first left element above a[h] */
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid].addr <= a[h].addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	o = lo;
	m = h - lo;
	memcpy(tmp, a + lo, m * sizeof(*a));
	while (k < m && j < n)
		a[o++] = a[j].addr < tmp[k].addr ? a[j++] : tmp[k++];
	while (k < m)
		a[o++] = tmp[k++];
}

/*
 * Stable merge sort that skips merges of halves already in order: the core
 * kernel is listed sorted and modules come in a few sorted runs, so this
 * is close to one linear pass in practice, where qsort costs ~6 ms.
 * Stability keeps "the first listed wins" for equal addresses.
 */
static void sort_stable(struct ksym *a, struct ksym *tmp, size_t n)
{
	size_t h = n / 2;

	if (n < 2)
		return;
	sort_stable(a, tmp, h);
	sort_stable(a + h, tmp, n - h);
	if (a[h - 1].addr > a[h].addr)
		merge_halves(a, tmp, h, n);
}

static int sort_syms(struct ksym *a, size_t n)
{
	size_t i;
	struct ksym *tmp;

	for (i = 1; i < n && a[i - 1].addr <= a[i].addr; i++)
		;
	if (i >= n)
		return 0;
	tmp = malloc((n / 2 + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	sort_stable(a, tmp, n);
	free(tmp);
	return 0;
}

/* Keep one symbol per address: the best type rank, then the first listed. */
static size_t dedup_syms(struct ksym *a, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (o && a[o - 1].addr == a[i].addr) {
			if (type_rank(a[i].type) < type_rank(a[o - 1].type))
				a[o - 1] = a[i];
			continue;
		}
		a[o++] = a[i];
	}
	return o;
}

/* Sorted, deduplicated, indexed: the table from the scanned symbols. */
static int table_finish(struct kallsyms *ks, struct scan_state *st)
{
	uint64_t *addrs;
	int err = sort_syms(scan_syms(st), st->n);

	if (err)
		return err;
	ks->n = dedup_syms(scan_syms(st), st->n);
	ks->table = st->mem;
	st->mem.p = NULL;
	err = bulk_resize(&ks->table, ks->n * sizeof(struct ksym)); /* drop the unused tail */
	if (!err)
		err = bulk_alloc(&ks->index, ks->n * sizeof(uint64_t));
	if (err)
		return err;
	addrs = (uint64_t *)(void *)ks->index.p;
	for (size_t i = 0; i < ks->n; i++)
		addrs[i] = ((const struct ksym *)(void *)ks->table.p)[i].addr;
	return 0;
}

/* Index the text in ks->arena (len bytes, NUL-terminated). */
static int kallsyms_build(struct kallsyms *ks, size_t len)
{
	struct scan_state st = { 0 };
	int err = scan_buffer(&st, ks->arena.p, len);

	if (err)
		goto cleanup;
	ks->restricted = st.lines > 0 && !st.any_nonzero;
	if (ks->restricted) {
		st.n = 0; /* all zero: no address can be resolved, no name is needed */
		bulk_free(&ks->arena);
	}
	err = table_finish(ks, &st);
cleanup:
	bulk_free(&st.mem);
	return err;
}

/* Frees ks and sets errno when err is set; ks otherwise. */
static struct kallsyms *kallsyms_result(struct kallsyms *ks, int err)
{
	if (!err)
		return ks;
	kallsyms_free(ks);
	errno = -err;
	return NULL;
}

struct kallsyms *kallsyms_parse(const char *text, size_t len)
{
	struct kallsyms *ks = calloc(1, sizeof(*ks));
	int err = -ENOMEM;

	if (!ks)
		goto cleanup;
	err = bulk_alloc(&ks->arena, len + 1);
	if (err)
		goto cleanup;
	memcpy(ks->arena.p, text, len);
	ks->arena.p[len] = '\0';
	err = kallsyms_build(ks, len);
cleanup:
	return kallsyms_result(ks, err);
}

struct kallsyms *kallsyms_load(const char *path)
{
	struct kallsyms *ks = NULL;
	size_t len = 0;
	int err, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	err = -ENOMEM;
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		goto cleanup;
	err = read_fd_all(fd, &ks->arena, &len);
	if (err)
		goto cleanup;
	err = kallsyms_build(ks, len);
cleanup:
	close(fd);
	return kallsyms_result(ks, err);
}

void kallsyms_free(struct kallsyms *ks)
{
	if (!ks)
		return;
	bulk_free(&ks->index);
	bulk_free(&ks->table);
	bulk_free(&ks->arena);
	free(ks);
}

static const struct ksym *table_at(const struct kallsyms *ks, size_t i)
{
	return &((const struct ksym *)(const void *)ks->table.p)[i];
}

static bool same_module(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* True when addr is far past syms[i] and syms[i] ends its module's run. */
static bool past_module_tail(const struct kallsyms *ks, size_t i, uint64_t addr)
{
	if (addr - table_at(ks, i)->addr <= KALLSYMS_TAIL_MAX)
		return false;
	return i + 1 == ks->n || !same_module(table_at(ks, i)->module, table_at(ks, i + 1)->module);
}

/*
 * Index of the last element <= x in the sorted a[0..n), or n when none.
 * Branch-free halving (the compiler emits cmov): a mispredicted branch per
 * probe made the plain binary search ~60 ns even on a hot cache, this one
 * ~30 ns on a cold one.
 */
static size_t last_at_or_below(const uint64_t *a, size_t n, uint64_t x)
{
	const uint64_t *base = a;
	size_t len = n;

	if (n == 0 || a[0] > x)
		return n;
	while (len > 1) {
		size_t half = len / 2;
		base = base[half] <= x ? base + half : base;
		len -= half;
	}
	return (size_t)(base - a);
}

const struct ksym *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr)
{
	size_t i = last_at_or_below((const uint64_t *)(const void *)ks->index.p, ks->n, addr);

	if (i == ks->n || past_module_tail(ks, i, addr))
		return NULL;
	return table_at(ks, i);
}

bool kallsyms_restricted(const struct kallsyms *ks)
{
	return ks->restricted;
}

size_t kallsyms_count(const struct kallsyms *ks)
{
	return ks->n;
}
