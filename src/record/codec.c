#include "codec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void put_str(struct rec_buf *b, const struct rec_interner *in, const char *s)
{
	rec_put_varint(b, in->intern(in->ctx, s));
}

static void get_str(struct rec_cur *c, const struct rec_strings *st, char *dst, size_t dstsz)
{
	const char *s = st->lookup(st->ctx, (uint32_t)rec_get_varint(c));

	if (!s)
		c->err = 1;
	snprintf(dst, dstsz, "%s", s ? s : "");
}

static void put_io(struct rec_buf *b, const struct pl_event *ev, const struct rec_interner *in)
{
	const struct pl_io_info *io = &ev->u.io;

	rec_put_varint(b, ev->ts_ns - io->start_ns);
	rec_put_varint(b, io->lat_ns);
	rec_put_svarint(b, io->ret);
	rec_put_varint(b, io->req_bytes);
	rec_put_varint(b, io->ino);
	rec_put_varint(b, io->blocked_ns);
	rec_put_varint(b, io->runq_ns);
	rec_put_varint(b, io->dev);
	rec_put_svarint(b, io->fd);
	rec_put_varint(b, io->syscall_nr);
	rec_put_varint(b, io->ustack_id);
	rec_put_varint(b, io->wstack_id);
	rec_put_u8(b, io->flags);
	put_str(b, in, io->file);
}

static void get_io(struct rec_cur *c, struct pl_event *ev, const struct rec_strings *st)
{
	struct pl_io_info *io = &ev->u.io;

	io->start_ns = ev->ts_ns - rec_get_varint(c);
	io->lat_ns = rec_get_varint(c);
	io->ret = rec_get_svarint(c);
	io->req_bytes = rec_get_varint(c);
	io->ino = rec_get_varint(c);
	io->blocked_ns = rec_get_varint(c);
	io->runq_ns = rec_get_varint(c);
	io->dev = (uint32_t)rec_get_varint(c);
	io->fd = (int32_t)rec_get_svarint(c);
	io->syscall_nr = (uint32_t)rec_get_varint(c);
	io->ustack_id = (uint32_t)rec_get_varint(c);
	io->wstack_id = (uint32_t)rec_get_varint(c);
	io->flags = rec_get_u8(c);
	get_str(c, st, io->file, sizeof(io->file));
}

static void put_block(struct rec_buf *b, const struct pl_event *ev, const struct rec_interner *in)
{
	const struct pl_block_info *k = &ev->u.blk;

	rec_put_varint(b, ev->ts_ns - k->start_ns);
	rec_put_varint(b, k->issue_ns ? k->issue_ns - k->start_ns + 1 : 0);
	rec_put_varint(b, k->lat_ns);
	rec_put_varint(b, k->sector);
	rec_put_varint(b, k->dev);
	rec_put_varint(b, k->bytes);
	rec_put_varint(b, k->issuer_pid);
	rec_put_svarint(b, k->error);
	rec_put_varint(b, k->ustack_id);
	rec_put_varint(b, k->kstack_id);
	rec_put_u8(b, k->op);
	rec_put_u8(b, k->flags);
	put_str(b, in, k->devname);
}

static void get_block(struct rec_cur *c, struct pl_event *ev, const struct rec_strings *st)
{
	struct pl_block_info *k = &ev->u.blk;
	uint64_t issue;

	k->start_ns = ev->ts_ns - rec_get_varint(c);
	issue = rec_get_varint(c);
	k->issue_ns = issue ? k->start_ns + issue - 1 : 0;
	k->queue_ns = issue ? issue - 1 : 0;
	k->lat_ns = rec_get_varint(c);
	k->sector = rec_get_varint(c);
	k->dev = (uint32_t)rec_get_varint(c);
	k->bytes = (uint32_t)rec_get_varint(c);
	k->issuer_pid = (uint32_t)rec_get_varint(c);
	k->error = (int32_t)rec_get_svarint(c);
	k->ustack_id = (uint32_t)rec_get_varint(c);
	k->kstack_id = (uint32_t)rec_get_varint(c);
	k->op = rec_get_u8(c);
	k->flags = rec_get_u8(c);
	get_str(c, st, k->devname, sizeof(k->devname));
	if (k->op > PL_BOP_OTHER)
		c->err = 1;
}

