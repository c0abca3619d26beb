#include "usym.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "elfsyms.h"
#include "vdso.h"
#include "../util/monotime.h"

#define DELETED_SUFFIX " (deleted)"

struct usym_map {
	uint64_t start, end;  /* [start, end) */
	uint64_t pgoff;       /* file offset of start */
	uint64_t ino;
	struct elfsyms *mod;  /* NULL: no table (special, anonymous, unreadable) */
	char *name;           /* module basename, "[vdso]", "[anon]" */
	bool file_backed;
};

struct usym_proc {
	uint32_t pid;
	struct usym_map *maps; /* sorted by start, non-overlapping */
	size_t n;
	uint64_t snap_ns;         /* last maps read (or failed re-read) */
	uint64_t refresh_gap_ns;
	struct usym_proc *hnext;
	struct usym_proc *lru_prev, *lru_next;
};

struct usym {
	struct elfsyms_cache *cache;
	struct usym_proc **buckets;
	size_t mask;
	struct usym_proc lru;  /* sentinel: lru.lru_next is the most recent */
	size_t nprocs, max_procs;
	struct usym_stats st;
};

/* One parsed line of a maps file. */
struct maps_line {
	uint64_t start, end, pgoff, ino;
	bool exec;
	char *path;  /* "" for anonymous memory */
};

/* A snapshot being built. */
struct map_list {
	struct usym_map *v;
	size_t n, cap;
};

/* ---- process table: hash by pid + LRU list ---- */

static struct usym_proc **proc_slot(struct usym *u, uint32_t pid)
{
	struct usym_proc **pp = &u->buckets[(pid * 0x9e3779b1u) & u->mask];

	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->hnext;
	return pp;
}

static struct usym_proc *proc_find(struct usym *u, uint32_t pid)
{
	return *proc_slot(u, pid);
}

static void lru_unlink(struct usym_proc *p)
{
	p->lru_prev->lru_next = p->lru_next;
	p->lru_next->lru_prev = p->lru_prev;
}

static void lru_push_front(struct usym *u, struct usym_proc *p)
{
	p->lru_next = u->lru.lru_next;
	p->lru_prev = &u->lru;
	u->lru.lru_next->lru_prev = p;
	u->lru.lru_next = p;
}

static void maps_release(struct usym *u, struct usym_map *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		elfsyms_cache_put(u->cache, v[i].mod);
		free(v[i].name);
	}
	free(v);
}

static void proc_remove(struct usym *u, struct usym_proc *p)
{
	struct usym_proc **pp = proc_slot(u, p->pid);

	*pp = p->hnext;
	lru_unlink(p);
	maps_release(u, p->maps, p->n);
	free(p);
	u->nprocs--;
}

/* A new, empty entry for pid, making room by evicting the least recently
 * used snapshot when at the cap. */
static struct usym_proc *proc_add(struct usym *u, uint32_t pid)
{
	struct usym_proc *p;

	if (u->nprocs >= u->max_procs) {
		proc_remove(u, u->lru.lru_prev);
		u->st.evictions++;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->refresh_gap_ns = USYM_REFRESH_MIN_NS;
	*proc_slot(u, pid) = p;
	lru_push_front(u, p);
	u->nprocs++;
	return p;
}

struct usym *usym_new(size_t max_procs, size_t max_idle_modules)
{
	struct usym *u = NULL;
	size_t nb = 16;

	if (max_procs == 0) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max_procs * 2)
		nb *= 2;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->lru.lru_next = u->lru.lru_prev = &u->lru;
	u->buckets = calloc(nb, sizeof(*u->buckets));
	u->cache = elfsyms_cache_new(max_idle_modules);
	if (!u->buckets || !u->cache) {
		usym_free(u);
		errno = ENOMEM;
		return NULL;
	}
	u->mask = nb - 1;
	u->max_procs = max_procs;
	return u;
}

void usym_free(struct usym *u)
{
	if (!u)
		return;
	while (u->lru.lru_next != &u->lru)
		proc_remove(u, u->lru.lru_next);
	elfsyms_cache_free(u->cache);
	free(u->buckets);
	free(u);
}

/* ---- reading a maps file ---- */

