/*
 * The TUI's data providers (struct tui_env): engine stores, resolved
 * stacks, hot functions and the saturation store, turned into the TUI's
 * own small types.  They take the engine lock inside, briefly.
 */
#ifndef PERFLENS_UI_PROVIDERS_H
#define PERFLENS_UI_PROVIDERS_H

#include "../src/engine.h"
#include "../src/stack_resolver.h"
#include "tui.h"

struct tui_providers {
	struct engine *eng;
	struct stack_resolver *res;
	char pmu_event[64];      /* what is sampled, as the hot view names it */
	bool pmu_on;
	struct ai_worker *ai;    /* NULL: AI off (always in replay) */
	struct ai_store *ai_store; /* the answers: the worker's, or the replay's; NULL: none */
	bool ai_recorded;        /* replay: the answers are recorded ones */
};

/* Point env's providers at p (which must outlive the TUI). */
void tui_providers_install(struct tui_env *env, struct tui_providers *p);

#endif
