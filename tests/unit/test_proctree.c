/* Unit tests for the process tree (src/store/proctree.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/proctree.h"

/* The runner starts tests in the repository root. */
#define FIXTURE_PROC "tests/fixtures/proc"
#define SEC 1000000000ull

static uint64_t ns_per_tick(void)
{
	long tck = sysconf(_SC_CLK_TCK);
	return SEC / (uint64_t)(tck > 0 ? tck : 100);
}

/* A start time inside clock tick t, off its edge like a real boottime. */
static uint64_t tick(uint64_t t)
{
	return t * ns_per_tick() + 1234;
}

static int setup(void **state)
{
	*state = proctree_new(64, SEC);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	proctree_free(*state);
	return 0;
}

static void test_new_rejects_zero_cap(void **state)
{
	(void)state;
	errno = 0;
	assert_null(proctree_new(0, SEC));
	assert_int_equal(errno, EINVAL);
	proctree_free(NULL);
}

static void test_fork_exec_exit(void **state)
{
	struct proctree *pt = *state;

	proctree_on_exec(pt, 100, tick(10), 1, "bash", "bash -l");
	proctree_on_fork(pt, 100, 200, tick(20), "bash");
	struct proc_node *n = proctree_find(pt, 200);
	assert_non_null(n);
	assert_int_equal(n->ppid, 100);
	assert_int_equal(n->start_ns, tick(20));
	assert_string_equal(n->comm, "bash");
	/* Before its exec the child runs the parent's command line. */
	assert_string_equal(n->args, "bash -l");
	assert_false(n->exited);
	assert_false(n->seeded);

	proctree_on_exec(pt, 200, tick(20), 100, "ls", "ls -la /tmp");
	assert_ptr_equal(proctree_find(pt, 200), n);
	assert_string_equal(n->comm, "ls");
	assert_string_equal(n->args, "ls -la /tmp");
	assert_int_equal(proctree_count(pt), 2);

	proctree_on_exit(pt, 200, tick(20), 100, 0x100, 5 * SEC, 3000000);
	assert_ptr_equal(proctree_find(pt, 200), n);
	assert_true(n->exited);
	assert_int_equal(n->exit_status, 0x100);
	assert_int_equal(n->exit_ts_ns, 5 * SEC);
	assert_int_equal(n->lifetime_ns, 3000000);
	assert_int_equal(n->ppid, 100);
	assert_false(proctree_find(pt, 100)->exited);
	assert_int_equal(proctree_count(pt), 2);
}

static void test_out_of_order(void **state)
{
	struct proctree *pt = *state;

	/* exec handled before the fork that created the process */
	proctree_on_exec(pt, 300, tick(30), 100, "sleep", "sleep 1");
	proctree_on_fork(pt, 100, 300, tick(30), "bash");
	struct proc_node *n = proctree_find(pt, 300);
	assert_non_null(n);
	assert_int_equal(proctree_count(pt), 1);
	assert_string_equal(n->comm, "sleep");
	assert_string_equal(n->args, "sleep 1");
	assert_int_equal(n->ppid, 100);

	/* exit for a pid never seen creates it, already exited */
	proctree_on_exit(pt, 400, tick(40), 7, 9, 2 * SEC, 500);
	n = proctree_find(pt, 400);
	assert_non_null(n);
	assert_true(n->exited);
	assert_int_equal(n->ppid, 7);
	assert_int_equal(n->exit_status, 9);
	assert_int_equal(n->comm[0], '\0');
	/* its exec arrives late: fills in the name, stays exited */
	proctree_on_exec(pt, 400, tick(40), 7, "gcc", "gcc -c x.c");
	assert_ptr_equal(proctree_find(pt, 400), n);
	assert_true(n->exited);
	assert_string_equal(n->comm, "gcc");
	/* and its fork even later: stays exited, keeps the exit's ppid */
	proctree_on_fork(pt, 6, 400, tick(40), "make");
	assert_true(n->exited);
	assert_int_equal(n->ppid, 7);
	assert_string_equal(n->comm, "gcc");
	assert_int_equal(proctree_count(pt), 2);
}

