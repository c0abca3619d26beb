/* Unit tests for cgroup layout detection, the id -> path cache, short names
 * and path -> (id, level) resolution (src/sys/cgroup.c, cgroup_name.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/cgroup.h"

#define FIX "tests/fixtures/sys/mountinfo"

/* ---- layout ---- */

static void test_detect_unified(void **state)
{
	struct cgroup_mounts m;

	(void)state;
	assert_int_equal(cgroup_detect(FIX "/unified", &m), 0);
	assert_int_equal(m.layout, CGROUP_LAYOUT_UNIFIED);
	/* A container's subtree mount listed first must not win over root "/". */
	assert_string_equal(m.v2_root, "/sys/fs/cgroup");
	assert_int_equal(m.v1_mounts, 0);
}

static void test_detect_hybrid(void **state)
{
	struct cgroup_mounts m;
	char msg[256];

	(void)state;
	assert_int_equal(cgroup_detect(FIX "/hybrid", &m), 0);
	assert_int_equal(m.layout, CGROUP_LAYOUT_HYBRID);
	assert_string_equal(m.v2_root, "/sys/fs/cgroup/unified");
	assert_int_equal(m.v1_mounts, 9);
	cgroup_layout_describe(&m, msg, sizeof(msg));
	assert_non_null(strstr(msg, "hybrid"));
	assert_non_null(strstr(msg, "/sys/fs/cgroup/unified"));
}

static void test_detect_legacy(void **state)
{
	struct cgroup_mounts m;
	char msg[256];

	(void)state;
	assert_int_equal(cgroup_detect(FIX "/legacy", &m), 0);
	assert_int_equal(m.layout, CGROUP_LAYOUT_LEGACY);
	assert_string_equal(m.v2_root, "");
	assert_int_equal(m.v1_mounts, 4);
	cgroup_layout_describe(&m, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot be resolved"));
	assert_int_equal(cgroup_detect(FIX "/none", &m), -ENOENT);
}

static void test_detect_escapes_and_odd_lines(void **state)
{
	struct cgroup_mounts m;

	(void)state;
	cgroup_detect_text("99 1 0:40 / /mnt/cg\\0402 rw shared:1 master:2 - cgroup2 none rw\n"
			   "garbage\n\n", &m);
	assert_int_equal(m.layout, CGROUP_LAYOUT_UNIFIED);
	assert_string_equal(m.v2_root, "/mnt/cg 2");
	cgroup_detect_text("", &m);
	assert_int_equal(m.layout, CGROUP_LAYOUT_LEGACY);
}

static void test_detect_this_machine(void **state)
{
	struct cgroup_mounts m;
	char msg[256];

	(void)state;
	assert_int_equal(cgroup_detect(CGROUP_MOUNTINFO, &m), 0);
	cgroup_layout_describe(&m, msg, sizeof(msg));
	print_message("# this machine: %s\n", msg);
}

/* ---- a fake v2 hierarchy in a temp dir ---- */

struct tree {
	char root[64];
};

static uint64_t ino_of(const struct tree *t, const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_ino;
}

static void mk(const struct tree *t, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/tmp/perflens-cgroup-XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	mk(t, "a");
	mk(t, "a/b");
	mk(t, "a/b/c");
	mk(t, "d");
	char file[128];
	snprintf(file, sizeof(file), "%s/a/cgroup.procs", t->root);
	FILE *f = fopen(file, "w"); /* a file, not a cgroup: never in the cache */
	if (!f)
		return -1;
	fclose(f);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->root);
	int rc = system(cmd);
	free(t);
	return rc;
}

