/*
 * What each action does.  Every action the key table can produce has a
 * handler here (a unit test checks both directions), and each returns
 * UI_* flags instead of drawing.
 */
#include "tui_int.h"

#include <stdio.h>
#include <string.h>

#include "applog.h"

/* Context bits for the view on top: top-level views by identity, the rest
 * are details. */
unsigned tui_ctx(struct tui *t)
{
	static const unsigned ctx[TV_COUNT] = {
		[TV_DASH] = CTX_DASH, [TV_TIMELINE] = CTX_TIMELINE, [TV_PROCS] = CTX_PROCS,
		[TV_EVENTS] = CTX_EVENTS, [TV_STACKS] = CTX_STACKS, [TV_HOT] = CTX_HOT,
		[TV_AI] = CTX_AI, [TV_FINDINGS] = CTX_FINDINGS, [TV_HELP] = CTX_HELP,
		[TV_LOG] = CTX_LOG,
	};
	struct view *v = tui_view(t);

	for (int i = 0; i < TV_COUNT; i++)
		if (t->top[i] == v)
			return ctx[i];
	return v->ops->ctx ? v->ops->ctx : CTX_DETAIL;
}

static unsigned on_quit(struct tui *t, enum action a)
{
	(void)a;
	t->quit = true;
	return UI_QUIT;
}

static unsigned on_view(struct tui *t, enum action a)
{
	static const struct {
		enum action a;
		enum top_view tv;
	} map[] = {
		{ ACT_VIEW_DASH, TV_DASH },     { ACT_VIEW_TIMELINE, TV_TIMELINE },
		{ ACT_VIEW_PROCS, TV_PROCS },   { ACT_VIEW_EVENTS, TV_EVENTS },
		{ ACT_VIEW_STACKS, TV_STACKS }, { ACT_VIEW_HOT, TV_HOT },
		{ ACT_VIEW_AI, TV_AI },         { ACT_VIEW_FINDINGS, TV_FINDINGS },
		{ ACT_HELP, TV_HELP },
		{ ACT_LOG, TV_LOG },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].a == a)
			tui_show(t, map[i].tv);
	return UI_REDRAW | UI_DATA;
}

static unsigned on_back(struct tui *t, enum action a)
{
	(void)a;
	if (!tui_pop(t)) {
		tui_message(t, "nothing to go back to (q quits)");
		return UI_REDRAW;
	}
	return UI_REDRAW | UI_DATA;
}

static unsigned on_pause(struct tui *t, enum action a)
{
	(void)a;
	t->paused = !t->paused;
	if (!t->paused)
		t->next_tick_ns = 0; /* catch up at once */
	tui_message(t, t->paused ? "display paused; capture continues (space resumes)"
				 : "live");
	return UI_REDRAW | UI_DATA;
}

/* Refresh periods offered by + and -. */
static const unsigned periods[] = { 100, 200, 500, 1000, 2000, 5000, 10000 };
#define NPERIODS (sizeof(periods) / sizeof(periods[0]))

static unsigned on_rate(struct tui *t, enum action a)
{
	unsigned next = t->refresh_ms;

	if (a == ACT_FASTER) {
		for (size_t i = NPERIODS; i-- > 0;)
			if (periods[i] < t->refresh_ms) {
				next = periods[i];
				break;
			}
	} else {
		for (size_t i = 0; i < NPERIODS; i++)
			if (periods[i] > t->refresh_ms) {
				next = periods[i];
				break;
			}
	}
	t->refresh_ms = next;
	t->next_tick_ns = engine_now_ns() + t->refresh_ms * 1000000ull;
	tui_message(t, "refresh every %.1fs", t->refresh_ms / 1000.0);
	return UI_REDRAW;
}

static unsigned on_ai_ask(struct tui *t, enum action a)
{
	(void)a;
	if (!t->env->ai_ask) {
		tui_message(t, "AI is not configured: see perflens(8)");
		return UI_REDRAW;
	}
	t->env->ai_ask(t->env->prov_ctx);
	tui_message(t, "asking the AI now");
	return UI_REDRAW | UI_DATA;
}

static unsigned on_replay(struct tui *t, enum action a)
{
	if (!t->env->replay_control)
		return 0;
	t->env->replay_control(t->env->hook_ctx, (int)(a - ACT_RP_PAUSE));
	t->next_tick_ns = 0; /* show the new position at once */
	return UI_REDRAW | UI_DATA;
}

