/* The live source: drains the BPF ring buffer into a sink. */
#ifndef PERFLENS_LIVE_SOURCE_H
#define PERFLENS_LIVE_SOURCE_H

#include "../event_decode.h"
#include "../source.h"
#include "loader.h"

/* A source over an attached loader (not owned).  NULL with errno on failure. */
struct pl_source *live_source_new(struct pl_loader *l, struct pl_sink sink,
				  const struct pl_stack_sink *stacks);

#endif