/* "start-end perms offset major:minor inode   path" */
static bool maps_parse_line(char *line, struct maps_line *ml)
{
	char *p = line, *e;
	size_t len;

	ml->start = strtoull(p, &e, 16);
	if (*e != '-')
		return false;
	ml->end = strtoull(e + 1, &e, 16);
	if (*e != ' ' || strlen(e) < 6 || ml->end <= ml->start)
		return false;
	ml->exec = e[3] == 'x';
	ml->pgoff = strtoull(e + 6, &e, 16);
	(void)strtoul(e, &e, 16); /* device major */
	if (*e != ':')
		return false;
	(void)strtoul(e + 1, &e, 16);
	ml->ino = strtoull(e, &e, 10);
	e += strspn(e, " ");
	len = strcspn(e, "\n");
	e[len] = '\0';
	ml->path = e;
	return true;
}

/* The mapped file, opened as exactly as the process's view allows. */
static int maps_open_file(const char *root, uint32_t pid, const struct maps_line *ml)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%u/map_files/%llx-%llx", root, pid,
		 (unsigned long long)ml->start, (unsigned long long)ml->end);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if ((size_t)snprintf(path, sizeof(path), "%s/%u/root%s", root, pid, ml->path) < sizeof(path)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return open(ml->path, O_RDONLY | O_CLOEXEC);
}

/* "/usr/lib/libc.so.6 (deleted)" -> "libc.so.6"; specials as they are. */
static char *maps_module_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len, slen = strlen(DELETED_SUFFIX);

	if (!*path)
		return strdup("[anon]");
	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > slen && strcmp(base + len - slen, DELETED_SUFFIX) == 0)
		len -= slen;
	return strndup(base, len);
}

/* The old snapshot's table for an unchanged mapping: no reopen needed. */
static struct elfsyms *maps_reuse(const struct usym_proc *old, const struct maps_line *ml)
{
	for (size_t i = 0; old && i < old->n; i++) {
		const struct usym_map *m = &old->maps[i];
		if (m->start == ml->start && m->end == ml->end && m->pgoff == ml->pgoff &&
		    m->ino == ml->ino)
			return m->mod;
	}
	return NULL;
}

static struct elfsyms *maps_module(struct usym *u, const struct usym_proc *old, const char *root,
				   uint32_t pid, const struct maps_line *ml)
{
	struct elfsyms *mod = maps_reuse(old, ml);
	int fd;

	if (mod) {
		elfsyms_cache_hold(u->cache, mod);
		return mod;
	}
	/* Every process of one ABI maps the same vdso: after the first, its
	 * copy is found in the cache by build-id and the memfd closed again. */
	fd = ml->path[0] == '/' ? maps_open_file(root, pid, ml)
				: vdso_image_fd(root, pid, ml->start, ml->end);
	if (fd < 0)
		return NULL;
	mod = elfsyms_cache_get(u->cache, fd, ml->path);
	close(fd);
	return mod;
}

static int list_push(struct map_list *l, const struct usym_map *m)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct usym_map *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *m;
	return 0;
}

static int list_add(struct usym *u, struct map_list *l, const struct usym_proc *old,
		    const char *root, uint32_t pid, const struct maps_line *ml)
{
	struct usym_map m = {
		.start = ml->start, .end = ml->end, .pgoff = ml->pgoff, .ino = ml->ino,
		.file_backed = ml->path[0] == '/',
	};
	int err = -ENOMEM;

	m.name = maps_module_name(ml->path);
	if (!m.name)
		goto cleanup;
	if (m.file_backed || strcmp(ml->path, "[vdso]") == 0)
		m.mod = maps_module(u, old, root, pid, ml);
	err = list_push(l, &m);
cleanup:
	if (err) {
		elfsyms_cache_put(u->cache, m.mod);
		free(m.name);
	}
	return err;
}

static int map_cmp(const void *pa, const void *pb)
{
	const struct usym_map *a = pa, *b = pb;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int maps_read(struct usym *u, FILE *f, const struct usym_proc *old, const char *root,
		     uint32_t pid, struct map_list *l)
{
	char *line = NULL;
	size_t cap = 0;
	struct maps_line ml;
	int err = 0;

	while (getline(&line, &cap, f) > 0) {
		if (!maps_parse_line(line, &ml) || !ml.exec)
			continue;
		err = list_add(u, l, old, root, pid, &ml);
		if (err)
			goto cleanup;
	}
	/* The kernel lists maps in order; a hand-written fixture may not. */
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), map_cmp);
cleanup:
	free(line);
	return err;
}

