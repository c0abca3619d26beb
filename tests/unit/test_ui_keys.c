/*
 * Key table completeness: every key the help lists dispatches to a handler
 * and every handler is reachable from a key; layers refuse clashes;
 * rebinding from the config; dispatch through tui_key (no terminal).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "ui/keys.h"
#include "ui/tui_int.h"
#include "util/config.h"

static void test_every_action_has_handler_and_key(void **state)
{
	struct keymap km;

	(void)state;
	keymap_init(&km);
	/* Every layer a session can have: replay adds its controls on top. */
	assert_int_equal(keymap_add_layer(&km, "replay", keys_replay, keys_replay_count, NULL, 0), 0);
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		char keys[64];

		assert_non_null(action_name((enum action)a));
		assert_true(strlen(action_help((enum action)a)) > 0);
		/* A handler for every action, and at least one key reaching it. */
		if (!action_handlers[a])
			fail_msg("action %s has no handler", action_name((enum action)a));
		if (!keymap_keys_for(&km, (enum action)a, CTX_ALL, keys, sizeof(keys)))
			fail_msg("action %s has no key", action_name((enum action)a));
		/* ... and a line in the help. */
		if (!help_lists_action((enum action)a))
			fail_msg("action %s is missing from the help", action_name((enum action)a));
	}
}

static void test_every_key_dispatches(void **state)
{
	struct keymap km;

	(void)state;
	keymap_init(&km);
	for (size_t i = 0; i < keys_default_count; i++) {
		const struct key_binding *b = &keys_default[i];
		char name[24];

		/* The key reaches its own action in each of its contexts... */
		for (unsigned c = 1; c & CTX_ALL; c <<= 1)
			if (b->ctx & c)
				assert_int_equal(keymap_lookup(&km, b->key, c), b->action);
		/* ... which has a handler ... */
		assert_non_null(action_handlers[b->action]);
		/* ... and the name help prints parses back to the same key. */
		assert_int_equal(key_parse(key_label(b->key, name, sizeof(name))), b->key);
	}
	assert_int_equal(keymap_lookup(&km, 'Z', CTX_ALL), ACT_NONE);
	/* View keys only where they apply. */
	assert_int_equal(keymap_lookup(&km, 'o', CTX_EVENTS), ACT_SORT);
	assert_int_equal(keymap_lookup(&km, 'o', CTX_DASH), ACT_NONE);
	/* ? is help everywhere but the findings view, where it explains; F1
	 * is help there too. */
	assert_int_equal(keymap_lookup(&km, '?', CTX_DASH), ACT_HELP);
	assert_int_equal(keymap_lookup(&km, '?', CTX_DETAIL), ACT_HELP);
	assert_int_equal(keymap_lookup(&km, '?', CTX_FINDINGS), ACT_EXPLAIN);
	assert_int_equal(keymap_lookup(&km, K_F1, CTX_FINDINGS), ACT_HELP);
	assert_int_equal(keymap_lookup(&km, '!', CTX_EVENTS), ACT_VIEW_FINDINGS);
}

static void test_no_duplicate_bindings(void **state)
{
	(void)state;
	for (size_t i = 0; i < keys_default_count; i++)
		for (size_t j = i + 1; j < keys_default_count; j++)
			if (keys_default[i].key == keys_default[j].key &&
			    (keys_default[i].ctx & keys_default[j].ctx))
				fail_msg("key %d bound twice in one context", keys_default[i].key);
}

static void test_layers(void **state)
{
	struct keymap km;
	char err[128];
	/* A replay layer: new keys are fine, taking 'q' is refused. */
	const struct key_binding ok[] = { { ']', ACT_FASTER, CTX_ALL }, { '[', ACT_SLOWER, CTX_ALL } };
	const struct key_binding clash[] = { { 'q', ACT_PAUSE, CTX_ALL } };

	(void)state;
	keymap_init(&km);
	assert_int_equal(keymap_add_layer(&km, "replay", ok, 2, err, sizeof(err)), 0);
	assert_int_equal(keymap_lookup(&km, ']', CTX_EVENTS), ACT_FASTER);
	assert_int_equal(keymap_add_layer(&km, "bad", clash, 1, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "quit"));
	assert_int_equal(keymap_lookup(&km, 'q', CTX_DASH), ACT_QUIT);
	assert_int_equal(km.nlayers, 2);
}