static unsigned on_prompt(struct tui *t, enum action a)
{
	if (a == ACT_RP_GOTO && !t->env->replay_goto)
		return 0;
	t->prompt.mode = a == ACT_SEARCH ? PROMPT_SEARCH : a == ACT_MARK ? PROMPT_MARK
		       : a == ACT_RP_GOTO ? PROMPT_GOTO : PROMPT_FILTER;
	/* Editing the filter starts from the current one. */
	snprintf(t->prompt.buf, sizeof(t->prompt.buf), "%s", a == ACT_FILTER ? t->filter.src : "");
	t->prompt.len = strlen(t->prompt.buf);
	return UI_REDRAW;
}

static unsigned on_search_step(struct tui *t, enum action a)
{
	struct view *v = tui_view(t);

	if (!t->search[0]) {
		tui_message(t, "no search yet: / starts one");
		return UI_REDRAW;
	}
	if (!v->ops->search) {
		tui_message(t, "this view cannot be searched");
		return UI_REDRAW;
	}
	if (!v->ops->search(v, t, t->search, a == ACT_SEARCH_PREV ? -1 : 1))
		tui_message(t, "not found: %s", t->search);
	return UI_REDRAW | UI_DATA;
}

static unsigned on_redraw(struct tui *t, enum action a)
{
	(void)t;
	(void)a;
	draw_invalidate();
	return UI_REDRAW | UI_DATA;
}

/* Navigation and view-specific actions go to the view on top. */
static unsigned on_view_action(struct tui *t, enum action a)
{
	struct view *v = tui_view(t);

	return v->ops->action ? v->ops->action(v, t, a) : 0;
}

const action_fn action_handlers[ACT_COUNT] = {
	[ACT_QUIT] = on_quit,
	[ACT_HELP] = on_view,
	[ACT_LOG] = on_view,
	[ACT_BACK] = on_back,
	[ACT_PAUSE] = on_pause,
	[ACT_MARK] = on_prompt,
	[ACT_AI_ASK] = on_ai_ask,
	[ACT_RP_PAUSE] = on_replay,
	[ACT_RP_FASTER] = on_replay,
	[ACT_RP_SLOWER] = on_replay,
	[ACT_RP_STEP] = on_replay,
	[ACT_RP_BACK] = on_replay,
	[ACT_RP_JUMP] = on_replay,
	[ACT_RP_BACK_MIN] = on_replay,
	[ACT_RP_SPIKE] = on_replay,
	[ACT_RP_GOTO] = on_prompt,
	[ACT_RP_CURSOR] = on_view_action,
	[ACT_FASTER] = on_rate,
	[ACT_SLOWER] = on_rate,
	[ACT_SEARCH] = on_prompt,
	[ACT_SEARCH_NEXT] = on_search_step,
	[ACT_SEARCH_PREV] = on_search_step,
	[ACT_FILTER] = on_prompt,
	[ACT_REDRAW] = on_redraw,
	[ACT_VIEW_DASH] = on_view,
	[ACT_VIEW_TIMELINE] = on_view,
	[ACT_VIEW_PROCS] = on_view,
	[ACT_VIEW_EVENTS] = on_view,
	[ACT_VIEW_STACKS] = on_view,
	[ACT_VIEW_HOT] = on_view,
	[ACT_VIEW_AI] = on_view,
	[ACT_VIEW_FINDINGS] = on_view,
	[ACT_UP] = on_view_action,
	[ACT_DOWN] = on_view_action,
	[ACT_LEFT] = on_view_action,
	[ACT_RIGHT] = on_view_action,
	[ACT_PGUP] = on_view_action,
	[ACT_PGDN] = on_view_action,
	[ACT_HOME] = on_view_action,
	[ACT_END] = on_view_action,
	[ACT_ENTER] = on_view_action,
	[ACT_SORT] = on_view_action,
	[ACT_FOLLOW] = on_view_action,
	[ACT_COLLAPSE] = on_view_action,
	[ACT_EXPAND_ALL] = on_view_action,
	[ACT_FLAME] = on_view_action,
	[ACT_EXPLAIN] = on_view_action,
};
