/* Unit tests for AI settings: precedence, the key and its file, the
 * endpoint policy (src/ai/ai_config.c). */
#include <errno.h>
#include <fcntl.h>
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

#include "ai/ai_config.h"
#include "util/config.h"
#include "util/scrub.h"

static char dir[64];

static const char *const env_vars[] = { "PERFLENS_AI_URL", "PERFLENS_AI_MODEL", "PERFLENS_AI_KEY",
					"OPENAI_API_KEY", "HF_TOKEN" };

static int setup(void **state)
{
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		unsetenv(env_vars[i]);
	scrub_reset_literals();
	scrub_set_enabled(true);
	return 0;
}

static int group_setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/pl-ai-config-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *key_file(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static struct config *file_cfg(const char *text)
{
	struct config *c = config_parse(text, strlen(text), "test");

	assert_non_null(c);
	return c;
}

static void test_off_by_default(void **state)
{
	struct ai_cli cli = { 0 };
	struct ai_config c;
	char err[256];

	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_false(c.enabled);
	cli.url = "http://127.0.0.1:1/v1";
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_false(c.enabled); /* a model is needed too */
	cli.model = "m";
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_true(c.enabled);
	assert_int_equal(c.interval_s, AI_DEFAULT_INTERVAL_S);
	assert_int_equal(c.budget_tokens, AI_DEFAULT_BUDGET);
	assert_string_equal(c.warning, ""); /* loopback: nothing to warn about */
}

static void test_precedence(void **state)
{
	struct config *f = file_cfg("ai.endpoint = http://file-host:1/v1\nai.model = file-model\n"
				    "ai.interval = 60\nai.budget = 1000\nai.full_cmdline = yes\n");
	struct ai_cli cli = { 0 };
	struct ai_config c;
	char err[256];

	assert_int_equal(ai_config_resolve(&c, &cli, f, err, sizeof(err)), 0);
	assert_string_equal(c.url, "http://file-host:1/v1");
	assert_string_equal(c.model, "file-model");
	assert_int_equal(c.interval_s, 60);
	assert_int_equal(c.budget_tokens, 1000);
	assert_true(c.full_cmdline);
	assert_non_null(strstr(c.warning, "not on this machine"));
	setenv("PERFLENS_AI_URL", "http://localhost:2/v1/", 1);
	setenv("PERFLENS_AI_MODEL", "env-model", 1);
	assert_int_equal(ai_config_resolve(&c, &cli, f, err, sizeof(err)), 0);
	assert_string_equal(c.url, "http://localhost:2/v1"); /* trailing '/' dropped */
	assert_string_equal(c.model, "env-model");
	cli = (struct ai_cli){ .url = "http://[::1]:3/v1/chat/completions", .model = "cli-model",
			       .interval_s = 10, .budget_tokens = 3000 };
	assert_int_equal(ai_config_resolve(&c, &cli, f, err, sizeof(err)), 0);
	assert_string_equal(c.url, "http://[::1]:3/v1"); /* a full endpoint URL means its base */
	assert_string_equal(c.model, "cli-model");
	assert_int_equal(c.interval_s, 10);
	assert_int_equal(c.budget_tokens, 3000);
	assert_true(c.loopback);
	cli.interval_s = 1;
	assert_int_equal(ai_config_resolve(&c, &cli, f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "interval"));
	config_free(f);
}

static void test_key_order(void **state)
{
	struct ai_cli cli = { .url = "https://api.openai.com/v1", .model = "gpt" };
	struct ai_config c;
	char err[256];
	const char *kf = key_file("k1", "sk-fromfile0123456789abcdef\n# comment\n", 0600);

	setenv("OPENAI_API_KEY", "sk-openai0123456789abcdef", 1);
	setenv("HF_TOKEN", "hf_token0123456789abcdefgh", 1);
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.key, "sk-openai0123456789abcdef");
	assert_string_equal(c.key_source, "OPENAI_API_KEY");
	cli.key_file = kf;
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.key, "sk-fromfile0123456789abcdef");
	setenv("PERFLENS_AI_KEY", "  pl-key-0123456789  ", 1);
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.key, "pl-key-0123456789");
	assert_string_equal(c.key_source, "PERFLENS_AI_KEY");
	/* vendor variables stay with their vendor */
	unsetenv("PERFLENS_AI_KEY");
	cli = (struct ai_cli){ .url = "https://router.huggingface.co/v1", .model = "x" };
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.key, "hf_token0123456789abcdefgh");
	cli.url = "https://llm.example.com/v1";
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.key, "");
	assert_non_null(strstr(c.warning, "OPENAI_API_KEY is set but is not sent"));
	cli.url = "http://127.0.0.1:8080/v1"; /* loopback: the generic variables apply */
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.key, "sk-openai0123456789abcdef");
}