static void test_rebind_from_config(void **state)
{
	static const char text[] = "key.quit = x F9\n"
				   "key.pause = q\n"       /* free again: quit moved to x */
				   "key.nosuch = a\n"
				   "key.help = NoSuchKey\n"
				   "key.sort = d\n";        /* 'd' is the dashboard everywhere */
	struct config *c = config_parse(text, sizeof(text) - 1, "test");
	struct keymap km;
	(void)state;
	assert_non_null(c);
	keymap_init(&km);
	assert_int_equal(keymap_apply_config(&km, c, NULL, NULL), 2);
	assert_int_equal(keymap_lookup(&km, 'x', CTX_DASH), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, K_F9, CTX_DASH), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, K_F10, CTX_DASH), ACT_NONE);
	assert_int_equal(keymap_lookup(&km, 'q', CTX_DASH), ACT_PAUSE);
	assert_int_equal(keymap_lookup(&km, 'd', CTX_EVENTS), ACT_VIEW_DASH);
	config_free(c);
}

/* Rebinding help keeps ? out of the findings view (it explains there); a
 * new key for help is refused where explain holds it. */
static void test_rebind_keeps_view_overrides(void **state)
{
	struct keymap km;
	char err[128];

	(void)state;
	keymap_init(&km);
	assert_int_equal(keymap_rebind(&km, "help", "? F1 F2", err, sizeof(err)), 0);
	assert_int_equal(keymap_lookup(&km, '?', CTX_DASH), ACT_HELP);
	assert_int_equal(keymap_lookup(&km, '?', CTX_FINDINGS), ACT_EXPLAIN);
	assert_int_equal(keymap_lookup(&km, K_F2, CTX_FINDINGS), ACT_HELP);
	assert_int_equal(keymap_rebind(&km, "quit", "?", err, sizeof(err)), -EEXIST);
	assert_int_equal(keymap_rebind(&km, "explain", "F5", err, sizeof(err)), 0);
	assert_int_equal(keymap_lookup(&km, K_F5, CTX_FINDINGS), ACT_EXPLAIN);
	assert_int_equal(keymap_lookup(&km, K_F5, CTX_DASH), ACT_NONE);
}

static int warn_count;

static void count_warn(void *arg, const char *text)
{
	(void)arg;
	(void)text;
	warn_count++;
}

static void test_rebind_warnings(void **state)
{
	static const char text[] = "key.nosuch = a\nkey.help = NoSuchKey\nkey.sort = d\n";
	struct config *c = config_parse(text, sizeof(text) - 1, "test");
	struct keymap km;

	(void)state;
	keymap_init(&km);
	warn_count = 0;
	assert_int_equal(keymap_apply_config(&km, c, count_warn, NULL), 0);
	assert_int_equal(warn_count, 3);
	config_free(c);
}

/* Dispatch through the real handlers with a real engine and no terminal. */
static void test_dispatch(void **state)
{
	struct engine_config ec = { .window_s = 60, .eventlog_cap = 1000, .proc_cap = 100,
				    .keep_exited_ns = 1000000000ull };
	struct pl_options o = { .refresh_ms = 1000 };
	struct engine *e = engine_new(&ec);
	struct tui_env env = { .eng = e, .opts = &o };
	struct tui *t;

	(void)state;
	assert_non_null(e);
	t = tui_new(&env);
	assert_non_null(t);
	assert_true(tui_key(t, 'e', NULL) & UI_DATA);
	assert_ptr_equal(tui_view(t), t->top[TV_EVENTS]);
	tui_key(t, 'p', NULL);
	assert_ptr_equal(tui_view(t), t->top[TV_PROCS]);
	tui_key(t, K_ESC, NULL);                      /* back keeps the previous view */
	assert_ptr_equal(tui_view(t), t->top[TV_EVENTS]);
	tui_key(t, ' ', NULL);
	assert_true(t->paused);
	tui_key(t, '+', NULL);
	assert_int_equal(t->refresh_ms, 500);
	tui_key(t, '-', NULL);
	tui_key(t, '-', NULL);
	assert_int_equal(t->refresh_ms, 2000);
	tui_key(t, '\\', NULL);                       /* the filter prompt */
	assert_int_equal(t->prompt.mode, PROMPT_FILTER);
	tui_key(t, '!', NULL);
	tui_key(t, 'r', NULL);
	tui_key(t, 'e', NULL);
	tui_key(t, 'a', NULL);
	tui_key(t, 'd', NULL);
	tui_key(t, K_ENTER, NULL);
	assert_int_equal(t->prompt.mode, PROMPT_NONE);
	assert_int_equal(t->filter.n, 1);
	assert_true(t->filter.t[0].neg);
	assert_true(tui_key(t, 'q', NULL) & UI_QUIT);
	tui_free(t);
	engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_action_has_handler_and_key),
		cmocka_unit_test(test_every_key_dispatches),
		cmocka_unit_test(test_no_duplicate_bindings),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_rebind_from_config),
		cmocka_unit_test(test_rebind_warnings),
		cmocka_unit_test(test_rebind_keeps_view_overrides),
		cmocka_unit_test(test_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
