#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "readfile.h"

#define MOUNTINFO_MAX (8u << 20) /* container hosts can have thousands of mounts */
#define CG_MAX_DEPTH 64          /* directory fds held open at once by the walk */
#define CG_GONE_MAX 256          /* ids known to be missing, remembered FIFO */
#define NSEC_PER_SEC 1000000000ull

/* ---- layout ------------------------------------------------------------ */

/* mountinfo escapes ' ', '\t', '\n' and '\\' in paths as \ooo octal. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Preference among cgroup2 mounts; the whole tree (root "/") first. */
static int mount_rank(const char *root, const char *mnt)
{
	int rank = strcmp(root, "/") == 0 ? 10 : 0;

	if (!strcmp(mnt, "/sys/fs/cgroup"))
		return rank + 3;
	if (!strcmp(mnt, "/sys/fs/cgroup/unified"))
		return rank + 2;
	return rank + 1;
}

/*
 * "36 25 0:31 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw": root is
 * field 4, the mount point field 5, the fs type follows the "-" separator
 * (optional fields come between).  Returns the rank of a cgroup2 mount, 0
 * for a v1 "cgroup" mount, -1 for anything else.
 */
static int parse_mount_line(const char *line, char *mnt, size_t mntsz)
{
	char buf[4096], *save = NULL, *tok, *root = NULL, *point = NULL;
	size_t len = strcspn(line, "\n");
	int field = 0;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 3)
			root = tok;
		else if (field == 4)
			point = tok;
		else if (field > 5 && !strcmp(tok, "-"))
			break;
	}
	tok = strtok_r(NULL, " ", &save);
	if (!tok || !root || !point)
		return -1;
	if (!strcmp(tok, "cgroup"))
		return 0;
	if (strcmp(tok, "cgroup2"))
		return -1;
	unescape_octal(root);
	unescape_octal(point);
	if (strlen(point) >= mntsz)
		return -1; /* a cut-off mount point would name the wrong directory */
	memcpy(mnt, point, strlen(point) + 1);
	return mount_rank(root, point);
}

void cgroup_detect_text(const char *mountinfo, struct cgroup_mounts *out)
{
	char mnt[CGROUP_ROOT_MAX];
	int best = 0;

	memset(out, 0, sizeof(*out));
	for (const char *p = mountinfo; *p; p = readfile_next_line(p)) {
		int rank = parse_mount_line(p, mnt, sizeof(mnt));

		if (rank == 0)
			out->v1_mounts++;
		if (rank > best) {
			best = rank;
			memcpy(out->v2_root, mnt, sizeof(mnt));
		}
	}
	if (!best)
		out->layout = CGROUP_LAYOUT_LEGACY;
	else
		out->layout = out->v1_mounts ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_UNIFIED;
}

int cgroup_detect(const char *mountinfo_path, struct cgroup_mounts *out)
{
	size_t len;
	char *text = readfile_alloc(mountinfo_path, MOUNTINFO_MAX, &len);

	if (!text)
		return -errno;
	cgroup_detect_text(text, out);
	free(text);
	return 0;
}

void cgroup_layout_describe(const struct cgroup_mounts *m, char *buf, size_t bufsz)
{
	switch (m->layout) {
	case CGROUP_LAYOUT_UNIFIED:
		snprintf(buf, bufsz, "unified: cgroup v2 only, at %s", m->v2_root);
		break;
	case CGROUP_LAYOUT_HYBRID:
		snprintf(buf, bufsz, "hybrid: %u cgroup v1 mounts, cgroup v2 at %s", m->v1_mounts,
			 m->v2_root);
		break;
	default:
		snprintf(buf, bufsz, "legacy: cgroup v1 only, no cgroup2 mount, so cgroup ids "
				     "cannot be resolved to paths");
		break;
	}
}

/* ---- id -> path cache -------------------------------------------------- */

struct cg_entry {
	uint64_t id;
	uint32_t off; /* into the arena */
};

struct cg_table {
	struct cg_entry *ents;
	size_t n, cap;
	char *arena;
	size_t len, acap;
	bool truncated;
};

struct cgroup_cache {
	char root[CGROUP_ROOT_MAX];
	size_t max_dirs;
	struct cg_table t;
	uint64_t last_walk_ns; /* CLOCK_MONOTONIC_COARSE at the last walk */
	uint64_t gone[CG_GONE_MAX];
	size_t gone_n, gone_next;
};

