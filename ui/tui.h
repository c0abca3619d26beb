/*
 * The interactive screen.  main.c builds the environment (engine, source,
 * options) and hands over the main thread; the TUI only reads the stores.
 */
#ifndef PERFLENS_TUI_H
#define PERFLENS_TUI_H

#include <signal.h>

#include "../src/consumer.h"
#include "../src/engine.h"
#include "../src/live/loader.h"
#include "../src/options.h"
#include "../src/source.h"

struct tui_env {
	struct engine *eng;
	struct pl_source *src;           /* stats (drops): callable from any thread */
	struct consumer *consumer;       /* eof / error of the feeding thread */
	const struct pl_paths *paths;    /* active attach paths; NULL in replay */
	const struct pl_options *opts;
	volatile sig_atomic_t *stop;     /* set by SIGINT/SIGTERM handlers */
	void (*housekeeping)(struct engine *eng); /* call about once a second */
};

/* Run until quit; returns the process exit code. */
int tui_run(struct tui_env *env);

#endif
