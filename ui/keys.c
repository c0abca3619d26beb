#include "keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct action_info {
	const char *name;
	const char *help;
};

static const struct action_info actions[ACT_COUNT] = {
	[ACT_QUIT] = { "quit", "quit" },
	[ACT_HELP] = { "help", "this help (keys, generated from the key table)" },
	[ACT_LOG] = { "log", "messages: stderr and libbpf chatter caught while the screen is up" },
	[ACT_BACK] = { "back", "go back (the previous view keeps its selection and scroll)" },
	[ACT_PAUSE] = { "pause", "pause/resume the display (capture continues)" },
	[ACT_FASTER] = { "faster", "refresh more often" },
	[ACT_SLOWER] = { "slower", "refresh less often" },
	[ACT_SEARCH] = { "search", "search in the current list" },
	[ACT_SEARCH_NEXT] = { "search_next", "next search match" },
	[ACT_SEARCH_PREV] = { "search_prev", "previous search match" },
	[ACT_FILTER] = { "filter", "filter: comm, type, kind, file, pid, cgroup, re:REGEX; ! negates" },
	[ACT_REDRAW] = { "redraw", "redraw the whole screen" },
	[ACT_VIEW_DASH] = { "dashboard", "dashboard" },
	[ACT_VIEW_TIMELINE] = { "timeline", "timeline: per-second bars and latency heat map" },
	[ACT_VIEW_PROCS] = { "processes", "process tree" },
	[ACT_VIEW_EVENTS] = { "events", "recent slow events" },
	[ACT_VIEW_STACKS] = { "stacks", "top stacks and flame view" },
	[ACT_VIEW_HOT] = { "hot", "hot functions (PMU samples)" },
	[ACT_VIEW_AI] = { "ai", "AI insight" },
	[ACT_VIEW_FINDINGS] = { "findings", "findings: health score, open and cleared findings" },
	[ACT_UP] = { "up", "move up" },
	[ACT_DOWN] = { "down", "move down" },
	[ACT_LEFT] = { "left", "move left / collapse" },
	[ACT_RIGHT] = { "right", "move right / expand" },
	[ACT_PGUP] = { "page_up", "page up" },
	[ACT_PGDN] = { "page_down", "page down" },
	[ACT_HOME] = { "home", "first row / oldest second" },
	[ACT_END] = { "end", "last row / newest second" },
	[ACT_ENTER] = { "enter", "drill down: details of the selection" },
	[ACT_SORT] = { "sort", "sort by time or by latency" },
	[ACT_FOLLOW] = { "follow", "follow the selected process" },
	[ACT_COLLAPSE] = { "collapse", "collapse or expand the selected node" },
	[ACT_EXPAND_ALL] = { "expand_all", "expand everything" },
	[ACT_FLAME] = { "flame", "switch between the stack list and the flame view" },
	[ACT_MARK] = { "mark", "bookmark this moment, with an optional label (recordings, casts)" },
	[ACT_AI_ASK] = { "ai_ask", "ask the AI now (it never runs a suggested command)" },
	[ACT_EXPLAIN] = { "explain", "explain the selected finding: its rule's thresholds and timing" },
	[ACT_RP_PAUSE] = { "replay_pause", "replay: play or pause" },
	[ACT_RP_FASTER] = { "replay_faster", "replay: faster (up to 16x)" },
	[ACT_RP_SLOWER] = { "replay_slower", "replay: slower (down to 0.25x)" },
	[ACT_RP_STEP] = { "replay_step", "replay: one second forward" },
	[ACT_RP_BACK] = { "replay_back", "replay: one second back" },
	[ACT_RP_JUMP] = { "replay_jump", "replay: one minute forward" },
	[ACT_RP_BACK_MIN] = { "replay_back_minute", "replay: one minute back" },
	[ACT_RP_SPIKE] = { "replay_spike", "replay: jump to the next spike" },
	[ACT_RP_GOTO] = { "replay_goto", "replay: jump to a time (HH:MM:SS, +90s, -5m)" },
	[ACT_RP_CURSOR] = { "replay_cursor", "replay: jump to the timeline cursor's second" },
};

#define NAV (CTX_ALL)
#define LISTS (CTX_PROCS | CTX_EVENTS)
/* ? is help everywhere but in the findings view, where it explains the
 * selected finding; F1 stays help there too.  The contexts do not overlap,
 * so lookup needs no precedence rule. */
