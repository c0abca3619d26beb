#include "proctree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Storage: a fixed pool of cap entries (so proc_node pointers stay valid
 * until that node is evicted) threaded on three intrusive lists:
 *   - a hash chain by pid, holding every incarnation of that pid;
 *   - a hash chain by ppid, holding live children only, so an exit can
 *     reparent its children without scanning the table;
 *   - the exited list, sorted by exit time, oldest first (eviction order).
 * Free entries reuse the exited list's next link.
 */
#define NIL UINT32_MAX
#define PT_CAP_MAX (1u << 30)

enum { L_PID, L_KID, L_EX, L_N };

struct pt_link {
	uint32_t prev, next;
};

struct pt_entry {
	struct proc_node n; /* first: a proc_node pointer is an entry pointer */
	struct pt_link l[L_N];
	bool used;
	bool in_kids;
};

struct proctree {
	struct pt_entry *e;
	uint32_t cap;
	uint32_t count;
	uint32_t *pid_head; /* bucket -> first entry with that pid hash */
	uint32_t *kid_head; /* bucket -> first live entry with that ppid hash */
	unsigned shift;     /* 64 - log2(buckets) */
	uint32_t free_head;
	uint32_t ex_head, ex_tail;
	uint64_t keep_ns;
	uint64_t now_ns;    /* newest monotonic time seen: stamps exits we missed */
	uint64_t ns_per_tick;
	uint64_t refused;
	uint64_t evicted;
};

/* ---- lists ---- */

static uint32_t bucket_of(const struct proctree *pt, uint32_t pid)
{
	/* Fibonacci hashing spreads consecutive pids over the whole table. */
	return (uint32_t)(((uint64_t)pid * 0x9E3779B97F4A7C15ull) >> pt->shift);
}

static void list_push(struct proctree *pt, uint32_t *head, uint32_t i, int w)
{
	struct pt_link *l = &pt->e[i].l[w];

	l->prev = NIL;
	l->next = *head;
	if (*head != NIL)
		pt->e[*head].l[w].prev = i;
	*head = i;
}

static void list_unlink(struct proctree *pt, uint32_t *head, uint32_t *tail, uint32_t i, int w)
{
	struct pt_link *l = &pt->e[i].l[w];

	if (l->prev != NIL)
		pt->e[l->prev].l[w].next = l->next;
	else
		*head = l->next;
	if (l->next != NIL)
		pt->e[l->next].l[w].prev = l->prev;
	else if (tail)
		*tail = l->prev;
	l->prev = l->next = NIL;
}

static void exited_insert(struct proctree *pt, uint32_t i)
{
	uint64_t ts = pt->e[i].n.exit_ts_ns;
	uint32_t after = pt->ex_tail;

	/* Exits arrive nearly in order (per-CPU buffers interleave a little),
	 * so the walk back from the tail is short. */
	while (after != NIL && pt->e[after].n.exit_ts_ns > ts)
		after = pt->e[after].l[L_EX].prev;

	struct pt_link *l = &pt->e[i].l[L_EX];
	l->prev = after;
	l->next = after == NIL ? pt->ex_head : pt->e[after].l[L_EX].next;
	if (l->prev != NIL)
		pt->e[l->prev].l[L_EX].next = i;
	else
		pt->ex_head = i;
	if (l->next != NIL)
		pt->e[l->next].l[L_EX].prev = i;
	else
		pt->ex_tail = i;
}

/*
 * Children of pid 0, 1 and 2 are left out of the ppid index: those parents
 * (the idle task, init, kthreadd) never exit, so their children never need
 * reparenting, and they are the largest families, so indexing them would
 * make any pid hashing into their bucket scan thousands of entries.
 */
static void set_ppid(struct proctree *pt, uint32_t i, uint32_t ppid)
{
	struct pt_entry *e = &pt->e[i];

	if (e->in_kids)
		list_unlink(pt, &pt->kid_head[bucket_of(pt, e->n.ppid)], NULL, i, L_KID);
	e->in_kids = false;
	e->n.ppid = ppid;
	if (!e->n.exited && ppid > 2) {
		list_push(pt, &pt->kid_head[bucket_of(pt, ppid)], i, L_KID);
		e->in_kids = true;
	}
}