static void put_body(struct rec_buf *b, const struct pl_event *ev, const struct rec_interner *in)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC: case PL_EV_INFLIGHT:
		put_io(b, ev, in);
		break;
	case PL_EV_BLOCK:
		put_block(b, ev, in);
		break;
	case PL_EV_FORK:
		rec_put_varint(b, ev->u.fork.child_pid);
		rec_put_varint(b, ev->u.fork.child_start_ns);
		break;
	case PL_EV_EXEC:
		rec_put_varint(b, ev->u.exec.start_ns);
		rec_put_varint(b, ev->u.exec.old_pid);
		rec_put_varint(b, ev->u.exec.ppid);
		put_str(b, in, ev->u.exec.filename);
		put_str(b, in, ev->u.exec.args);
		break;
	case PL_EV_EXIT:
		rec_put_varint(b, ev->u.exit.start_ns);
		rec_put_varint(b, ev->u.exit.lifetime_ns);
		rec_put_varint(b, ev->u.exit.status);
		rec_put_varint(b, ev->u.exit.ppid);
		break;
	case PL_EV_OOM:
		rec_put_varint(b, ev->u.oom.total_vm_pages);
		rec_put_varint(b, ev->u.oom.uid);
		rec_put_svarint(b, ev->u.oom.oom_score_adj);
		rec_put_varint(b, ev->u.oom.killer_pid);
		break;
	case PL_EV_SAMPLE:
		rec_put_varint(b, ev->u.sample.ustack_id);
		rec_put_varint(b, ev->u.sample.kstack_id);
		rec_put_varint(b, ev->u.sample.cpu);
		break;
	}
}

static void get_body(struct rec_cur *c, struct pl_event *ev, const struct rec_strings *st)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC: case PL_EV_INFLIGHT:
		get_io(c, ev, st);
		break;
	case PL_EV_BLOCK:
		get_block(c, ev, st);
		break;
	case PL_EV_FORK:
		ev->u.fork.child_pid = (uint32_t)rec_get_varint(c);
		ev->u.fork.child_start_ns = rec_get_varint(c);
		break;
	case PL_EV_EXEC:
		ev->u.exec.start_ns = rec_get_varint(c);
		ev->u.exec.old_pid = (uint32_t)rec_get_varint(c);
		ev->u.exec.ppid = (uint32_t)rec_get_varint(c);
		get_str(c, st, ev->u.exec.filename, sizeof(ev->u.exec.filename));
		get_str(c, st, ev->u.exec.args, sizeof(ev->u.exec.args));
		break;
	case PL_EV_EXIT:
		ev->u.exit.start_ns = rec_get_varint(c);
		ev->u.exit.lifetime_ns = rec_get_varint(c);
		ev->u.exit.status = (uint32_t)rec_get_varint(c);
		ev->u.exit.ppid = (uint32_t)rec_get_varint(c);
		break;
	case PL_EV_OOM:
		ev->u.oom.total_vm_pages = rec_get_varint(c);
		ev->u.oom.uid = (uint32_t)rec_get_varint(c);
		ev->u.oom.oom_score_adj = (int32_t)rec_get_svarint(c);
		ev->u.oom.killer_pid = (uint32_t)rec_get_varint(c);
		break;
	case PL_EV_SAMPLE:
		ev->u.sample.ustack_id = (uint32_t)rec_get_varint(c);
		ev->u.sample.kstack_id = (uint32_t)rec_get_varint(c);
		ev->u.sample.cpu = (uint32_t)rec_get_varint(c);
		break;
	default:
		c->err = 1;
	}
}

void rec_encode_event(struct rec_buf *b, const struct pl_event *ev, uint64_t *prev_ts,
		      const struct rec_interner *in)
{
	rec_put_u8(b, (uint8_t)ev->type);
	rec_put_u8(b, ev->kind);
	rec_put_svarint(b, (int64_t)(ev->ts_ns - *prev_ts));
	*prev_ts = ev->ts_ns;
	rec_put_varint(b, ev->pid);
	rec_put_varint(b, ev->tid ^ ev->pid); /* 0 for the main thread: one byte */
	rec_put_varint(b, ev->cgroup_id);
	put_str(b, in, ev->comm);
	put_body(b, ev, in);
}

int rec_decode_event(struct rec_cur *c, struct pl_event *ev, uint64_t *prev_ts,
		     const struct rec_strings *st)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = rec_get_u8(c);
	ev->kind = rec_get_u8(c);
	ev->ts_ns = *prev_ts + (uint64_t)rec_get_svarint(c);
	*prev_ts = ev->ts_ns;
	ev->pid = (uint32_t)rec_get_varint(c);
	ev->tid = (uint32_t)rec_get_varint(c) ^ ev->pid;
	ev->cgroup_id = rec_get_varint(c);
	get_str(c, st, ev->comm, sizeof(ev->comm));
	if (ev->kind >= PL_KIND_MAX || ev->type == 0 || ev->type == PL_EV_TICK ||
	    ev->type >= PL_EV_ALL_MAX)
		c->err = 1;
	if (!c->err)
		get_body(c, ev, st);
	return c->err ? -EINVAL : 0;
}
