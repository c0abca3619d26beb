/* Unit tests for the kallsyms parser (src/sym/kallsyms.c) on the fixture
 * tests/fixtures/sym/kallsyms: modules, duplicate addresses, data symbols,
 * lines out of order, malformed lines, a last line without newline. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sym/kallsyms.h"

/* The runner starts tests in the repository root. */
#define FIXTURE "tests/fixtures/sym/kallsyms"
#define FIXTURE_RESTRICTED "tests/fixtures/sym/kallsyms_restricted"
#define CORE 0xffffffff81000000ull
#define MODS 0xffffffffc0000000ull

static int setup(void **state)
{
	*state = kallsyms_load(FIXTURE);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	kallsyms_free(*state);
	return 0;
}

/* lookup(addr) names `name` at offset `off`. */
static void assert_sym(const struct kallsyms *ks, uint64_t addr, const char *name, uint64_t off)
{
	const struct ksym *k = kallsyms_lookup(ks, addr);

	assert_non_null(k);
	assert_string_equal(k->name, name);
	assert_int_equal(addr - k->addr, off);
}

static void test_keeps_only_text_one_per_address(void **state)
{
	/* _stext@0, strong_after_weak@100, do_sys_open@200,
	 * listed_out_of_order@300, vfs_read@500, text_after_rodata@800,
	 * weak_only@900, xfs_vn_setattr, ext4_file_read_iter, ext4_readdir,
	 * bpf_prog_...: data, absolute and malformed lines are dropped. */
	assert_int_equal(kallsyms_count(*state), 11);
	assert_false(kallsyms_restricted(*state));
}

static void test_below_first_symbol(void **state)
{
	assert_null(kallsyms_lookup(*state, CORE - 1));
	assert_null(kallsyms_lookup(*state, 0));
}

static void test_duplicates_first_listed_wins(void **state)
{
	const struct ksym *k = kallsyms_lookup(*state, CORE);

	assert_non_null(k);
	assert_string_equal(k->name, "_stext"); /* before _text and startup_64_alias */
	assert_int_equal(k->type, 'T');
	assert_null(k->module);
	assert_sym(*state, CORE + 0x50, "_stext", 0x50);
}

static void test_duplicates_text_beats_weak(void **state)
{
	const struct ksym *k = kallsyms_lookup(*state, CORE + 0x100);

	assert_non_null(k);
	assert_string_equal(k->name, "strong_after_weak");
	assert_int_equal(k->type, 't');
}

static void test_data_symbols_ignored(void **state)
{
	/* some_data_symbol@400 does not cut listed_out_of_order@300 short. */
	assert_sym(*state, CORE + 0x410, "listed_out_of_order", 0x110);
	/* rodata_first shares 800 with a text symbol: the text one names it. */
	assert_sym(*state, CORE + 0x800, "text_after_rodata", 0);
}

static void test_unsorted_lines(void **state)
{
	assert_sym(*state, CORE + 0x2ff, "do_sys_open", 0xff);
	assert_sym(*state, CORE + 0x300, "listed_out_of_order", 0);
	assert_sym(*state, CORE + 0x4ff, "listed_out_of_order", 0x1ff);
	assert_sym(*state, CORE + 0x500, "vfs_read", 0);
}

static void test_modules(void **state)
{
	const struct ksym *k = kallsyms_lookup(*state, MODS + 0x1010);

	assert_non_null(k);
	assert_string_equal(k->name, "ext4_file_read_iter");
	assert_string_equal(k->module, "ext4");
	k = kallsyms_lookup(*state, MODS + 0x1100);
	assert_string_equal(k->name, "ext4_readdir");
	assert_string_equal(k->module, "ext4");
	/* xfs is listed after ext4 with lower addresses; its data symbol is dropped. */
	k = kallsyms_lookup(*state, MODS + 0x250);
	assert_non_null(k);
	assert_string_equal(k->name, "xfs_vn_setattr");
	assert_string_equal(k->module, "xfs");
	/* The last line has no newline. */
	k = kallsyms_lookup(*state, MODS + 0x2010);
	assert_non_null(k);
	assert_string_equal(k->name, "bpf_prog_6deef7357e7b4530_handle");
	assert_string_equal(k->module, "bpf");
}

static void test_last_symbol_tails(void **state)
{
	/* weak_only is the core kernel's last text symbol. */
	assert_sym(*state, CORE + 0x900 + 0x100, "weak_only", 0x100);
	assert_sym(*state, CORE + 0x900 + KALLSYMS_TAIL_MAX, "weak_only", KALLSYMS_TAIL_MAX);
	assert_null(kallsyms_lookup(*state, CORE + 0x900 + KALLSYMS_TAIL_MAX + 1));
	/* Above the very last symbol. */
	assert_sym(*state, MODS + 0x2000 + 0x40, "bpf_prog_6deef7357e7b4530_handle", 0x40);
	assert_null(kallsyms_lookup(*state, MODS + 0x2000 + KALLSYMS_TAIL_MAX + 1));
	assert_null(kallsyms_lookup(*state, UINT64_MAX));
	/* Inside a module's run, large offsets stay (no size is known). */
	assert_sym(*state, MODS + 0x1000 - 1, "xfs_vn_setattr", 0xeff);
}

static void test_restricted(void **state)
{
	struct kallsyms *ks = kallsyms_load(FIXTURE_RESTRICTED);

	(void)state;
	assert_non_null(ks);
	assert_true(kallsyms_restricted(ks));
	assert_int_equal(kallsyms_count(ks), 0);
	assert_null(kallsyms_lookup(ks, CORE));
	assert_null(kallsyms_lookup(ks, 0));
	kallsyms_free(ks);
}

static struct kallsyms *from_string(const char *text)
{
	return kallsyms_parse(text, strlen(text));
}

static void test_empty_is_not_restricted(void **state)
{
	struct kallsyms *ks = from_string("");

	(void)state;
	assert_non_null(ks);
	assert_false(kallsyms_restricted(ks));
	assert_int_equal(kallsyms_count(ks), 0);
	assert_null(kallsyms_lookup(ks, CORE));
	kallsyms_free(ks);
}

static void test_buffer_edge_lines(void **state)
{
	/* Upper-case hex, a module without a closing bracket, a name ending
	 * the buffer, truncated lines. */
	struct kallsyms *ks = from_string("FFFFFFFF81000000 T upper\n"
					  "ffffffff81000010 t odd_mod\t[broken\n"
					  "ffffffff81\n"
					  "ffffffff81000020 t\n"
					  "ffffffff81000030 t end");
	const struct ksym *k;

	(void)state;
	assert_non_null(ks);
	assert_int_equal(kallsyms_count(ks), 3);
	assert_sym(ks, CORE + 5, "upper", 5);
	k = kallsyms_lookup(ks, CORE + 0x10);
	assert_string_equal(k->name, "odd_mod");
	assert_null(k->module);
	assert_sym(ks, CORE + 0x31, "end", 1);
	kallsyms_free(ks);
}

static void test_missing_file(void **state)
{
	(void)state;
	errno = 0;
	assert_null(kallsyms_load("tests/fixtures/sym/no-such-kallsyms"));
	assert_int_equal(errno, ENOENT);
	kallsyms_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keeps_only_text_one_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_below_first_symbol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_first_listed_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_text_beats_weak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_symbols_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsorted_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_symbol_tails, setup, teardown),
		cmocka_unit_test(test_restricted),
		cmocka_unit_test(test_empty_is_not_restricted),
		cmocka_unit_test(test_buffer_edge_lines),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
