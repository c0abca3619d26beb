#include "live_source.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "skel.h"

struct live_source {
	struct pl_source base;
	struct pl_loader *loader;
	struct ring_buffer *rb;
	struct pl_stack_sink stacks;
	bool have_stacks;
	uint64_t records;
	uint64_t decode_errors;
	struct pl_event scratch;
};

static int on_record(void *ctx, void *data, size_t len)
{
	struct live_source *ls = ctx;

	ls->records++;
	if (event_decode(data, len, ls->have_stacks ? &ls->stacks : NULL, &ls->scratch)) {
		ls->decode_errors++;
		return 0;
	}
	ls->base.sink.on_event(ls->base.sink.ctx, &ls->scratch);
	return 0;
}

/*
 * The BPF side never wakes us per event; we drain on a timer (10 ms by
 * default) or when a producer forced a wakeup past half full.
 */
static int live_wait(struct pl_source *s, int timeout_ms)
{
	struct live_source *ls = (struct live_source *)s;
	struct pollfd p = { .fd = ring_buffer__epoll_fd(ls->rb), .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);

	return n < 0 && errno != EINTR ? -errno : 0;
}

static int live_drain(struct pl_source *s)
{
	struct live_source *ls = (struct live_source *)s;
	int n = ring_buffer__consume(ls->rb);

	return n == -EINTR ? 0 : n;
}

static void live_stats(struct pl_source *s, struct pl_source_stats *out)
{
	struct live_source *ls = (struct live_source *)s;
	uint64_t k[PL_STAT_MAX];

	memset(out, 0, sizeof(*out));
	out->records = ls->records;
	out->decode_errors = ls->decode_errors;
	if (loader_read_stats(ls->loader, k))
		return;
	for (int t = PL_EV_READ; t < PL_EV_TYPE_MAX; t++)
		out->kernel_drops[t] = k[PL_STAT_DROP_READ + t - PL_EV_READ];
	out->inflight_full = k[PL_STAT_INFLIGHT_FULL];
	out->block_other_issuer = k[PL_STAT_BLOCK_OTHER_ISSUER];
	out->block_no_start = k[PL_STAT_BLOCK_NO_START];
	out->block_map_full = k[PL_STAT_BLOCK_MAP_FULL];
	out->forced_wakeups = k[PL_STAT_FORCED_WAKEUPS];
	out->block_no_completion = k[PL_STAT_BLOCK_NO_COMPLETION];
	out->block_submitters_full = k[PL_STAT_BLOCK_SUBMITTERS_FULL];
}

static void live_free(struct pl_source *s)
{
	struct live_source *ls = (struct live_source *)s;

	ring_buffer__free(ls->rb);
	free(ls);
}

static const struct pl_source_ops live_ops = {
	.name = "live",
	.wait = live_wait,
	.drain = live_drain,
	.stats = live_stats,
	.free = live_free,
};

struct pl_source *live_source_new(struct pl_loader *l, struct pl_sink sink,
				  const struct pl_stack_sink *stacks)
{
	struct live_source *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	ls->base.ops = &live_ops;
	ls->base.sink = sink;
	ls->loader = l;
	if (stacks) {
		ls->stacks = *stacks;
		ls->have_stacks = true;
	}
	ls->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.rb), on_record, ls, NULL);
	if (!ls->rb) {
		int e = errno;

		free(ls);
		errno = e;
		return NULL;
	}
	return &ls->base;
}