/* Install the fresh list as pid's snapshot, replacing any older one. */
static int proc_install(struct usym *u, uint32_t pid, struct map_list *l)
{
	struct usym_proc *p = proc_find(u, pid);

	if (p) {
		maps_release(u, p->maps, p->n);
		lru_unlink(p);
		lru_push_front(u, p);
	} else {
		p = proc_add(u, pid);
		if (!p)
			return -ENOMEM;
	}
	p->maps = l->v;
	p->n = l->n;
	p->snap_ns = monotime_ns();
	l->v = NULL;
	return 0;
}

int usym_snapshot(struct usym *u, uint32_t pid, const char *procfs_root)
{
	char path[PATH_MAX];
	struct map_list l = { 0 };
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/%u/maps", procfs_root, pid);
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		u->st.snapshot_fails++;
		return err;
	}
	err = maps_read(u, f, proc_find(u, pid), procfs_root, pid, &l);
	fclose(f);
	if (!err)
		err = proc_install(u, pid, &l);
	if (err) {
		maps_release(u, l.v, l.n);
		u->st.snapshot_fails++;
		return err;
	}
	u->st.snapshots++;
	return (int)l.n;
}

bool usym_known(struct usym *u, uint32_t pid)
{
	return proc_find(u, pid) != NULL;
}

int usym_refresh(struct usym *u, uint32_t pid, const char *procfs_root)
{
	struct usym_proc *p = proc_find(u, pid);
	uint64_t gap;
	int n;

	if (!p || monotime_ns() - p->snap_ns < p->refresh_gap_ns)
		return 0;
	gap = p->refresh_gap_ns * 2;
	n = usym_snapshot(u, pid, procfs_root);
	/* p survives: a known pid is replaced in place, never evicted. */
	p->refresh_gap_ns = gap < USYM_REFRESH_MAX_NS ? gap : USYM_REFRESH_MAX_NS;
	if (n < 0)
		p->snap_ns = monotime_ns(); /* gone or unreadable: back off all the same */
	return n < 0 ? n : 1;
}

void usym_forget(struct usym *u, uint32_t pid)
{
	struct usym_proc *p = proc_find(u, pid);

	if (p)
		proc_remove(u, p);
}

/* ---- resolving ---- */

static const struct usym_map *map_find(const struct usym_proc *p, uint64_t ip)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) { /* first map starting above ip */
		size_t mid = lo + (hi - lo) / 2;
		if (p->maps[mid].start <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || ip >= p->maps[lo - 1].end)
		return NULL;
	return &p->maps[lo - 1];
}

/* Symbol and file:line through the module's table. */
static void resolve_in_module(const struct usym_map *m, uint64_t ip, struct usym_frame *out)
{
	uint64_t file_off = ip - m->start + m->pgoff, vaddr;
	const struct elfsym *sym;

	out->module_off = file_off;
	if (!m->mod || !elfsyms_file_to_vaddr(m->mod, file_off, &vaddr))
		return;
	out->module_off = vaddr;
	sym = elfsyms_find(m->mod, vaddr);
	if (sym) {
		out->status = USYM_OK;
		out->func = sym->name;
		out->offset = vaddr - sym->start;
	}
	if (elfsyms_lineinfo(m->mod, vaddr, &out->file, &out->line))
		return;
	out->file = NULL;
	out->line = 0;
}

int usym_resolve(struct usym *u, uint32_t pid, uint64_t ip, struct usym_frame *out)
{
	struct usym_proc *p = proc_find(u, pid);
	const struct usym_map *m;

	if (!p)
		return -ENOENT;
	lru_unlink(p);
	lru_push_front(u, p);
	memset(out, 0, sizeof(*out));
	u->st.lookups++;
	m = map_find(p, ip);
	out->status = m ? USYM_NO_SYMBOL : USYM_NOT_MAPPED;
	if (m) {
		out->module = m->name;
		if (m->file_backed || m->mod) /* a file, or the vdso's copy */
			resolve_in_module(m, ip, out);
		else
			out->module_off = ip - m->start;
	}
	u->st.unresolved += out->status != USYM_OK;
	return 0;
}

void usym_stats(const struct usym *u, struct usym_stats *out)
{
	struct elfsyms_cache_stats cs;

	elfsyms_cache_stats(u->cache, &cs);
	*out = u->st;
	out->held = u->nprocs;
	out->module_hits = cs.hits;
	out->module_loads = cs.loads;
	out->module_fails = cs.failures;
	out->line_hits = cs.line_hits;
}
