#include "elfsyms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#define BUILD_ID_MAX 64
/* Direct-mapped: a busy stack's few hundred distinct frames fit, and a
 * collision only costs a libdw lookup (~0.2 us warm). */
#define LINE_SLOTS 512

struct load_seg {
	uint64_t offset;  /* p_offset */
	uint64_t vaddr;   /* p_vaddr */
	uint64_t filesz;  /* p_filesz */
	bool exec;        /* PF_X */
};

struct line_slot {
	uint64_t vaddr;
	const char *file; /* NULL: looked up, none */
	int line;
	bool used;
};

enum dwarf_state { DWARF_UNKNOWN, DWARF_YES, DWARF_NONE };

struct elfsyms {
	struct elfsym *syms;
	size_t n;
	struct load_seg *segs;
	size_t nsegs;
	uint64_t page;          /* mappings are aligned to it */
	Dwfl *dwfl;             /* kept: symbol names point into its ELF data */
	Dwfl_Module *mod;
	uint64_t bias;          /* libdwfl address - ELF vaddr */
	enum dwarf_state dwarf;
	struct line_slot *lines; /* allocated on the first line lookup */
	/* cache bookkeeping */
	struct elfsyms_cache *cache;
	struct elfsyms *next;
	unsigned refs;
	uint64_t last_use;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	unsigned char build_id[BUILD_ID_MAX];
	size_t build_id_len;
};

struct elfsyms_cache {
	struct elfsyms *head;
	size_t cap;
	uint64_t tick;
	struct elfsyms_cache_stats st;
};

/* ---- the search core ---- */

const struct elfsym *elfsym_table_find(const struct elfsym *v, size_t n, uint64_t addr)
{
	const struct elfsym *s = v;
	size_t len = n;

	if (n == 0 || v[0].start > addr)
		return NULL;
	/* Branch-free halving to the last start <= addr (cmov, no mispredicts). */
	while (len > 1) {
		size_t half = len / 2;
		s = s[half].start <= addr ? s + half : s;
		len -= half;
	}
	return (addr - s->start < s->size || addr == s->start) ? s : NULL;
}

unsigned elfsym_pref(bool sized, bool is_func, bool is_local, const char *name)
{
	unsigned underscores = 0;

	while (name[underscores] == '_' && underscores < 15)
		underscores++;
	return (sized ? 0u : 64u) | (is_func ? 0u : 32u) | (is_local ? 16u : 0u) | underscores;
}

static int raw_cmp(const void *pa, const void *pb)
{
	const struct elfsym_raw *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Room a zero-size symbol gets: up to the next symbol, within its section. */
static uint64_t zero_size_extent(const struct elfsym_raw *r, const struct elfsym_raw *next)
{
	uint64_t end = next ? next->start : r->limit;

	if (r->limit > r->start && r->limit < end)
		end = r->limit;
	return end > r->start ? end - r->start : 0;
}

size_t elfsym_table_build(struct elfsym_raw *raw, size_t n, struct elfsym *out)
{
	size_t o = 0, i = 0;

	qsort(raw, n, sizeof(*raw), raw_cmp);
	while (i < n) {
		const struct elfsym_raw *r = &raw[i], *next = NULL;
		size_t j = i + 1;

		while (j < n && raw[j].start == r->start)
			j++; /* aliases: raw[i] is the preferred one */
		next = j < n ? &raw[j] : NULL;
		i = j;
		struct elfsym *prev = o ? &out[o - 1] : NULL;
		bool inside_prev = prev && r->start - prev->start < prev->size;
		if (r->size == 0 && inside_prev)
			continue; /* a label inside a function: the function names it */
		if (inside_prev)
			prev->size = r->start - prev->start; /* nested: inner wins from here */
		out[o].start = r->start;
		out[o].name = r->name;
		out[o].size = r->size ? r->size : zero_size_extent(r, next);
		o++;
	}
	return o;
}

/* ---- building one module ---- */

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static int read_segments(struct elfsyms *m, Elf *elf)
{
	size_t phnum;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &phnum) != 0)
		return -ENOEXEC;
	m->page = (uint64_t)sysconf(_SC_PAGESIZE);
	m->segs = calloc(phnum ? phnum : 1, sizeof(*m->segs));
	if (!m->segs)
		return -ENOMEM;
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		m->segs[m->nsegs].offset = ph.p_offset;
		m->segs[m->nsegs].vaddr = ph.p_vaddr;
		m->segs[m->nsegs].filesz = ph.p_filesz;
		m->segs[m->nsegs].exec = ph.p_flags & PF_X;
		m->nsegs++;
	}
	return 0;
}

