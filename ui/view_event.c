/*
 * One event in full: every field, then the user stack and where it waited
 * (kernel stack), resolved by the stack provider when there is one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/query/evscan.h"
#include "../src/util/devname.h"
#include "../src/util/errname.h"
#include "../src/util/scrub.h"
#include "text.h"
#include "tui_int.h"
#include "w_doc.h"

enum { LINK_PROC = 1 };

#define MAX_FRAMES 64

struct event_view {
	struct view v;
	struct pl_event ev;
	uint64_t seq;
	struct doc doc;
};

static void add_dur(struct doc *d, const char *label, uint64_t ns)
{
	char b[24];

	fmt_dur(b, sizeof(b), ns);
	doc_add(d, R_NORMAL, "%-12s %s", label, b);
}

static void add_stack(struct event_view *ev, struct tui *t, const char *title, uint32_t id,
		      const char *none)
{
	struct doc *d = &ev->doc;
	struct tui_frame fr[MAX_FRAMES];
	int n;

	doc_rule(d, title);
	if (!t->env->stack_frames) {
		doc_add(d, R_NOTE, "  stacks: not available in this build (no stack resolver wired)");
		return;
	}
	if (!id) {
		doc_add(d, R_DIM, "  %s", none);
		return;
	}
	n = t->env->stack_frames(t->env->prov_ctx, id, fr, MAX_FRAMES);
	if (n <= 0) {
		doc_add(d, R_DIM, "  stack %u: not resolved yet", id);
		return;
	}
	for (int i = 0; i < n; i++)
		doc_add(d, R_NORMAL, "  #%-2d %s", i, fr[i].text);
}

static void io_fields(struct event_view *ev)
{
	const struct pl_io_info *io = &ev->ev.u.io;
	struct doc *d = &ev->doc;
	char file[PL_FILE_MAX], b1[24], b2[24];

	scrub_copy(file, sizeof(file), io->file);
	doc_add(d, R_NORMAL, "%-12s %s", "file", file);
	doc_add(d, R_NORMAL, "%-12s %s   fd %d   dev %u:%u   ino %llu", "kind",
		pl_kind_name(ev->ev.kind), io->fd, io->dev >> 20, io->dev & 0xfffff,
		(unsigned long long)io->ino);
	fmt_dur(b1, sizeof(b1), io->lat_ns);
	doc_add(d, R_WARN, "%-12s %s", "latency", b1);
	fmt_dur(b1, sizeof(b1), io->blocked_ns);
	fmt_dur(b2, sizeof(b2), io->runq_ns);
	doc_add(d, R_NORMAL, "%-12s blocked (off-CPU) %s   waiting for a CPU %s", "waited", b1, b2);
	if (io->ret < 0)
		doc_add(d, R_ERROR, "%-12s error %lld %s (%s)", "result", (long long)-io->ret,
			errno_name((int)-io->ret) ?: "", errno_text((int)-io->ret));
	else
		doc_add(d, R_NORMAL, "%-12s %lld bytes of %llu requested", "result",
			(long long)io->ret, (unsigned long long)io->req_bytes);
	doc_add(d, R_DIM, "%-12s %u%s", "syscall", io->syscall_nr,
		io->flags & PL_IOF_PATH_CUT ? "   (path cut at the walk limit)" : "");
}

static void block_fields(struct event_view *ev)
{
	const struct pl_block_info *b = &ev->ev.u.blk;
	struct doc *d = &ev->doc;
	char lat[24];

	doc_add(d, R_NORMAL, "%-12s %s (%u:%u)   %s   sector %llu   %u bytes", "device", b->devname,
		b->dev >> 20, b->dev & 0xfffff, pl_block_op_name(b->op),
		(unsigned long long)b->sector, b->bytes);
	fmt_dur(lat, sizeof(lat), b->lat_ns);
	doc_add(d, R_WARN, "%-12s %s", "latency", lat);
	add_dur(d, "queued", b->queue_ns);
	doc_add(d, R_NORMAL, "%-12s pid %u%s%s%s", "issued by", b->issuer_pid,
		b->flags & PL_BLF_KTHREAD ? "   (kernel thread: writeback)" : "",
		b->flags & PL_BLF_OTHER_ISSUER ? "   (issued from another task)" : "",
		b->flags & PL_BLF_NO_SUBMITTER ? "   (submitter unknown)" : "");
	if (b->error)
		doc_add(d, R_ERROR, "%-12s %d", "error", b->error);
}

static void proc_fields(struct event_view *ev)
{
	const struct pl_event *e = &ev->ev;
	struct doc *d = &ev->doc;
	char buf[PL_ARGS_LEN * 2];

	switch (e->type) {
	case PL_EV_FORK:
		doc_link(d, R_NORMAL, LINK_PROC, e->u.fork.child_pid, 0, "%-12s %u (Enter opens it)",
			 "child", e->u.fork.child_pid);
		break;
	case PL_EV_EXEC:
		scrub_copy(buf, sizeof(buf), e->u.exec.filename);
		doc_add(d, R_NORMAL, "%-12s %s", "file", buf);
		scrub_copy(buf, sizeof(buf), e->u.exec.args);
		doc_add(d, R_NORMAL, "%-12s %s", "args", buf);
		doc_add(d, R_NORMAL, "%-12s %u", "ppid", e->u.exec.ppid);
		break;
	case PL_EV_EXIT:
		event_target(e, buf, sizeof(buf));
		doc_add(d, R_NORMAL, "%-12s %s", "status", buf);
		add_dur(d, "lifetime", e->u.exit.lifetime_ns);
		doc_add(d, R_NORMAL, "%-12s %u", "ppid", e->u.exit.ppid);
		break;
	}
}

static void build(struct event_view *ev, struct tui *t)
{
	const struct pl_event *e = &ev->ev;
	struct doc *d = &ev->doc;
	char when[24];

	doc_begin(d);
	fmt_clock(when, sizeof(when), tui_wall(t, e->ts_ns), true);
	doc_link(d, R_TITLE, LINK_PROC, e->pid, 0, "%s by %s   pid %u  tid %u   (Enter: the process)",
		 pl_type_name(e->type), e->comm, e->pid, e->tid);
	doc_add(d, R_NORMAL, "%-12s %s   (%.6f s after start)", "time", when,
		engine_ts(t->eng, e->ts_ns));
	doc_add(d, R_NORMAL, "%-12s %llu", "cgroup", (unsigned long long)e->cgroup_id);
	if (e->type >= PL_EV_READ && e->type <= PL_EV_SYNC) {
		io_fields(ev);
		add_stack(ev, t, "User stack", e->u.io.ustack_id, "no user stack captured");
		add_stack(ev, t, "Where it waited (kernel stack)", e->u.io.wstack_id,
			  "it did not block (no wait stack)");
	} else if (e->type == PL_EV_BLOCK) {
		block_fields(ev);
		add_stack(ev, t, "Submitter user stack", e->u.blk.ustack_id,
			  "none captured (--block-stacks captures them)");
		add_stack(ev, t, "Submitter kernel stack", e->u.blk.kstack_id,
			  "none captured (--block-stacks captures them)");
	} else {
		proc_fields(ev);
	}
	doc_end(d, t->body.h);
}

static void event_update(struct view *v, struct tui *t)
{
	build((struct event_view *)v, t);
}

static void event_draw(struct view *v, struct tui *t, struct rect r)
{
	struct event_view *ev = (struct event_view *)v;

	if (!ev->doc.n)
		build(ev, t);
	doc_draw(&ev->doc, r, true);
}

static unsigned event_action(struct view *v, struct tui *t, enum action a)
{
	struct event_view *ev = (struct event_view *)v;
	const struct doc_line *l;

	if (a != ACT_ENTER)
		return list_action(&ev->doc.ls, a, t->body.h);
	l = doc_selected(&ev->doc);
	if (!l || l->link != LINK_PROC)
		return 0;
	tui_push(t, view_proc_detail_new(t, (uint32_t)l->a, 0));
	return UI_REDRAW | UI_DATA;
}

static unsigned event_click(struct view *v, struct tui *t, int row, int col)
{
	(void)col;
	return list_click(&((struct event_view *)v)->doc.ls, row, t->body.h) ? UI_REDRAW : 0;
}

static bool event_search(struct view *v, struct tui *t, const char *needle, int dir)
{
	struct event_view *ev = (struct event_view *)v;

	return doc_search(&ev->doc, needle, dir, t->body.h, false);
}

static void event_free(struct view *v)
{
	struct event_view *ev = (struct event_view *)v;

	doc_free(&ev->doc);
	free(ev);
}

static const struct view_ops event_ops = {
	.name = "event",
	.ctx = CTX_DETAIL,
	.update = event_update,
	.draw = event_draw,
	.action = event_action,
	.click = event_click,
	.search = event_search,
	.free = event_free,
};

struct view *view_event_detail_new(struct tui *t, const struct pl_event *e, uint64_t seq)
{
	struct event_view *ev = calloc(1, sizeof(*ev));
	char when[24];

	if (!ev)
		return NULL;
	ev->v.ops = &event_ops;
	ev->v.transient = true;
	ev->ev = *e;
	ev->seq = seq;
	fmt_clock(when, sizeof(when), tui_wall(t, e->ts_ns), true);
	snprintf(ev->v.title, sizeof(ev->v.title), "Event detail: %s by %s (pid %u)",
		 pl_type_name(e->type), e->comm, e->pid);
	snprintf(ev->v.info, sizeof(ev->v.info), "%s  #%llu  Esc: back", when,
		 (unsigned long long)seq);
	return &ev->v;
}