#define HELP_Q (CTX_ALL & ~CTX_FINDINGS)

const struct key_binding keys_default[] = {
	{ 'q', ACT_QUIT, CTX_ALL },        { K_F10, ACT_QUIT, CTX_ALL },
	{ '?', ACT_HELP, HELP_Q },         { K_F1, ACT_HELP, CTX_ALL },
	{ '?', ACT_EXPLAIN, CTX_FINDINGS },
	{ 'L', ACT_LOG, CTX_ALL },
	{ K_ESC, ACT_BACK, CTX_ALL },      { K_BACKSPACE, ACT_BACK, CTX_ALL },
	{ ' ', ACT_PAUSE, CTX_ALL },
	{ 'm', ACT_MARK, CTX_ALL },
	{ 'r', ACT_AI_ASK, CTX_AI },
	{ '+', ACT_FASTER, CTX_ALL },      { '=', ACT_FASTER, CTX_ALL },
	{ '-', ACT_SLOWER, CTX_ALL },
	{ '/', ACT_SEARCH, CTX_ALL },      { 'n', ACT_SEARCH_NEXT, CTX_ALL },
	{ 'N', ACT_SEARCH_PREV, CTX_ALL }, { K_F3, ACT_SEARCH_NEXT, CTX_ALL },
	{ '\\', ACT_FILTER, CTX_ALL },     { K_F4, ACT_FILTER, CTX_ALL },
	{ K_CTRL('l'), ACT_REDRAW, CTX_ALL },
	{ 'd', ACT_VIEW_DASH, CTX_ALL },   { 't', ACT_VIEW_TIMELINE, CTX_ALL },
	{ 'p', ACT_VIEW_PROCS, CTX_ALL },  { 'e', ACT_VIEW_EVENTS, CTX_ALL },
	{ 's', ACT_VIEW_STACKS, CTX_ALL }, { 'h', ACT_VIEW_HOT, CTX_ALL },
	{ 'a', ACT_VIEW_AI, CTX_ALL },     { '!', ACT_VIEW_FINDINGS, CTX_ALL },
	{ K_UP, ACT_UP, NAV },             { 'k', ACT_UP, NAV },
	{ K_DOWN, ACT_DOWN, NAV },         { 'j', ACT_DOWN, NAV },
	{ K_LEFT, ACT_LEFT, NAV },         { K_RIGHT, ACT_RIGHT, NAV },
	{ K_PGUP, ACT_PGUP, NAV },         { K_PGDN, ACT_PGDN, NAV },
	{ K_HOME, ACT_HOME, NAV },         { K_END, ACT_END, NAV },
	{ K_ENTER, ACT_ENTER, NAV },
	{ 'o', ACT_SORT, CTX_EVENTS },     { K_F6, ACT_SORT, CTX_EVENTS },
	{ 'F', ACT_FOLLOW, CTX_PROCS },
	{ 'c', ACT_COLLAPSE, CTX_PROCS | CTX_STACKS | CTX_FINDINGS },
	{ '*', ACT_EXPAND_ALL, CTX_PROCS | CTX_STACKS | CTX_FINDINGS },
	{ 'f', ACT_FLAME, CTX_STACKS },
};
const size_t keys_default_count = sizeof(keys_default) / sizeof(keys_default[0]);

const struct key_binding keys_replay[] = {
	{ 'x', ACT_RP_PAUSE, CTX_ALL },  { '>', ACT_RP_FASTER, CTX_ALL },
	{ '<', ACT_RP_SLOWER, CTX_ALL }, { '.', ACT_RP_STEP, CTX_ALL },
	{ ',', ACT_RP_BACK, CTX_ALL },   { 'J', ACT_RP_JUMP, CTX_ALL },
	{ 'B', ACT_RP_BACK_MIN, CTX_ALL }, { ']', ACT_RP_SPIKE, CTX_ALL },
	{ 'g', ACT_RP_GOTO, CTX_ALL },   { 'G', ACT_RP_CURSOR, CTX_TIMELINE },
};
const size_t keys_replay_count = sizeof(keys_replay) / sizeof(keys_replay[0]);

static void copy_name(char *dst, size_t sz, const char *src)
{
	snprintf(dst, sz, "%s", src);
}

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
	copy_name(km->layer[0].name, sizeof(km->layer[0].name), "base");
	memcpy(km->layer[0].b, keys_default, sizeof(keys_default));
	km->layer[0].n = keys_default_count;
	km->nlayers = 1;
}