/* ---- lookup ---- */

static bool same_start(const struct proctree *pt, uint64_t a, uint64_t b)
{
	/* /proc only knows clock ticks, so that is the finest common unit. */
	return a && b && a / pt->ns_per_tick == b / pt->ns_per_tick;
}

struct pid_match {
	uint32_t exact;  /* same pid and start (start known) */
	uint32_t live;   /* the live incarnation */
	uint32_t newest; /* the newest exited incarnation */
};

static struct pid_match pid_scan(const struct proctree *pt, uint32_t pid, uint64_t start_ns)
{
	struct pid_match m = { NIL, NIL, NIL };

	for (uint32_t i = pt->pid_head[bucket_of(pt, pid)]; i != NIL; i = pt->e[i].l[L_PID].next) {
		const struct proc_node *n = &pt->e[i].n;
		if (n->pid != pid)
			continue;
		if (same_start(pt, n->start_ns, start_ns))
			m.exact = i;
		if (!n->exited) {
			m.live = i;
		} else if (m.newest == NIL) {
			m.newest = i;
		} else {
			const struct proc_node *b = &pt->e[m.newest].n;
			if (n->start_ns > b->start_ns ||
			    (n->start_ns == b->start_ns && n->exit_ts_ns > b->exit_ts_ns))
				m.newest = i;
		}
	}
	return m;
}

/* ---- eviction and exit ---- */

static void evict_entry(struct proctree *pt, uint32_t i)
{
	struct pt_entry *e = &pt->e[i];

	if (e->n.exited)
		list_unlink(pt, &pt->ex_head, &pt->ex_tail, i, L_EX);
	if (e->in_kids)
		list_unlink(pt, &pt->kid_head[bucket_of(pt, e->n.ppid)], NULL, i, L_KID);
	list_unlink(pt, &pt->pid_head[bucket_of(pt, e->n.pid)], NULL, i, L_PID);
	e->used = false;
	e->in_kids = false;
	e->l[L_EX].next = pt->free_head;
	pt->free_head = i;
	pt->count--;
	pt->evicted++;
}

static bool child_of(uint64_t child_start, uint64_t lo, uint64_t hi)
{
	/* A child of unknown age is only attributable when no newer
	 * incarnation of the parent's pid could have forked it. */
	if (!child_start)
		return hi == UINT64_MAX;
	return child_start >= lo && child_start < hi;
}

/*
 * The children of pid (started at start_ns) that are still live now belong
 * to init until an event names their real new parent.  Children younger
 * than a newer live incarnation of pid belong to that one and stay.
 */
static void reparent_children(struct proctree *pt, uint32_t pid, uint64_t start_ns)
{
	if (pid <= 2)
		return;
	struct pid_match m = pid_scan(pt, pid, 0);
	uint64_t hi = UINT64_MAX;
	if (m.live != NIL && pt->e[m.live].n.start_ns > start_ns)
		hi = pt->e[m.live].n.start_ns;

	uint32_t next;
	for (uint32_t c = pt->kid_head[bucket_of(pt, pid)]; c != NIL; c = next) {
		const struct proc_node *n = &pt->e[c].n;
		next = pt->e[c].l[L_KID].next;
		/* set_ppid(1) takes c out of this chain; next is already saved. */
		if (n->ppid == pid && child_of(n->start_ns, start_ns, hi))
			set_ppid(pt, c, 1);
	}
}

static void mark_exited(struct proctree *pt, uint32_t i, uint64_t ts_ns)
{
	struct pt_entry *e = &pt->e[i];

	if (e->n.exited)
		list_unlink(pt, &pt->ex_head, &pt->ex_tail, i, L_EX);
	e->n.exited = true;
	e->n.exit_ts_ns = ts_ns;
	exited_insert(pt, i);
	set_ppid(pt, i, e->n.ppid); /* exited: drops out of the ppid index */
	reparent_children(pt, e->n.pid, e->n.start_ns);
}

/* ---- allocation ---- */

