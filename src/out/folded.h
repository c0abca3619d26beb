/*
 * Folded stacks (flame graph input), one line per distinct stack:
 *   [ROLE];COMM;ROOT;...;LEAF WEIGHT
 * ROLE is the marker root frame (slow, wait, cpu, block), so one file
 * holds all four and a flame graph splits them at its root.  User frames
 * come root first, then kernel frames suffixed "_[k]".  WEIGHT is samples
 * for cpu and microseconds for slow, wait and block.  Frames are function
 * names only; ';' in names becomes ':' and control bytes are made visible.
 * The format flamegraph.pl, inferno and speedscope read.
 */
#ifndef PERFLENS_FOLDED_H
#define PERFLENS_FOLDED_H

#include <stdio.h>

#include "../engine.h"
#include "../stack_resolver.h"

/* Write every aggregated stack to f.  Engine lock held.  Lines written, or -errno. */
int folded_write(FILE *f, struct engine *e, struct stack_resolver *r);
/* One role (enum stack_role) of one process (pid 0: all), heaviest first,
 * without the role marker; at most max lines.  Engine lock held. */
int folded_write_role(FILE *f, struct engine *e, struct stack_resolver *r, int role,
		      uint32_t pid, size_t max);
/* Same, into a new file created mode 0600. */
int folded_write_file(const char *path, struct engine *e, struct stack_resolver *r);

#endif