/* A binding of key in a context overlapping ctx, skipping one slot. */
static const struct key_binding *find_clash(const struct keymap *km, int key, unsigned ctx,
					    const struct key_binding *skip)
{
	for (int l = 0; l < km->nlayers; l++)
		for (size_t i = 0; i < km->layer[l].n; i++) {
			const struct key_binding *b = &km->layer[l].b[i];

			if (b != skip && b->key == key && (b->ctx & ctx))
				return b;
		}
	return NULL;
}

static void clash_msg(char *err, size_t errsz, int key, enum action have)
{
	char kn[24];

	if (err && errsz)
		snprintf(err, errsz, "key %s is already bound to %s", key_label(key, kn, sizeof(kn)),
			 action_name(have) ? action_name(have) : "?");
}

int keymap_add_layer(struct keymap *km, const char *name, const struct key_binding *b, size_t n,
		     char *err, size_t errsz)
{
	struct key_layer *l;

	if (km->nlayers == KEYMAP_MAX_LAYERS || n > KEYMAP_MAX_BINDINGS) {
		if (err && errsz)
			snprintf(err, errsz, "no room for key layer %s", name);
		return -ENOSPC;
	}
	for (size_t i = 0; i < n; i++) {
		const struct key_binding *c = find_clash(km, b[i].key, b[i].ctx, NULL);

		if (c) {
			clash_msg(err, errsz, b[i].key, c->action);
			return -EEXIST;
		}
	}
	l = &km->layer[km->nlayers++];
	copy_name(l->name, sizeof(l->name), name);
	memcpy(l->b, b, n * sizeof(*b));
	l->n = n;
	return 0;
}

enum action keymap_lookup(const struct keymap *km, int key, unsigned ctx)
{
	for (int l = km->nlayers - 1; l >= 0; l--)
		for (size_t i = 0; i < km->layer[l].n; i++) {
			const struct key_binding *b = &km->layer[l].b[i];

			if (b->key == key && (b->ctx & ctx))
				return b->action;
		}
	return ACT_NONE;
}

const char *action_name(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].name : NULL;
}

const char *action_help(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT && actions[a].help ? actions[a].help : "";
}

enum action action_from_name(const char *name)
{
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
		if (actions[a].name && strcmp(actions[a].name, name) == 0)
			return (enum action)a;
	return ACT_NONE;
}

struct named_key {
	const char *name;
	int key;
};

/* The first name of a key is the one key_label prints. */
static const struct named_key named[] = {
	{ "Enter", K_ENTER }, { "Return", K_ENTER }, { "Esc", K_ESC }, { "Escape", K_ESC },
	{ "Tab", K_TAB }, { "Space", ' ' }, { "Up", K_UP }, { "Down", K_DOWN },
	{ "Left", K_LEFT }, { "Right", K_RIGHT }, { "PgUp", K_PGUP }, { "PageUp", K_PGUP },
	{ "PgDn", K_PGDN }, { "PageDown", K_PGDN }, { "Home", K_HOME }, { "End", K_END },
	{ "Backspace", K_BACKSPACE }, { "Delete", K_DELETE }, { "Del", K_DELETE },
};

const char *key_label(int key, char *buf, size_t sz)
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].key == key) {
			snprintf(buf, sz, "%s", named[i].name);
			return buf;
		}
	if (key >= K_F1 && key <= K_F12)
		snprintf(buf, sz, "F%d", key - K_F1 + 1);
	else if (key > 0 && key < 32)
		snprintf(buf, sz, "^%c", key + 64);
	else if (key > 32 && key < 127)
		snprintf(buf, sz, "%c", key);
	else
		snprintf(buf, sz, "#%d", key);
	return buf;
}

int key_parse(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcasecmp(named[i].name, name) == 0)
			return named[i].key;
	if (len == 1 && name[0] > 32 && name[0] < 127)
		return name[0];
	if (len == 2 && name[0] == '^' && name[1] >= '@' && name[1] <= '_')
		return name[1] - 64;
	if (len == 2 && name[0] == '^' && name[1] >= 'a' && name[1] <= 'z')
		return name[1] - 96;
	if ((len == 2 || len == 3) && (name[0] == 'F' || name[0] == 'f')) {
		char *end;
		long n = strtol(name + 1, &end, 10);

		if (!*end && n >= 1 && n <= 12)
			return K_F1 + (int)n - 1;
	}
	return -1;
}