static uint32_t node_alloc(struct proctree *pt, uint32_t pid, uint64_t start_ns)
{
	if (pt->free_head == NIL) {
		if (pt->ex_head == NIL) {
			pt->refused++;
			return NIL;
		}
		evict_entry(pt, pt->ex_head);
	}
	uint32_t i = pt->free_head;
	struct pt_entry *e = &pt->e[i];
	pt->free_head = e->l[L_EX].next;

	memset(e, 0, sizeof(*e));
	for (int w = 0; w < L_N; w++)
		e->l[w].prev = e->l[w].next = NIL;
	e->used = true;
	e->n.pid = pid;
	e->n.start_ns = start_ns;
	list_push(pt, &pt->pid_head[bucket_of(pt, pid)], i, L_PID);
	pt->count++;
	return i;
}

/*
 * The node for (pid, start_ns), created when unknown.  An unknown start (0)
 * on either side matches the live incarnation.  Two live incarnations
 * cannot coexist, so when a new one appears we missed an exit: the older
 * of the two is marked exited now.  *created tells the caller whether the
 * node is new (may be NULL).  NIL when the table is full of live processes.
 */
static uint32_t node_claim(struct proctree *pt, uint32_t pid, uint64_t start_ns, bool *created)
{
	struct pid_match m = pid_scan(pt, pid, start_ns);
	bool dummy;

	if (!created)
		created = &dummy;
	*created = false;
	if (m.exact != NIL)
		return m.exact;
	if (m.live != NIL && (!start_ns || !pt->e[m.live].n.start_ns)) {
		if (start_ns)
			pt->e[m.live].n.start_ns = start_ns;
		return m.live;
	}
	uint32_t i = node_alloc(pt, pid, start_ns);
	if (i == NIL)
		return NIL;
	*created = true;
	if (m.live != NIL) {
		uint32_t older = pt->e[m.live].n.start_ns < start_ns ? m.live : i;
		mark_exited(pt, older, pt->now_ns);
	}
	return i;
}

/* ---- public ---- */

struct proctree *proctree_new(size_t cap, uint64_t keep_exited_ns)
{
	struct proctree *pt = NULL;
	unsigned bits = 1;

	if (cap == 0 || cap > PT_CAP_MAX) {
		errno = EINVAL;
		goto fail;
	}
	/* At least two buckets per entry keeps chains around one long. */
	while ((1ull << bits) < 2 * (uint64_t)cap)
		bits++;
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		goto fail;
	pt->e = calloc(cap, sizeof(*pt->e));
	pt->pid_head = malloc(sizeof(*pt->pid_head) << bits);
	pt->kid_head = malloc(sizeof(*pt->kid_head) << bits);
	if (!pt->e || !pt->pid_head || !pt->kid_head)
		goto fail;

	long tck = sysconf(_SC_CLK_TCK);
	pt->ns_per_tick = 1000000000ull / (uint64_t)(tck > 0 ? tck : 100);
	pt->cap = (uint32_t)cap;
	pt->shift = 64 - bits;
	pt->keep_ns = keep_exited_ns;
	proctree_clear(pt);
	return pt;
fail:
	proctree_free(pt);
	return NULL;
}

void proctree_clear(struct proctree *pt)
{
	size_t buckets = (size_t)1 << (64 - pt->shift);

	memset(pt->e, 0, pt->cap * sizeof(*pt->e));
	memset(pt->pid_head, 0xff, buckets * sizeof(*pt->pid_head)); /* NIL */
	memset(pt->kid_head, 0xff, buckets * sizeof(*pt->kid_head));
	pt->ex_head = pt->ex_tail = NIL;
	for (uint32_t i = 0; i < pt->cap; i++)
		pt->e[i].l[L_EX].next = i + 1 < pt->cap ? i + 1 : NIL;
	pt->free_head = 0;
	pt->count = 0;
	pt->now_ns = 0;
	pt->refused = pt->evicted = 0;
}

void proctree_free(struct proctree *pt)
{
	if (!pt)
		return;
	free(pt->e);
	free(pt->pid_head);
	free(pt->kid_head);
	free(pt);
}

