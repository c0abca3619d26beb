#include "tui.h"

#include <stdio.h>

/* Placeholder until the TUI lands: say so and fail clearly. */
int tui_run(struct tui_env *env)
{
	(void)env;
	fprintf(stderr, "perflens: the interactive screen is not built in this version: use --json\n");
	return 2;
}