/* The section of a symbol, when it holds code: its end in ELF vaddr of the
 * main file.  False for data, undefined and non-allocated symbols. */
static bool code_section_end(Elf *elf, GElf_Word shndx, uint64_t to_main, uint64_t *end)
{
	Elf_Scn *scn = elf_getscn(elf, shndx);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
		return false;
	*end = sh.sh_addr + sh.sh_size + to_main;
	return true;
}

/* One symbol table entry as a raw candidate; false when it is no function. */
static bool read_symbol(struct elfsyms *m, int ndx, struct elfsym_raw *r)
{
	GElf_Sym sym;
	GElf_Addr addr;
	GElf_Word shndx;
	Elf *elf;
	Dwarf_Addr bias;
	const char *name = dwfl_module_getsym_info(m->mod, ndx, &sym, &addr, &shndx, &elf, &bias);
	int type;

	if (!name || !*name || name[0] == '$' || shndx == SHN_UNDEF || shndx == (GElf_Word)-1)
		return false; /* '$x'/'$d': ARM mapping symbols, not functions */
	type = GELF_ST_TYPE(sym.st_info);
	if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
		return false;
	if (!code_section_end(elf, shndx, bias - m->bias, &r->limit))
		return false;
	r->start = addr - m->bias;
	r->size = sym.st_size;
	r->name = name;
	r->pref = elfsym_pref(sym.st_size != 0, type != STT_NOTYPE,
			      GELF_ST_BIND(sym.st_info) == STB_LOCAL, name);
	return true;
}

static int read_symbols(struct elfsyms *m)
{
	int nsym = dwfl_module_getsymtab(m->mod);
	struct elfsym_raw *raw;
	size_t n = 0;

	if (nsym <= 0)
		return 0; /* no symbols at all (fully stripped): module+offset frames */
	raw = malloc((size_t)nsym * sizeof(*raw));
	m->syms = malloc((size_t)nsym * sizeof(*m->syms));
	if (!raw || !m->syms) {
		free(raw);
		return -ENOMEM;
	}
	for (int i = 1; i < nsym; i++) /* entry 0 is the null symbol */
		n += read_symbol(m, i, &raw[n]);
	m->n = elfsym_table_build(raw, n, m->syms);
	free(raw);
	return 0;
}

static const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Report the file at fd (dup'd: libdwfl consumes the copy) as the only
 * module of a fresh Dwfl, placed at its own link-time addresses. */
static int report_module(struct elfsyms *m, int fd, const char *path)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	Elf *elf;
	Dwarf_Addr bias;

	if (dfd < 0)
		return -errno;
	m->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!m->dwfl) {
		close(dfd);
		return -ENOMEM;
	}
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_elf(m->dwfl, path_basename(path), path, dfd, 0, false);
	if (!m->mod) {
		close(dfd); /* not consumed on failure */
		return -ENOEXEC;
	}
	dwfl_report_end(m->dwfl, NULL, NULL);
	elf = dwfl_module_getelf(m->mod, &bias);
	if (!elf)
		return -ENOEXEC;
	m->bias = bias;
	return read_segments(m, elf);
}

static struct elfsyms *module_build(int fd, const char *path)
{
	struct elfsyms *m = calloc(1, sizeof(*m));
	int err = -ENOMEM;