static void test_reparenting(void **state)
{
	struct proctree *pt = *state;

	proctree_on_fork(pt, 1, 100, tick(1), "sh");
	proctree_on_fork(pt, 100, 200, tick(2), "a");
	proctree_on_fork(pt, 100, 201, tick(3), "b");
	proctree_on_fork(pt, 100, 202, tick(4), "c");
	proctree_on_fork(pt, 200, 300, tick(5), "grandchild");
	proctree_on_exit(pt, 202, tick(4), 100, 0, 1 * SEC, 1);

	proctree_on_exit(pt, 100, tick(1), 1, 0, 2 * SEC, 1);
	assert_int_equal(proctree_find(pt, 200)->ppid, 1);
	assert_int_equal(proctree_find(pt, 201)->ppid, 1);
	/* an exited child keeps the parent it had */
	assert_int_equal(proctree_find(pt, 202)->ppid, 100);
	/* only children move, not grandchildren */
	assert_int_equal(proctree_find(pt, 300)->ppid, 200);

	/* an event naming the real new parent (a subreaper) wins */
	proctree_on_exec(pt, 200, tick(2), 50, "a2", "a2");
	assert_int_equal(proctree_find(pt, 200)->ppid, 50);
	/* the exit's ppid is the truth at exit time */
	proctree_on_exit(pt, 300, tick(5), 77, 0, 3 * SEC, 1);
	assert_int_equal(proctree_find(pt, 300)->ppid, 77);

	/* a child moved to the subreaper moves again when that one exits */
	proctree_on_fork(pt, 1, 50, tick(0), "reaper");
	proctree_on_exit(pt, 50, tick(0), 1, 0, 4 * SEC, 1);
	assert_int_equal(proctree_find(pt, 200)->ppid, 1);
}

static void test_reparent_respects_pid_reuse(void **state)
{
	struct proctree *pt = *state;

	/* 100 (first life) forks 200, exits; 100 (second life) forks 201. */
	proctree_on_fork(pt, 1, 100, tick(1), "old");
	proctree_on_fork(pt, 100, 200, tick(2), "c1");
	proctree_on_exit(pt, 100, tick(1), 1, 0, 1 * SEC, 1);
	assert_int_equal(proctree_find(pt, 200)->ppid, 1);
	proctree_on_fork(pt, 1, 100, tick(10), "new");
	proctree_on_fork(pt, 100, 201, tick(11), "c2");

	/* A duplicate, late exit of the first life must not steal 201. */
	proctree_on_exit(pt, 100, tick(1), 1, 0, 1 * SEC, 1);
	assert_int_equal(proctree_find(pt, 201)->ppid, 100);
	assert_false(proctree_find(pt, 100)->exited);
	/* A child of unknown age could belong to either life: left alone
	 * while the second life is live, moved once it exits. */
	proctree_on_exec(pt, 250, 0, 100, "u", "u");
	proctree_on_exit(pt, 100, tick(1), 1, 0, 1 * SEC, 1);
	assert_int_equal(proctree_find(pt, 250)->ppid, 100);
	proctree_on_exit(pt, 100, tick(10), 1, 0, 2 * SEC, 1);
	assert_int_equal(proctree_find(pt, 250)->ppid, 1);
	assert_int_equal(proctree_find(pt, 201)->ppid, 1);

	/* Missed exit: 600 forks 700, then 600 is born again.  The old 600
	 * must be dead, so its child now belongs to init. */
	proctree_on_fork(pt, 1, 600, tick(20), "x");
	proctree_on_fork(pt, 600, 700, tick(21), "y");
	proctree_on_fork(pt, 1, 600, tick(30), "x2");
	assert_int_equal(proctree_find(pt, 700)->ppid, 1);
	assert_string_equal(proctree_find(pt, 600)->comm, "x2");
}

struct pid_count {
	uint32_t pid;
	int live, exited;
};

static int count_pid(struct proc_node *n, void *arg)
{
	struct pid_count *c = arg;
	if (n->pid == c->pid)
		(*(n->exited ? &c->exited : &c->live))++;
	return 0;
}

