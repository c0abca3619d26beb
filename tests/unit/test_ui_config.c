/* Unit tests for the key=value config reader (src/util/config.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/config.h"

static struct config *parse(const char *s)
{
	return config_parse(s, strlen(s), "cfg");
}

static void test_basic(void **state)
{
	struct config *c = parse("# a comment\n"
				 "\n"
				 "key.quit = x\n"
				 "  ai.model=small   \n"
				 "ai.endpoint = \"http://h:1/v1 # not a comment\"\n"
				 "refresh = 2 # trailing comment\n"
				 "quote = \"a \\\"b\\\" \\\\c\"\n"
				 "key.quit = y\n");

	(void)state;
	assert_non_null(c);
	assert_null(config_error(c));
	assert_string_equal(config_get(c, "key.quit"), "y");  /* the last one wins */
	assert_string_equal(config_get(c, "ai.model"), "small");
	assert_string_equal(config_get(c, "ai.endpoint"), "http://h:1/v1 # not a comment");
	assert_string_equal(config_get(c, "refresh"), "2");
	assert_string_equal(config_get(c, "quote"), "a \"b\" \\c");
	assert_null(config_get(c, "missing"));
	assert_int_equal(config_count(c), 5);
	assert_string_equal(config_key(c, 0), "key.quit");
	assert_null(config_key(c, 99));
	config_free(c);
}

static void test_errors_are_reported_not_fatal(void **state)
{
	struct config *c = parse("good = 1\n"
				 "no equals sign\n"
				 "bad key! = 2\n"
				 "open = \"unterminated\n"
				 "also.good = 3");

	(void)state;
	assert_non_null(c);
	assert_string_equal(config_get(c, "good"), "1");
	assert_string_equal(config_get(c, "also.good"), "3");  /* no final newline */
	assert_non_null(config_error(c));
	assert_non_null(strstr(config_error(c), "cfg:2:"));    /* the first problem */
	assert_int_equal(config_count(c), 2);
	config_free(c);
}

static void test_typed(void **state)
{
	struct config *c = parse("n = 42\nhex = 0x10\nbad = 4x\nyes = On\nno = false\nmaybe = 2\n");

	(void)state;
	assert_int_equal(config_get_long(c, "n", -1), 42);
	assert_int_equal(config_get_long(c, "hex", -1), 16);
	assert_int_equal(config_get_long(c, "bad", -1), -1);
	assert_int_equal(config_get_long(c, "none", 7), 7);
	assert_true(config_get_bool(c, "yes", false));
	assert_false(config_get_bool(c, "no", true));
	assert_true(config_get_bool(c, "maybe", true));
	assert_null(config_get(NULL, "x"));
	config_free(c);
	config_free(NULL);
}

static void test_nul_and_long_lines(void **state)
{
	char *big = malloc(CONFIG_LINE_MAX + 64);
	struct config *c;
	static const char nul[] = "a = 1\nb = \0x\nc = 3\n";

	(void)state;
	memset(big, 'x', CONFIG_LINE_MAX + 10);
	memcpy(big, "k = ", 4);
	strcpy(big + CONFIG_LINE_MAX + 10, "\nok = 1\n");
	c = parse(big);
	assert_null(config_get(c, "k"));
	assert_string_equal(config_get(c, "ok"), "1");
	assert_non_null(strstr(config_error(c), "too long"));
	config_free(c);
	c = config_parse(nul, sizeof(nul) - 1, "nul");
	assert_string_equal(config_get(c, "c"), "3");
	assert_null(config_get(c, "b"));
	config_free(c);
	free(big);
}

static void test_paths_and_files(void **state)
{
	char path[256], dir[] = "/tmp/pl-cfg-XXXXXX", file[300];
	struct config *c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(config_default_path(path, sizeof(path)), 0);
	snprintf(file, sizeof(file), "%s/perflens/config", dir);
	assert_string_equal(path, file);
	setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(config_default_path(path, sizeof(path)), 0);
	assert_string_equal(path, "/home/someone/.config/perflens/config");
	assert_int_equal(config_default_path(path, 8), -ENAMETOOLONG);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(config_default_path(path, sizeof(path)), -ENOENT);

	errno = 0;
	assert_null(config_load("/nonexistent/perflens/config"));
	assert_int_equal(errno, ENOENT);
	snprintf(file, sizeof(file), "%s/config", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("key.quit = x\n", f);
	fclose(f);
	chmod(file, 0600);
	c = config_load(file);
	assert_non_null(c);
	assert_string_equal(config_get(c, "key.quit"), "x");
	assert_false(config_world_readable(c));
	config_free(c);
	chmod(file, 0644);
	c = config_load(file);
	assert_true(config_world_readable(c));
	config_free(c);
	errno = 0;
	assert_null(config_load(dir));            /* a directory is not a config */
	assert_int_equal(errno, EINVAL);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_errors_are_reported_not_fatal),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_paths_and_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