/* Copy a NUL-terminated string, truncating to fit. */
static void copy_str(char *dst, size_t dstsz, const char *src)
{
	size_t n = strnlen(src, dstsz - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void proctree_on_fork(struct proctree *pt, uint32_t ppid, uint32_t child, uint64_t child_start_ns,
		      const char *comm)
{
	uint32_t i = node_claim(pt, child, child_start_ns, NULL);
	if (i == NIL)
		return;
	struct proc_node *n = &pt->e[i].n;

	/* An exec or exit handled before this fork knows more; fill only
	 * what is still missing. */
	if (!n->ppid)
		set_ppid(pt, i, ppid);
	if (comm && !n->comm[0])
		copy_str(n->comm, sizeof(n->comm), comm);
	if (!n->args[0]) {
		/* Until it execs, the child runs its parent's command line. */
		struct pid_match p = pid_scan(pt, ppid, 0);
		if (p.live != NIL)
			copy_str(n->args, sizeof(n->args), pt->e[p.live].n.args);
	}
}

void proctree_on_exec(struct proctree *pt, uint32_t pid, uint64_t start_ns, uint32_t ppid,
		      const char *comm, const char *args)
{
	uint32_t i = node_claim(pt, pid, start_ns, NULL);
	if (i == NIL)
		return;
	struct proc_node *n = &pt->e[i].n;

	if (ppid)
		set_ppid(pt, i, ppid);
	if (comm)
		copy_str(n->comm, sizeof(n->comm), comm);
	if (args)
		copy_str(n->args, sizeof(n->args), args);
}

void proctree_on_exit(struct proctree *pt, uint32_t pid, uint64_t start_ns, uint32_t ppid,
		      uint32_t status, uint64_t ts_ns, uint64_t lifetime_ns)
{
	if (ts_ns > pt->now_ns)
		pt->now_ns = ts_ns;
	uint32_t i = node_claim(pt, pid, start_ns, NULL);
	if (i == NIL) {
		/* No room to remember it, but its children still lost a parent. */
		reparent_children(pt, pid, start_ns);
		return;
	}
	struct proc_node *n = &pt->e[i].n;
	n->exit_status = status;
	n->lifetime_ns = lifetime_ns;
	mark_exited(pt, i, ts_ns);
	/* After mark_exited: an exited node stays out of the ppid index. */
	if (ppid)
		set_ppid(pt, i, ppid);
}

struct proc_node *proctree_find(struct proctree *pt, uint32_t pid)
{
	struct pid_match m = pid_scan(pt, pid, 0);

	if (m.live != NIL)
		return &pt->e[m.live].n;
	if (m.newest != NIL)
		return &pt->e[m.newest].n;
	return NULL;
}

struct proc_node *proctree_get(struct proctree *pt, uint32_t pid, const char *comm)
{
	struct proc_node *n = proctree_find(pt, pid);
	if (n)
		return n;
	uint32_t i = node_alloc(pt, pid, 0);
	if (i == NIL)
		return NULL;
	n = &pt->e[i].n;
	if (comm)
		copy_str(n->comm, sizeof(n->comm), comm);
	return n;
}

size_t proctree_evict(struct proctree *pt, uint64_t now_ns)
{
	size_t before = pt->count;

	if (now_ns > pt->now_ns)
		pt->now_ns = now_ns;
	if (now_ns < pt->keep_ns)
		return 0;
	uint64_t limit = now_ns - pt->keep_ns;
	while (pt->ex_head != NIL && pt->e[pt->ex_head].n.exit_ts_ns < limit)
		evict_entry(pt, pt->ex_head);
	return before - pt->count;
}

size_t proctree_count(const struct proctree *pt)
{
	return pt->count;
}

uint64_t proctree_refused(const struct proctree *pt)
{
	return pt->refused;
}

uint64_t proctree_evicted(const struct proctree *pt)
{
	return pt->evicted;
}

/* Walk the pid chains, not the entry pool: the bucket heads are a few
 * hundred KB, the pool 14 MB of mostly cold memory (7-8 ms per walk). */
void proctree_foreach(struct proctree *pt, int (*fn)(struct proc_node *n, void *arg), void *arg)
{
	size_t nb = (size_t)1 << (64 - pt->shift);

	for (size_t b = 0; b < nb; b++)
		for (uint32_t i = pt->pid_head[b]; i != NIL; i = pt->e[i].l[L_PID].next)
			if (fn(&pt->e[i].n, arg))
				return;
}

/* ---- seeding from /proc ---- */

struct seed_info {
	uint32_t ppid;
	uint64_t start_ticks;
	char comm[PL_COMM_LEN + 1];
	char args[PL_ARGS_LEN];
};

/* Read up to sz bytes of dir/rel.  Bytes read, or -errno. */
static ssize_t read_at(int dfd, const char *rel, char *buf, size_t sz)
{
	size_t got = 0;
	ssize_t err = 0;
	int fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < sz) {
		ssize_t r = read(fd, buf + got, sz - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
out:
	close(fd);
	return err ? err : (ssize_t)got;
}

/* Parse a decimal field that ends at a space, newline or NUL. */
static bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, (uint64_t)(*s - '0'), &x))
			return false;
	}
	*v = x;
	return *s == ' ' || *s == '\n' || *s == '\0';
}