static void table_free(struct cg_table *t)
{
	free(t->ents);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

static int table_add(struct cg_table *t, uint64_t id, const char *path)
{
	size_t plen = strlen(path) + 1;

	if (t->len + plen > UINT32_MAX)
		return -E2BIG;
	if (grow((void **)&t->ents, &t->cap, t->n + 1, sizeof(*t->ents)) ||
	    grow((void **)&t->arena, &t->acap, t->len + plen, 1))
		return -ENOMEM;
	t->ents[t->n++] = (struct cg_entry){ id, (uint32_t)t->len };
	memcpy(t->arena + t->len, path, plen);
	t->len += plen;
	return 0;
}

struct cg_walk {
	struct cg_table t;
	size_t max_dirs;
	char path[PATH_MAX];
};

static int walk_dir(struct cg_walk *w, int dfd, size_t len, int depth);

/* Record the child directory name of dir (path so far: w->path[0..len)). */
static int walk_child(struct cg_walk *w, DIR *dir, const char *name, size_t len, int depth)
{
	size_t nlen = strlen(name);
	struct stat st;
	int err = 0;
	int fd = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) /* removed meanwhile or not a directory: skip; out of fds: fail */
		return (errno == EMFILE || errno == ENFILE || errno == ENOMEM) ? -errno : 0;
	if (len + 1 + nlen >= sizeof(w->path) || fstat(fd, &st))
		goto out;
	w->path[len] = '/';
	memcpy(w->path + len + 1, name, nlen + 1);
	err = table_add(&w->t, (uint64_t)st.st_ino, w->path);
	if (!err && depth + 1 < CG_MAX_DEPTH) {
		err = walk_dir(w, fd, len + 1 + nlen, depth + 1);
		fd = -1; /* walk_dir owns it now */
	}
out:
	w->path[len] = '\0';
	if (fd >= 0)
		close(fd);
	return err;
}

/* Depth-first over the subdirectories of dfd (consumed). */
static int walk_dir(struct cg_walk *w, int dfd, size_t len, int depth)
{
	struct dirent *de;
	int err = 0;
	DIR *dir = fdopendir(dfd);

	if (!dir) {
		err = -errno;
		close(dfd);
		goto out;
	}
	while (!err && (de = readdir(dir))) {
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (w->t.n >= w->max_dirs) {
			w->t.truncated = true;
			break;
		}
		err = walk_child(w, dir, de->d_name, len, depth);
	}
	closedir(dir);
out:
	return err;
}