/* Union of the contexts an action is bound in now, so a rebind keeps them. */
static unsigned action_ctx(const struct keymap *km, enum action a)
{
	unsigned ctx = 0;

	for (int l = 0; l < km->nlayers; l++)
		for (size_t i = 0; i < km->layer[l].n; i++)
			if (km->layer[l].b[i].action == a)
				ctx |= km->layer[l].b[i].ctx;
	return ctx;
}

/* The contexts key is bound to action a in now; 0 when it is not. */
static unsigned key_ctx(const struct keymap *km, enum action a, int key)
{
	unsigned ctx = 0;

	for (int l = 0; l < km->nlayers; l++)
		for (size_t i = 0; i < km->layer[l].n; i++)
			if (km->layer[l].b[i].action == a && km->layer[l].b[i].key == key)
				ctx |= km->layer[l].b[i].ctx;
	return ctx;
}

static void remove_action(struct keymap *km, enum action a)
{
	for (int l = 0; l < km->nlayers; l++) {
		struct key_layer *ly = &km->layer[l];
		size_t w = 0;

		for (size_t i = 0; i < ly->n; i++)
			if (ly->b[i].action != a)
				ly->b[w++] = ly->b[i];
		ly->n = w;
	}
}

#define REBIND_MAX 8

int keymap_rebind(struct keymap *km, const char *action, const char *keys, char *err,
		  size_t errsz)
{
	enum action a = action_from_name(action);
	int parsed[REBIND_MAX], np = 0;
	unsigned kctx[REBIND_MAX];
	char buf[128], *save = NULL, *tok;
	struct key_layer *base = &km->layer[0];
	unsigned ctx;

	if (a == ACT_NONE) {
		snprintf(err, errsz, "unknown action '%s'", action);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", keys);
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		int k = key_parse(tok);

		if (k < 0 || np == REBIND_MAX) {
			snprintf(err, errsz, k < 0 ? "unknown key '%s'" : "too many keys at '%s'", tok);
			return -EINVAL;
		}
		parsed[np++] = k;
	}
	if (np == 0) {
		snprintf(err, errsz, "no key given for %s", action);
		return -EINVAL;
	}
	ctx = action_ctx(km, a);
	for (int i = 0; i < np; i++) {
		const struct key_binding *c;

		/* A key the action already has keeps its contexts (? stays out
		 * of the findings view, where it explains). */
		kctx[i] = key_ctx(km, a, parsed[i]);
		kctx[i] = kctx[i] ? kctx[i] : ctx;
		c = find_clash(km, parsed[i], kctx[i], NULL);
		if (c && c->action != a) {
			clash_msg(err, errsz, parsed[i], c->action);
			return -EEXIST;
		}
	}
	remove_action(km, a);
	if (base->n + (size_t)np > KEYMAP_MAX_BINDINGS) {
		snprintf(err, errsz, "too many bindings");
		return -ENOSPC;
	}
	for (int i = 0; i < np; i++)
		base->b[base->n++] = (struct key_binding){ parsed[i], a, kctx[i] };
	return 0;
}

int keymap_apply_config(struct keymap *km, const struct config *c,
			void (*warn)(void *arg, const char *text), void *arg)
{
	int applied = 0;

	for (size_t i = 0; i < config_count(c); i++) {
		const char *k = config_key(c, i);
		char err[128], msg[256];

		if (strncmp(k, "key.", 4) != 0)
			continue;
		if (keymap_rebind(km, k + 4, config_value(c, i), err, sizeof(err)) == 0) {
			applied++;
		} else if (warn) {
			snprintf(msg, sizeof(msg), "config %s: %s", k, err);
			warn(arg, msg);
		}
	}
	return applied;
}

size_t keymap_keys_for(const struct keymap *km, enum action a, unsigned ctx, char *buf, size_t sz)
{
	size_t w = 0;

	if (sz)
		buf[0] = '\0';
	for (int l = 0; l < km->nlayers; l++)
		for (size_t i = 0; i < km->layer[l].n; i++) {
			const struct key_binding *b = &km->layer[l].b[i];
			char kn[24];
			int n;

			if (b->action != a || !(b->ctx & ctx) || w >= sz)
				continue;
			n = snprintf(buf + w, sz - w, "%s%s", w ? " " : "", key_label(b->key, kn, sizeof(kn)));
			if (n < 0)
				break;
			w += (size_t)n < sz - w ? (size_t)n : sz - w - 1;
		}
	return w;
}