/*
 * "pid (comm) state ppid ... starttime ...": comm may hold spaces and ')',
 * so it ends at the LAST ')'.  ppid is field 4 and starttime field 22.
 */
static int stat_parse(const char *buf, struct seed_info *si)
{
	const char *open = strchr(buf, '(');
	const char *close = strrchr(buf, ')');
	uint64_t ppid = 0;

	if (!open || !close || close < open)
		return -EINVAL;
	size_t len = (size_t)(close - open - 1);
	if (len > PL_COMM_LEN)
		len = PL_COMM_LEN;
	memcpy(si->comm, open + 1, len);
	si->comm[len] = '\0';

	const char *p = close + 1;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			return -EINVAL;
		if (field == 4 && (!parse_u64(p, &ppid) || ppid > UINT32_MAX))
			return -EINVAL;
		if (field == 22 && !parse_u64(p, &si->start_ticks))
			return -EINVAL;
		while (*p && *p != ' ')
			p++;
	}
	si->ppid = (uint32_t)ppid;
	return 0;
}

/* argv is NUL separated; join with spaces, drop the trailing NULs. */
static void cmdline_join(char *buf, size_t n)
{
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
}

static int seed_read(int dfd, uint32_t pid, struct seed_info *si)
{
	char rel[32];
	char buf[1024];

	snprintf(rel, sizeof(rel), "%u/stat", pid);
	ssize_t n = read_at(dfd, rel, buf, sizeof(buf) - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	int err = stat_parse(buf, si);
	if (err)
		return err;

	/* Kernel threads and zombies have an empty cmdline: not an error. */
	snprintf(rel, sizeof(rel), "%u/cmdline", pid);
	n = read_at(dfd, rel, si->args, sizeof(si->args) - 1);
	cmdline_join(si->args, n > 0 ? (size_t)n : 0);
	return 0;
}

static bool seed_add(struct proctree *pt, uint32_t pid, const struct seed_info *si)
{
	bool created;
	uint32_t i = node_claim(pt, pid, si->start_ticks * pt->ns_per_tick, &created);
	if (i == NIL)
		return false;
	struct proc_node *n = &pt->e[i].n;

	/* Events seen before the scan are newer than /proc: fill blanks only. */
	n->seeded = n->seeded || created;
	if (!n->ppid)
		set_ppid(pt, i, si->ppid);
	if (!n->comm[0])
		copy_str(n->comm, sizeof(n->comm), si->comm);
	if (!n->args[0])
		copy_str(n->args, sizeof(n->args), si->args);
	return created;
}

static bool parse_pid(const char *name, uint32_t *pid)
{
	uint64_t v;

	/* Only all-digit names are processes ("self", "net", "1 2" are not). */
	if (name[strspn(name, "0123456789")] != '\0')
		return false;
	if (!parse_u64(name, &v) || v == 0 || v > UINT32_MAX)
		return false;
	*pid = (uint32_t)v;
	return true;
}

int proctree_seed(struct proctree *pt, const char *procfs_root)
{
	DIR *dir = opendir(procfs_root);
	int added = 0;

	if (!dir)
		return -errno;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(dir);
		if (!de) {
			if (errno)
				added = -errno;
			goto out;
		}
		uint32_t pid;
		struct seed_info si = { 0 };
		/* A process may exit mid-scan: skip what cannot be read. */
		if (!parse_pid(de->d_name, &pid) || seed_read(dirfd(dir), pid, &si) < 0)
			continue;
		if (seed_add(pt, pid, &si))
			added++;
	}
out:
	closedir(dir);
	return added;
}
