/*
 * Keys, actions and the layered key table.  The same table dispatches keys
 * and generates the help screen, so the two cannot drift apart.
 *
 * Key codes are our own (crt.c translates curses codes), so this module and
 * its tests never need a terminal.  A binding maps a key to an action in a
 * set of contexts (the views where it applies).  Layers stack: lookup tries
 * the newest layer first, and a new layer is refused when one of its keys
 * is already bound in an overlapping context (so the replay controls can
 * add keys without silently stealing one).  Keys can be rebound from the
 * config file: "key.<action> = <key> [<key>...]".
 */
#ifndef PERFLENS_UI_KEYS_H
#define PERFLENS_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "../src/util/config.h"

/* Printable keys are their code point; these are above Unicode. */
enum {
	K_NONE = 0,
	K_TAB = 9,
	K_ENTER = 10,
	K_ESC = 27,
	K_SPECIAL = 0x110000,
	K_UP, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME, K_END,
	K_BACKSPACE, K_DELETE, K_RESIZE, K_MOUSE,
	K_F1, K_F2, K_F3, K_F4, K_F5, K_F6, K_F7, K_F8, K_F9, K_F10, K_F11, K_F12,
};
#define K_CTRL(c) ((c) & 0x1f)

enum action {
	ACT_NONE = 0,
	/* global */
	ACT_QUIT, ACT_HELP, ACT_LOG, ACT_BACK, ACT_PAUSE, ACT_FASTER, ACT_SLOWER, ACT_SEARCH,
	ACT_SEARCH_NEXT, ACT_SEARCH_PREV, ACT_FILTER, ACT_REDRAW,
	ACT_VIEW_DASH, ACT_VIEW_TIMELINE, ACT_VIEW_PROCS, ACT_VIEW_EVENTS, ACT_VIEW_STACKS,
	ACT_VIEW_HOT, ACT_VIEW_AI, ACT_VIEW_FINDINGS,
	/* navigation, handed to the view on top */
	ACT_UP, ACT_DOWN, ACT_LEFT, ACT_RIGHT, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END, ACT_ENTER,
	/* view specific */
	ACT_SORT, ACT_FOLLOW, ACT_COLLAPSE, ACT_EXPAND_ALL, ACT_FLAME, ACT_EXPLAIN, ACT_MARK, ACT_AI_ASK,
	ACT_RP_PAUSE, ACT_RP_FASTER, ACT_RP_SLOWER, ACT_RP_STEP, ACT_RP_BACK, ACT_RP_JUMP,
	ACT_RP_BACK_MIN, ACT_RP_SPIKE, ACT_RP_GOTO, ACT_RP_CURSOR,
	ACT_COUNT
};

/* Contexts: one bit per kind of screen a binding applies in. */
enum {
	CTX_DASH = 1u << 0,
	CTX_TIMELINE = 1u << 1,
	CTX_PROCS = 1u << 2,
	CTX_EVENTS = 1u << 3,
	CTX_STACKS = 1u << 4,
	CTX_HOT = 1u << 5,
	CTX_AI = 1u << 6,
	CTX_HELP = 1u << 7,
	CTX_LOG = 1u << 8,
	CTX_DETAIL = 1u << 9,
	CTX_FINDINGS = 1u << 10,
	CTX_ALL = (1u << 11) - 1,
};

struct key_binding {
	int key;
	enum action action;
	unsigned ctx;
};

#define KEYMAP_MAX_LAYERS 4
#define KEYMAP_MAX_BINDINGS 96

struct key_layer {
	char name[16];
	struct key_binding b[KEYMAP_MAX_BINDINGS];
	size_t n;
};

struct keymap {
	struct key_layer layer[KEYMAP_MAX_LAYERS];
	int nlayers;
};

/* The replay controls' layer, added on top when replaying. */
extern const struct key_binding keys_replay[];
extern const size_t keys_replay_count;
/* The built-in bindings (layer "base"). */
extern const struct key_binding keys_default[];
extern const size_t keys_default_count;

/* A keymap holding the base layer. */
void keymap_init(struct keymap *km);
/* Add a layer on top.  -EEXIST (and err names the clash) when a key is
 * already bound in an overlapping context; -ENOSPC when full. */
int keymap_add_layer(struct keymap *km, const char *name, const struct key_binding *b, size_t n,
		     char *err, size_t errsz);
/* The action for key in context ctx (newest layer first), or ACT_NONE. */
enum action keymap_lookup(const struct keymap *km, int key, unsigned ctx);
/* Replace the keys of an action with a space-separated list ("x F9").
 * -EINVAL for an unknown action or key, -EEXIST for a clash. */
int keymap_rebind(struct keymap *km, const char *action, const char *keys, char *err,
		  size_t errsz);
/* Apply every "key.*" entry; each problem goes to warn(arg, text).
 * Returns how many rebinds applied. */
int keymap_apply_config(struct keymap *km, const struct config *c,
			void (*warn)(void *arg, const char *text), void *arg);

/* Config name of an action ("quit"), NULL for ACT_NONE/out of range. */
const char *action_name(enum action a);
/* One-line help for an action. */
const char *action_help(enum action a);
/* Action for a config name, or ACT_NONE. */
enum action action_from_name(const char *name);
/* Printable key name ("q", "F10", "Enter", "^L", "Space"). */
const char *key_label(int key, char *buf, size_t sz);
/* Parse a key name as key_label writes it (also "PageUp"...); -1 when bad. */
int key_parse(const char *name);
/* All keys bound to action a in any of ctx, as "q F10"; "" when none. */
size_t keymap_keys_for(const struct keymap *km, enum action a, unsigned ctx, char *buf,
		       size_t sz);

#endif