static void test_key_file_mode(void **state)
{
	struct ai_cli cli = { .url = "http://127.0.0.1:1/v1", .model = "m" };
	struct ai_config c;
	char err[256], key[64];

	cli.key_file = key_file("open", "secret-in-open-file\n", 0644);
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "0644"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_string_equal(c.key, "");
	assert_int_equal(ai_config_read_key_file(key_file("ro", "k0123\n", 0400), key, sizeof(key),
						 err, sizeof(err)), 0);
	assert_string_equal(key, "k0123");
	assert_int_equal(ai_config_read_key_file(key_file("empty", "\n", 0600), key, sizeof(key),
						 err, sizeof(err)), -EINVAL);
	assert_int_equal(ai_config_read_key_file("/nonexistent/k", key, sizeof(key), err,
						 sizeof(err)), -ENOENT);
	assert_int_equal(ai_config_read_key_file(dir, key, sizeof(key), err, sizeof(err)), -EINVAL);
	/* a key that could split the Authorization header is refused */
	setenv("PERFLENS_AI_KEY", "abc\r\nX-Evil: 1", 1);
	cli.key_file = NULL;
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), -EINVAL);
}

static void test_key_is_scrubbed(void **state)
{
	struct ai_cli cli = { .url = "http://127.0.0.1:1/v1", .model = "m" };
	struct ai_config c;
	char err[256], out[128];

	setenv("PERFLENS_AI_KEY", "plainword42", 1);
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	scrub_copy(out, sizeof(out), "echo plainword42 done");
	assert_null(strstr(out, "plainword42"));
	ai_config_wipe(&c);
	assert_string_equal(c.key, "");
	scrub_set_enabled(false);
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "--no-scrub"));
}

static void test_endpoint_policy(void **state)
{
	char host[256], err[256];
	bool lo;

	assert_int_equal(ai_endpoint_check("http://127.0.0.1:11434/v1", true, host, sizeof(host),
					   &lo, err, sizeof(err)), 0);
	assert_true(lo);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(ai_endpoint_check("http://gpu-box:8000/v1", true, host, sizeof(host), &lo,
					   err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "cleartext"));
	assert_int_equal(ai_endpoint_check("http://gpu-box:8000/v1", false, host, sizeof(host), &lo,
					   err, sizeof(err)), 0);
	assert_false(lo);
	assert_int_equal(ai_endpoint_check("HTTPS://router.huggingface.co/v1", true, host,
					   sizeof(host), &lo, err, sizeof(err)), 0);
	assert_string_equal(host, "router.huggingface.co");
	assert_int_equal(ai_endpoint_check("ftp://x/v1", false, host, sizeof(host), &lo, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(ai_endpoint_check("https://user:pw@x/v1", false, host, sizeof(host), &lo,
					   err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "credentials"));
	assert_int_equal(ai_endpoint_check("http:///v1", false, host, sizeof(host), &lo, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(ai_endpoint_check("http://a b/v1", false, host, sizeof(host), &lo, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(ai_endpoint_check("http://[::1]:8080", true, host, sizeof(host), &lo, err,
					   sizeof(err)), 0);
	assert_true(lo);
	assert_true(ai_host_is_loopback("localhost"));
	assert_true(ai_host_is_loopback("LOCALHOST"));
	assert_true(ai_host_is_loopback("ollama.localhost"));
	assert_true(ai_host_is_loopback("127.8.9.10"));
	assert_true(ai_host_is_loopback("::1"));
	assert_false(ai_host_is_loopback("127.0.0.1.evil.com"));
	assert_false(ai_host_is_loopback("localhost.evil.com"));
	assert_false(ai_host_is_loopback("10.0.0.1"));
	assert_false(ai_host_is_loopback("128.0.0.1"));
}

static void test_resolve_refuses_cleartext_key(void **state)
{
	struct ai_cli cli = { .url = "http://10.1.2.3:8000/v1", .model = "m" };
	struct ai_config c;
	char err[256];

	setenv("PERFLENS_AI_KEY", "k-0123456789", 1);
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), -EPERM);
	assert_string_equal(c.key, ""); /* wiped on failure */
	unsetenv("PERFLENS_AI_KEY");
	assert_int_equal(ai_config_resolve(&c, &cli, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(c.warning, "10.1.2.3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_off_by_default, setup),
		cmocka_unit_test_setup(test_precedence, setup),
		cmocka_unit_test_setup(test_key_order, setup),
		cmocka_unit_test_setup(test_key_file_mode, setup),
		cmocka_unit_test_setup(test_key_is_scrubbed, setup),
		cmocka_unit_test_setup(test_endpoint_policy, setup),
		cmocka_unit_test_setup(test_resolve_refuses_cleartext_key, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