static int by_id(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* A fresh table for the tree at root: "/" itself, then every subdirectory. */
static int walk_tree(const char *root, size_t max_dirs, struct cg_table *out)
{
	struct cg_walk *w = calloc(1, sizeof(*w));
	struct stat st;
	int err, fd = -1;

	if (!w)
		return -ENOMEM;
	w->max_dirs = max_dirs;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	err = table_add(&w->t, (uint64_t)st.st_ino, "/");
	if (err)
		goto out;
	err = walk_dir(w, fd, 0, 0);
	fd = -1; /* walk_dir consumed it */
	if (err)
		goto out;
	qsort(w->t.ents, w->t.n, sizeof(w->t.ents[0]), by_id);
	*out = w->t;
	memset(&w->t, 0, sizeof(w->t));
out:
	if (fd >= 0)
		close(fd);
	table_free(&w->t);
	free(w);
	return err;
}

static uint64_t coarse_now_ns(void)
{
	struct timespec ts;

	/* Coarse is plenty for a once-a-second limit and costs no syscall. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

int cgroup_cache_rebuild(struct cgroup_cache *c)
{
	struct cg_table fresh = { 0 };
	int err;

	c->last_walk_ns = coarse_now_ns();
	err = walk_tree(c->root, c->max_dirs, &fresh);
	if (err)
		return err;
	table_free(&c->t);
	c->t = fresh;
	return (int)c->t.n;
}

struct cgroup_cache *cgroup_cache_new(const char *v2_root, size_t max_dirs)
{
	struct cgroup_cache *c;
	int err;

	if (!v2_root || !*v2_root || strlen(v2_root) >= sizeof(c->root)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(c->root, sizeof(c->root), "%s", v2_root);
	c->max_dirs = max_dirs ? max_dirs : CGROUP_MAX_DIRS;
	err = cgroup_cache_rebuild(c);
	if (err < 0) {
		cgroup_cache_free(c);
		errno = -err;
		return NULL;
	}
	return c;
}

void cgroup_cache_free(struct cgroup_cache *c)
{
	if (!c)
		return;
	table_free(&c->t);
	free(c);
}

size_t cgroup_cache_count(const struct cgroup_cache *c)
{
	return c->t.n;
}

bool cgroup_cache_truncated(const struct cgroup_cache *c)
{
	return c->t.truncated;
}

static const char *table_find(const struct cg_table *t, uint64_t id)
{
	struct cg_entry key = { id, 0 };
	const struct cg_entry *e = t->n ? bsearch(&key, t->ents, t->n, sizeof(key), by_id) : NULL;

	return e ? t->arena + e->off : NULL;
}

static bool gone_has(const struct cgroup_cache *c, uint64_t id)
{
	for (size_t i = 0; i < c->gone_n; i++)
		if (c->gone[i] == id)
			return true;
	return false;
}

static void gone_add(struct cgroup_cache *c, uint64_t id)
{
	c->gone[c->gone_next] = id;
	c->gone_next = (c->gone_next + 1) % CG_GONE_MAX;
	if (c->gone_n < CG_GONE_MAX)
		c->gone_n++;
}

/* A miss: walk again if a second has passed since the last walk. */
static int lookup_after_walk(struct cgroup_cache *c, uint64_t id, const char **path)
{
	int err;

	if (gone_has(c, id))
		return -ENOENT;
	if (coarse_now_ns() - c->last_walk_ns < NSEC_PER_SEC)
		return -EAGAIN;
	err = cgroup_cache_rebuild(c);
	if (err < 0)
		return err;
	*path = table_find(&c->t, id);
	if (!*path) {
		gone_add(c, id);
		return -ENOENT;
	}
	return 0;
}

int cgroup_path(struct cgroup_cache *c, uint64_t id, char *buf, size_t bufsz)
{
	const char *path = table_find(&c->t, id);
	int err = path ? 0 : lookup_after_walk(c, id, &path);

	if (err)
		return err;
	if ((size_t)snprintf(buf, bufsz, "%s", path) >= bufsz)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- user path -> (id, level) ------------------------------------------ */

/* Components of rel ("" or "/a/b"): 0 for the root. */
static int path_depth(const char *rel)
{
	int depth = 0;

	for (; *rel; rel++)
		if (*rel == '/' && rel[1] && rel[1] != '/')
			depth++;
	return depth;
}

/* user_path as a filesystem path: kept when it already names something
 * under the v2 root, else taken relative to the root.  False if too long. */
static bool candidate_path(const char *v2_root, const char *canon_root, const char *user_path,
			   char *out, size_t outsz)
{
	const char *roots[] = { v2_root, canon_root };
	int n;

	for (size_t i = 0; i < 2; i++) {
		size_t rl = strlen(roots[i]);

		if (!strncmp(user_path, roots[i], rl) && (user_path[rl] == '/' || !user_path[rl])) {
			n = snprintf(out, outsz, "%s", user_path);
			return n >= 0 && (size_t)n < outsz;
		}
	}
	while (*user_path == '/')
		user_path++;
	n = snprintf(out, outsz, "%s/%s", canon_root, user_path);
	return n >= 0 && (size_t)n < outsz;
}

/* canon (a realpath) is a directory of the v2 filesystem at or below croot. */
static bool is_v2_dir(const char *canon, const char *croot, const struct stat *root_st,
		      struct stat *st)
{
	size_t rl = strlen(croot);

	if (strncmp(canon, croot, rl) || (canon[rl] != '/' && canon[rl] != '\0'))
		return false; /* ".." or a symlink led outside */
	/* Same st_dev as the root: not some other filesystem mounted below it. */
	return !stat(canon, st) && S_ISDIR(st->st_mode) && st->st_dev == root_st->st_dev;
}

int cgroup_resolve(const char *v2_root, const char *user_path, uint64_t *id, int *level,
		   char *msg, size_t msgsz)
{
	char croot[PATH_MAX], cand[PATH_MAX], canon[PATH_MAX];
	struct stat rst, st;
	int err = -ENOENT;

	if (!v2_root || !*v2_root) {
		snprintf(msg, msgsz, "cgroup %s: no cgroup v2 hierarchy is mounted (cgroup v1 only); "
				     "filtering by cgroup needs cgroup v2", user_path);
		goto out;
	}
	if (!realpath(v2_root, croot) || stat(croot, &rst)) {
		err = -errno;
		snprintf(msg, msgsz, "cgroup v2 root %s: %s", v2_root, strerror(-err));
		goto out;
	}
	if (!candidate_path(v2_root, croot, user_path, cand, sizeof(cand)) ||
	    !realpath(cand, canon) || !is_v2_dir(canon, croot, &rst, &st)) {
		snprintf(msg, msgsz, "cgroup %s: not a cgroup v2 directory (the v2 hierarchy is at %s)",
			 user_path, v2_root);
		goto out;
	}
	*id = (uint64_t)st.st_ino;
	*level = path_depth(canon + strlen(croot));
	err = 0;
out:
	return err;
}