static void expect_path(struct cgroup_cache *c, uint64_t id, const char *want)
{
	char buf[256];

	assert_int_equal(cgroup_path(c, id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_cache_paths(void **state)
{
	struct tree *t = *state;
	struct cgroup_cache *c = cgroup_cache_new(t->root, 0);
	char small[4];

	assert_non_null(c);
	assert_int_equal(cgroup_cache_count(c), 5);
	assert_false(cgroup_cache_truncated(c));
	expect_path(c, ino_of(t, ""), "/");
	expect_path(c, ino_of(t, "a"), "/a");
	expect_path(c, ino_of(t, "a/b"), "/a/b");
	expect_path(c, ino_of(t, "a/b/c"), "/a/b/c");
	expect_path(c, ino_of(t, "d"), "/d");
	assert_int_equal(cgroup_path(c, ino_of(t, "a/b"), small, sizeof(small)), -ENAMETOOLONG);
	assert_int_equal(cgroup_path(c, ino_of(t, "a/cgroup.procs"), small, sizeof(small)), -EAGAIN);
	cgroup_cache_free(c);
	cgroup_cache_free(NULL);
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

static void test_cache_misses_rate_limited(void **state)
{
	struct tree *t = *state;
	struct cgroup_cache *c = cgroup_cache_new(t->root, 0);
	char buf[256];

	assert_non_null(c);
	/* New cgroup right after a walk: the miss may not walk again yet. */
	mk(t, "e");
	assert_int_equal(cgroup_path(c, ino_of(t, "e"), buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(cgroup_cache_rebuild(c), 6);
	expect_path(c, ino_of(t, "e"), "/e");

	/* A second later a miss walks again, once; a cgroup gone by then is
	 * remembered, so asking again costs no walk and says -ENOENT. */
	mk(t, "f");
	mk(t, "g");
	uint64_t g = ino_of(t, "g");
	char gpath[128];
	snprintf(gpath, sizeof(gpath), "%s/g", t->root);
	assert_int_equal(rmdir(gpath), 0);
	sleep_s(1.1);
	assert_int_equal(cgroup_path(c, g, buf, sizeof(buf)), -ENOENT);
	expect_path(c, ino_of(t, "f"), "/f"); /* found by that same walk */
	assert_int_equal(cgroup_path(c, g, buf, sizeof(buf)), -ENOENT);
	cgroup_cache_free(c);
}

static void test_cache_bound(void **state)
{
	struct tree *t = *state;
	struct cgroup_cache *c = cgroup_cache_new(t->root, 3);

	assert_non_null(c);
	assert_int_equal(cgroup_cache_count(c), 3);
	assert_true(cgroup_cache_truncated(c));
	cgroup_cache_free(c);
	errno = 0;
	assert_null(cgroup_cache_new("", 0));
	assert_int_equal(errno, EINVAL);
	assert_null(cgroup_cache_new("/no/such/cgroup/root", 0));
	assert_int_equal(errno, ENOENT);
}

/* ---- user path -> (id, level) ---- */

static void expect_resolve(const struct tree *t, const char *user, const char *rel, int want_level)
{
	uint64_t id = 0;
	int level = -1;
	char msg[512] = "";

	assert_int_equal(cgroup_resolve(t->root, user, &id, &level, msg, sizeof(msg)), 0);
	assert_true(id == ino_of(t, rel));
	assert_int_equal(level, want_level);
}

static void expect_no_cgroup(const struct tree *t, const char *root, const char *user,
			     const char *why)
{
	uint64_t id = 0;
	int level = -1;
	char msg[512] = "";

	(void)t;
	assert_int_equal(cgroup_resolve(root, user, &id, &level, msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, why));
}

static void test_resolve(void **state)
{
	struct tree *t = *state;
	char abs[256], link[256];

	snprintf(abs, sizeof(abs), "%s/a/b", t->root);
	expect_resolve(t, abs, "a/b", 2);
	expect_resolve(t, "a/b", "a/b", 2);
	expect_resolve(t, "/a/b/", "a/b", 2);
	expect_resolve(t, "//a//b/c", "a/b/c", 3);
	expect_resolve(t, "/a", "a", 1);
	expect_resolve(t, "/", "", 0);
	expect_resolve(t, t->root, "", 0);

	expect_no_cgroup(t, t->root, "/nope", "not a cgroup v2 directory");
	expect_no_cgroup(t, t->root, "a/cgroup.procs", "not a cgroup v2 directory");
	expect_no_cgroup(t, t->root, "../..", "not a cgroup v2 directory");
	/* A symlink leading out of the hierarchy is not a cgroup either. */
	snprintf(link, sizeof(link), "%s/d/out", t->root);
	assert_int_equal(symlink("/tmp", link), 0);
	expect_no_cgroup(t, t->root, "d/out", "not a cgroup v2 directory");
	expect_no_cgroup(t, "", "/a", "cgroup v1 only");
}

/* ---- this machine, end to end ---- */

static void test_real_v2_round_trip(void **state)
{
	struct cgroup_mounts m;
	char line[512] = "", buf[512], msg[512];
	uint64_t id;
	int level;

	(void)state;
	assert_int_equal(cgroup_detect(CGROUP_MOUNTINFO, &m), 0);
	if (m.layout == CGROUP_LAYOUT_LEGACY)
		skip();
	/* Our own v2 cgroup: the "0::" line of /proc/self/cgroup. */
	FILE *f = fopen("/proc/self/cgroup", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3))
		;
	fclose(f);
	assert_int_equal(strncmp(line, "0::", 3), 0);
	line[strcspn(line, "\n")] = '\0';
	const char *mine = line + 3;

	assert_int_equal(cgroup_resolve(m.v2_root, mine, &id, &level, msg, sizeof(msg)), 0);
	struct cgroup_cache *c = cgroup_cache_new(m.v2_root, 0);
	assert_non_null(c);
	assert_int_equal(cgroup_path(c, id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, mine);
	print_message("# own cgroup %s: id %llu level %d, %zu cgroups cached\n", mine,
		      (unsigned long long)id, level, cgroup_cache_count(c));
	cgroup_cache_free(c);
}

/* ---- short names ---- */

#define HEX64 "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd"
#define UID_D "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
#define UID_U "0a1b2c3d_4e5f_6789_abcd_ef0123456789"
#define KP_SD "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_U ".slice"

static const struct {
	const char *path, *want;
} short_names[] = {
	{ "/", "/" },
	{ "", "/" },
	{ "/system.slice/nginx.service", "nginx.service" },
	{ "/system.slice/nginx.service/", "nginx.service" },
	{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1234.scope",
	  "app-firefox-1234.scope" },
	{ "/init.scope", "init.scope" },
	{ "/system.slice/foo.service/worker", "foo.service" }, /* delegated subgroup */
	{ "/system.slice/docker-" HEX64 ".scope", "docker:3f2a9c1b7d4e" },
	{ "/docker/" HEX64, "docker:3f2a9c1b7d4e" },
	{ "/system.slice/docker-abc.scope", "docker-abc.scope" }, /* not an id: a unit */
	{ "/docker/nothex", "nothex" },
	{ "/system.slice/cri-containerd-" HEX64 ".scope", "containerd:3f2a9c1b7d4e" },
	{ "/system.slice/crio-" HEX64 ".scope", "crio:3f2a9c1b7d4e" },
	{ "/machine.slice/libpod-" HEX64 ".scope", "podman:3f2a9c1b7d4e" },
	{ "/machine.slice/libpod-" HEX64 ".scope/container", "podman:3f2a9c1b7d4e" },
	{ "/libpod_parent/libpod-" HEX64, "podman:3f2a9c1b7d4e" },
	{ "/lxc.payload.web1", "lxc:web1" },
	{ KP_SD, "pod:" UID_D },
	{ KP_SD "/cri-containerd-" HEX64 ".scope", "containerd:3f2a9c1b7d4e" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_U ".slice",
	  "pod:" UID_D },
	{ "/kubepods.slice/kubepods-pod" UID_U ".slice", "pod:" UID_D }, /* Guaranteed */
	{ "/kubepods/burstable/pod" UID_D, "pod:" UID_D },               /* cgroupfs driver */
	{ "/kubepods/pod" UID_D, "pod:" UID_D },
	{ "/kubepods/burstable/pod" UID_D "/" HEX64, "ctr:3f2a9c1b7d4e" },
	{ "/kubepods.slice/kubepods-burstable.slice", "kubepods-burstable.slice" },
	{ "/my/custom/group", "group" },
	{ "/podcast", "podcast" }, /* "pod" + not a UID */
};

static void test_short_names(void **state)
{
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(short_names) / sizeof(short_names[0]); i++) {
		cgroup_short_name(short_names[i].path, buf, sizeof(buf));
		if (strcmp(buf, short_names[i].want))
			fail_msg("%s: got \"%s\", want \"%s\"", short_names[i].path, buf,
				 short_names[i].want);
	}
	cgroup_short_name("/docker/" HEX64, buf, 10); /* truncated, terminated */
	assert_string_equal(buf, "docker:3f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_unified),
		cmocka_unit_test(test_detect_hybrid),
		cmocka_unit_test(test_detect_legacy),
		cmocka_unit_test(test_detect_escapes_and_odd_lines),
		cmocka_unit_test(test_detect_this_machine),
		cmocka_unit_test_setup_teardown(test_cache_paths, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_cache_misses_rate_limited, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_cache_bound, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_resolve, tree_setup, tree_teardown),
		cmocka_unit_test(test_real_v2_round_trip),
		cmocka_unit_test(test_short_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