	if (!m)
		goto cleanup;
	err = report_module(m, fd, path);
	if (err)
		goto cleanup;
	err = read_symbols(m);
cleanup:
	if (err) {
		elfsyms_free(m);
		errno = -err;
		return NULL;
	}
	return m;
}

struct elfsyms *elfsyms_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct elfsyms *m;
	int saved;

	if (fd < 0)
		return NULL;
	m = module_build(fd, path);
	saved = errno;
	close(fd);
	errno = saved;
	return m;
}

void elfsyms_free(struct elfsyms *m)
{
	if (!m)
		return;
	if (m->dwfl)
		dwfl_end(m->dwfl);
	free(m->syms);
	free(m->segs);
	free(m->lines);
	free(m);
}

/* ---- queries ---- */

const struct elfsym *elfsyms_find(const struct elfsyms *m, uint64_t vaddr)
{
	return elfsym_table_find(m->syms, m->n, vaddr);
}

/*
 * How well a segment explains a file offset: 3 holds it and is executable
 * (we only map code), 2 holds it, 1 is in the page just before it (maps are
 * page-aligned and p_vaddr = p_offset modulo the page size, so the linear
 * formula still holds there), 0 unrelated.
 */
static int seg_score(const struct load_seg *s, uint64_t off, uint64_t page)
{
	if (off >= s->offset && off - s->offset < s->filesz)
		return s->exec ? 3 : 2;
	if (off < s->offset && s->offset - off < page)
		return 1;
	return 0;
}

bool elfsyms_file_to_vaddr(const struct elfsyms *m, uint64_t file_off, uint64_t *vaddr)
{
	const struct load_seg *best = NULL;
	int best_score = 0;

	for (size_t i = 0; i < m->nsegs; i++) {
		int score = seg_score(&m->segs[i], file_off, m->page);
		if (score > best_score) {
			best = &m->segs[i];
			best_score = score;
		}
	}
	if (!best)
		return false;
	*vaddr = best->vaddr + (file_off - best->offset); /* unsigned wrap is intended */
	return true;
}

static bool module_has_dwarf(struct elfsyms *m)
{
	Dwarf_Addr bias;

	if (m->dwarf == DWARF_UNKNOWN) {
		m->lines = calloc(LINE_SLOTS, sizeof(*m->lines));
		m->dwarf = m->lines && dwfl_module_getdwarf(m->mod, &bias) ? DWARF_YES : DWARF_NONE;
	}
	return m->dwarf == DWARF_YES;
}

static void line_lookup(struct elfsyms *m, uint64_t vaddr, struct line_slot *slot)
{
	Dwfl_Line *l = dwfl_module_getsrc(m->mod, vaddr + m->bias);
	int line = 0;
	const char *file = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;

	slot->vaddr = vaddr;
	slot->used = true;
	slot->file = line > 0 ? file : NULL;
	slot->line = line;
}

bool elfsyms_lineinfo(struct elfsyms *m, uint64_t vaddr, const char **file, int *line)
{
	struct line_slot *slot;

	if (!module_has_dwarf(m))
		return false;
	slot = &m->lines[(vaddr ^ (vaddr >> 9)) % LINE_SLOTS];
	if (slot->used && slot->vaddr == vaddr) {
		if (m->cache)
			m->cache->st.line_hits++;
	} else {
		line_lookup(m, vaddr, slot);
	}
	*file = slot->file;
	*line = slot->line;
	return slot->file != NULL;
}

size_t elfsyms_count(const struct elfsyms *m)
{
	return m->n;
}

const struct elfsym *elfsyms_table(const struct elfsyms *m)
{
	return m->syms;
}

/* ---- the cache ---- */

struct elfsyms_cache *elfsyms_cache_new(size_t cap)
{
	struct elfsyms_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cap = cap;
	elf_version(EV_CURRENT); /* before our own elf_begin() for build-ids */
	return c;
}