static void test_pid_reuse(void **state)
{
	struct proctree *pt = *state;

	proctree_on_fork(pt, 1, 300, tick(100), "first");
	proctree_on_exit(pt, 300, tick(100), 1, 0, 1 * SEC, 1);
	proctree_on_fork(pt, 1, 300, tick(200), "second");
	assert_int_equal(proctree_count(pt), 2);
	struct proc_node *n = proctree_find(pt, 300);
	assert_non_null(n);
	assert_false(n->exited);
	assert_int_equal(n->start_ns, tick(200));
	assert_string_equal(n->comm, "second");

	/* The same process seen with a start a few µs apart (same tick) is
	 * one process, not a reuse. */
	proctree_on_exec(pt, 300, tick(200) + 5000, 1, "second2", "x");
	assert_int_equal(proctree_count(pt), 2);
	assert_ptr_equal(proctree_find(pt, 300), n);
	assert_string_equal(n->comm, "second2");

	/* Both dead: find returns the newer life. */
	proctree_on_exit(pt, 300, tick(200), 1, 0, 2 * SEC, 1);
	assert_ptr_equal(proctree_find(pt, 300), n);

	/* A missed exit: two births, no death in between. */
	proctree_on_fork(pt, 1, 302, tick(10), "a");
	proctree_on_fork(pt, 1, 302, tick(20), "b");
	struct pid_count c = { 302, 0, 0 };
	proctree_foreach(pt, count_pid, &c);
	assert_int_equal(c.live, 1);
	assert_int_equal(c.exited, 1);
	assert_string_equal(proctree_find(pt, 302)->comm, "b");

	/* The same, arriving newest first: the older life is the dead one. */
	proctree_on_fork(pt, 1, 303, tick(20), "newer");
	proctree_on_fork(pt, 1, 303, tick(10), "older");
	c = (struct pid_count){ 303, 0, 0 };
	proctree_foreach(pt, count_pid, &c);
	assert_int_equal(c.live, 1);
	assert_int_equal(c.exited, 1);
	assert_string_equal(proctree_find(pt, 303)->comm, "newer");
}

static void test_evict_after_keep(void **state)
{
	struct proctree *pt = *state; /* keep_exited_ns = 1 s */

	proctree_on_fork(pt, 1, 10, tick(1), "live");
	proctree_on_fork(pt, 1, 400, tick(2), "short");
	proctree_on_exit(pt, 400, tick(2), 1, 0, 10 * SEC, 1);

	assert_int_equal(proctree_evict(pt, 10 * SEC + SEC / 2), 0);
	assert_non_null(proctree_find(pt, 400));
	assert_int_equal(proctree_evict(pt, 11 * SEC), 0); /* exactly keep old */
	assert_non_null(proctree_find(pt, 400));
	assert_int_equal(proctree_evict(pt, 11 * SEC + 1), 1);
	assert_null(proctree_find(pt, 400));
	assert_int_equal(proctree_evicted(pt), 1);
	assert_int_equal(proctree_count(pt), 1);

	/* Live processes are never evicted by age. */
	assert_int_equal(proctree_evict(pt, 1000 * SEC), 0);
	assert_non_null(proctree_find(pt, 10));

	/* Exits arriving out of time order still leave in time order. */
	proctree_on_exit(pt, 500, tick(3), 1, 0, 1020 * SEC, 1);
	proctree_on_exit(pt, 501, tick(3), 1, 0, 1015 * SEC, 1);
	assert_int_equal(proctree_evict(pt, 1016 * SEC + 1), 1);
	assert_null(proctree_find(pt, 501));
	assert_non_null(proctree_find(pt, 500));
}

static void test_cap_full(void **state)
{
	(void)state;
	struct proctree *pt = proctree_new(3, 100 * SEC);

	assert_non_null(pt);
	proctree_on_fork(pt, 1, 10, tick(1), "a");
	proctree_on_fork(pt, 1, 11, tick(2), "b");
	proctree_on_fork(pt, 1, 12, tick(3), "c");
	assert_int_equal(proctree_count(pt), 3);

	/* All live: refuse, and say so. */
	proctree_on_fork(pt, 1, 13, tick(4), "d");
	assert_null(proctree_find(pt, 13));
	assert_int_equal(proctree_refused(pt), 1);
	assert_null(proctree_get(pt, 14, "e"));
	assert_int_equal(proctree_refused(pt), 2);
	assert_int_equal(proctree_count(pt), 3);

	/* With exited ones around, the oldest exit makes room. */
	proctree_on_exit(pt, 10, tick(1), 1, 0, 5 * SEC, 1);
	proctree_on_exit(pt, 11, tick(2), 1, 0, 3 * SEC, 1);
	proctree_on_fork(pt, 1, 13, tick(4), "d");
	assert_non_null(proctree_find(pt, 13));
	assert_null(proctree_find(pt, 11));
	assert_non_null(proctree_find(pt, 10));
	assert_int_equal(proctree_evicted(pt), 1);
	assert_int_equal(proctree_refused(pt), 2);
	assert_int_equal(proctree_count(pt), 3);

	/* A freed slot is reused cleanly: no stale name or stats. */
	struct proc_node *n = proctree_get(pt, 15, "f");
	assert_non_null(n);
	assert_null(proctree_find(pt, 10));
	assert_string_equal(n->comm, "f");
	assert_false(n->exited);
	assert_int_equal(n->st.samples, 0);
	proctree_free(pt);
}

static void test_get_placeholder(void **state)
{
	struct proctree *pt = *state;

	struct proc_node *n = proctree_get(pt, 500, "foo");
	assert_non_null(n);
	assert_int_equal(n->pid, 500);
	assert_int_equal(n->start_ns, 0);
	assert_string_equal(n->comm, "foo");
	n->st.samples = 3;
	assert_ptr_equal(proctree_get(pt, 500, "bar"), n);
	assert_string_equal(n->comm, "foo");

	/* The first event with a start time adopts the placeholder. */
	proctree_on_exec(pt, 500, tick(9), 1, "ls", "ls");
	assert_int_equal(proctree_count(pt), 1);
	assert_ptr_equal(proctree_find(pt, 500), n);
	assert_int_equal(n->start_ns, tick(9));
	assert_int_equal(n->ppid, 1);
	assert_int_equal(n->st.samples, 3);

	assert_non_null(proctree_get(pt, 501, NULL));
	proctree_on_fork(pt, 4, 501, tick(9), "kid");
	assert_int_equal(proctree_count(pt), 2);
	assert_int_equal(proctree_find(pt, 501)->ppid, 4);
	assert_string_equal(proctree_find(pt, 501)->comm, "kid");
}

static void test_seed_fixture(void **state)
{
	struct proctree *pt = *state;
	const uint64_t npt = ns_per_tick();

	/* 1, 2, 100, 200, 300; "400" has no stat, "net" and "uptime" are no pids */
	assert_int_equal(proctree_seed(pt, FIXTURE_PROC), 5);
	assert_int_equal(proctree_count(pt), 5);
	assert_null(proctree_find(pt, 400));

	struct proc_node *n = proctree_find(pt, 100);
	assert_non_null(n);
	assert_string_equal(n->comm, "evil) (name x");
	assert_int_equal(n->ppid, 1);
	assert_int_equal(n->start_ns, 12345 * npt);
	assert_string_equal(n->args, "bash -c echo hi");
	assert_true(n->seeded);
	assert_false(n->exited);

	n = proctree_find(pt, 1);
	assert_non_null(n);
	assert_string_equal(n->comm, "systemd");
	assert_int_equal(n->ppid, 0);
	assert_int_equal(n->start_ns, 2 * npt);
	assert_string_equal(n->args, "/sbin/init splash");

	assert_string_equal(proctree_find(pt, 2)->args, ""); /* kernel thread */
	n = proctree_find(pt, 200);
	assert_non_null(n);
	assert_string_equal(n->comm, "kworker/u16:2-ev"); /* cut to PL_COMM_LEN */
	assert_int_equal(n->ppid, 2);

	n = proctree_find(pt, 300);
	assert_non_null(n);
	assert_int_equal(strlen(n->args), PL_ARGS_LEN - 1);
	assert_memory_equal(n->args, "python3 xxxx", 12);
	assert_int_equal(n->args[PL_ARGS_LEN - 2], 'x');

	/* Seeding again adds nothing. */
	assert_int_equal(proctree_seed(pt, FIXTURE_PROC), 0);
	assert_int_equal(proctree_count(pt), 5);

	/* An event in the same clock tick is the seeded process... */
	struct proc_node *seeded = proctree_find(pt, 100);
	proctree_on_exec(pt, 100, 12345 * npt + npt / 2, 1, "evil2", "evil2 --x");
	assert_int_equal(proctree_count(pt), 5);
	assert_ptr_equal(proctree_find(pt, 100), seeded);
	assert_string_equal(seeded->comm, "evil2");
	assert_true(seeded->seeded);
	/* ...one in another tick is a new life of the pid. */
	proctree_on_fork(pt, 1, 100, 99999 * npt, "reborn");
	assert_int_equal(proctree_count(pt), 6);
	n = proctree_find(pt, 100);
	assert_ptr_not_equal(n, seeded);
	assert_false(n->seeded);
	assert_true(seeded->exited);
	/* 300's parent was the seeded 100: reparented when it was replaced */
	assert_int_equal(proctree_find(pt, 300)->ppid, 1);
}