void elfsyms_cache_free(struct elfsyms_cache *c)
{
	if (!c)
		return;
	while (c->head) {
		struct elfsyms *m = c->head;
		c->head = m->next;
		elfsyms_free(m);
	}
	free(c);
}

/* The GNU build-id of the file at fd; 0 when it has none. */
static size_t read_build_id(int fd, unsigned char *out)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *id = NULL;
	ssize_t len = elf ? dwelf_elf_gnu_build_id(elf, &id) : -1;

	if (len > 0 && len <= BUILD_ID_MAX)
		memcpy(out, id, (size_t)len);
	else
		len = 0;
	if (elf)
		elf_end(elf);
	return (size_t)len;
}

static bool same_file(const struct elfsyms *m, const struct stat *st)
{
	return m->dev == st->st_dev && m->ino == st->st_ino &&
	       m->mtime.tv_sec == st->st_mtim.tv_sec && m->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* A cached table for this file: the same inode unchanged, or (for copies,
 * containers, reinstalls of the same build) the same build-id. */
static struct elfsyms *cache_find(struct elfsyms_cache *c, int fd, const struct stat *st,
				  unsigned char *id, size_t *id_len)
{
	struct elfsyms *m;

	for (m = c->head; m; m = m->next)
		if (same_file(m, st))
			return m;
	*id_len = read_build_id(fd, id);
	for (m = c->head; m && *id_len; m = m->next)
		if (m->build_id_len == *id_len && memcmp(m->build_id, id, *id_len) == 0)
			return m;
	return NULL;
}

/* Drop the least recently used unreferenced tables beyond the cap. */
static void cache_trim(struct elfsyms_cache *c)
{
	for (;;) {
		struct elfsyms **pp, **victim = NULL;
		size_t idle = 0;

		for (pp = &c->head; *pp; pp = &(*pp)->next) {
			if ((*pp)->refs)
				continue;
			idle++;
			if (!victim || (*pp)->last_use < (*victim)->last_use)
				victim = pp;
		}
		if (idle <= c->cap || !victim)
			return;
		struct elfsyms *m = *victim;
		*victim = m->next;
		elfsyms_free(m);
		c->st.held--;
		c->st.evictions++;
	}
}

static struct elfsyms *cache_insert(struct elfsyms_cache *c, int fd, const char *path,
				    const struct stat *st, const unsigned char *id, size_t id_len)
{
	struct elfsyms *m = module_build(fd, path);

	if (!m) {
		c->st.failures++;
		return NULL;
	}
	m->cache = c;
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->mtime = st->st_mtim;
	memcpy(m->build_id, id, id_len);
	m->build_id_len = id_len;
	m->next = c->head;
	c->head = m;
	c->st.loads++;
	c->st.held++;
	return m;
}

static void take_ref(struct elfsyms_cache *c, struct elfsyms *m)
{
	m->refs++;
	m->last_use = ++c->tick;
}

void elfsyms_cache_hold(struct elfsyms_cache *c, struct elfsyms *m)
{
	take_ref(c, m);
	c->st.hits++;
}

struct elfsyms *elfsyms_cache_get(struct elfsyms_cache *c, int fd, const char *path)
{
	unsigned char id[BUILD_ID_MAX];
	size_t id_len = 0;
	struct stat st;
	struct elfsyms *m;

	if (fstat(fd, &st) != 0)
		return NULL;
	m = cache_find(c, fd, &st, id, &id_len);
	if (m)
		c->st.hits++;
	else
		m = cache_insert(c, fd, path, &st, id, id_len);
	if (m)
		take_ref(c, m);
	return m;
}

void elfsyms_cache_put(struct elfsyms_cache *c, struct elfsyms *m)
{
	if (!m)
		return;
	if (m->refs)
		m->refs--;
	m->last_use = ++c->tick;
	if (!m->refs)
		cache_trim(c);
}

void elfsyms_cache_stats(const struct elfsyms_cache *c, struct elfsyms_cache_stats *out)
{
	*out = c->st;
}