static void test_seed_after_events(void **state)
{
	struct proctree *pt = *state;

	/* Events seen before the scan are newer than /proc: they win. */
	proctree_on_exec(pt, 100, 12345 * ns_per_tick() + 7, 42, "real", "real args");
	assert_int_equal(proctree_seed(pt, FIXTURE_PROC), 4);
	assert_int_equal(proctree_count(pt), 5);
	struct proc_node *n = proctree_find(pt, 100);
	assert_string_equal(n->comm, "real");
	assert_string_equal(n->args, "real args");
	assert_int_equal(n->ppid, 42);
	assert_false(n->seeded);
}

static void test_seed_missing_root(void **state)
{
	struct proctree *pt = *state;

	assert_int_equal(proctree_seed(pt, "tests/fixtures/no-such-proc"), -ENOENT);
	assert_int_equal(proctree_count(pt), 0);
}

struct check {
	size_t visited;
	struct proctree *pt;
};

static int check_node(struct proc_node *n, void *arg)
{
	struct check *c = arg;
	struct proc_node *f = proctree_find(c->pt, n->pid);

	c->visited++;
	/* A live node is always what find returns for its pid. */
	if (!n->exited && f != n)
		fail_msg("pid %u: find returned another node", n->pid);
	if (!f)
		fail_msg("pid %u: node not findable", n->pid);
	return 0;
}

static int stop_at_two(struct proc_node *n, void *arg)
{
	(void)n;
	return ++*(int *)arg == 2;
}

/*
 * Random fork/exec/exit/evict traffic on a small table: any slip in the
 * hash chains, the child index or the exited list shows up as an ASan
 * error or a broken invariant.
 */
static void test_stress_invariants(void **state)
{
	(void)state;
	struct proctree *pt = proctree_new(200, 2 * SEC);
	uint64_t rng = 12345, now = 0;
	uint64_t starts[600] = { 0 };

	assert_non_null(pt);
	for (int op = 0; op < 60000; op++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t pid = 3 + (uint32_t)((rng >> 33) % 597);
		uint32_t ppid = 3 + (uint32_t)((rng >> 13) % 597);
		now += SEC / 100;
		switch ((rng >> 50) % 4) {
		case 0:
			starts[pid] = now;
			proctree_on_fork(pt, ppid, pid, now, "f");
			break;
		case 1:
			proctree_on_exec(pt, pid, starts[pid], ppid, "e", "e a");
			break;
		case 2:
			proctree_on_exit(pt, pid, starts[pid], ppid, 0, now, 1);
			break;
		default:
			proctree_evict(pt, now);
			break;
		}
		if (op % 1000 == 0) {
			struct check c = { 0, pt };
			proctree_foreach(pt, check_node, &c);
			assert_int_equal(c.visited, proctree_count(pt));
			assert_true(proctree_count(pt) <= 200);
		}
	}
	assert_true(proctree_evicted(pt) > 0);
	int seen = 0;
	proctree_foreach(pt, stop_at_two, &seen);
	assert_int_equal(seen, 2);
	proctree_free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects_zero_cap),
		cmocka_unit_test_setup_teardown(test_fork_exec_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reparenting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reparent_respects_pid_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evict_after_keep, setup, teardown),
		cmocka_unit_test(test_cap_full),
		cmocka_unit_test_setup_teardown(test_get_placeholder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_fixture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_after_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_missing_root, setup, teardown),
		cmocka_unit_test(test_stress_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
