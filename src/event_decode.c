#include "event_decode.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/devname.h"

/* The BPF side and user space share bpf/events.h; the sizes must agree. */
_Static_assert(sizeof(struct pl_hdr) == 48, "pl_hdr layout");
_Static_assert(sizeof(struct pl_io_event) == 48 + 80 + 2 * 8 * PL_MAX_STACK + PL_PATH_LEN,
	       "pl_io_event layout");
_Static_assert(sizeof(struct pl_block_event) == 48 + 56 + 2 * 8 * PL_MAX_STACK,
	       "pl_block_event layout");
_Static_assert(sizeof(struct pl_fork_event) == 48 + 16, "pl_fork_event layout");
_Static_assert(sizeof(struct pl_exec_event) == 48 + 24 + 2 * PL_ARGS_LEN, "pl_exec_event layout");
_Static_assert(sizeof(struct pl_exit_event) == 48 + 24, "pl_exit_event layout");
_Static_assert(sizeof(struct pl_oom_event) == 48 + 24, "pl_oom_event layout");
_Static_assert(sizeof(struct pl_sample_event) == 48 + 8 + 2 * 8 * PL_MAX_STACK,
	       "pl_sample_event layout");

size_t event_join_path(char *dst, size_t dstsz, const char *comps, size_t len, unsigned depth,
		       int cut)
{
	const char *names[PL_PATH_DEPTH + 1];
	size_t n = 0, out = 0;

	for (size_t off = 0; off < len && n < depth && n <= PL_PATH_DEPTH;) {
		size_t l = strnlen(comps + off, len - off);

		names[n++] = comps + off;
		off += l + 1;
	}
	if (!dstsz)
		return 0;
	dst[0] = '\0';
	if (cut)
		out += snprintf(dst, dstsz, "\u2026"); /* "…": the leading components were cut */
	for (size_t i = n; i-- > 0 && out < dstsz;) {
		size_t room = (size_t)(comps + len - names[i]);
		int w = snprintf(dst + out, dstsz - out, "/%.*s", (int)strnlen(names[i], room), names[i]);

		if (w < 0)
			break;
		out += (size_t)w;
	}
	if (out == 0 && dstsz > 1)
		out = snprintf(dst, dstsz, "/");
	return out < dstsz ? out : dstsz - 1;
}

static void decode_hdr(const struct pl_hdr *h, struct pl_event *ev)
{
	ev->ts_ns = h->ts_ns;
	ev->cgroup_id = h->cgroup_id;
	ev->pid = h->pid;
	ev->tid = h->tid;
	ev->type = h->type;
	memcpy(ev->comm, h->comm, PL_COMM_LEN);
	ev->comm[PL_COMM_LEN] = '\0';
}

static uint32_t intern(const struct pl_stack_sink *s, uint32_t pid, int kernel, const uint64_t *ips,
		       unsigned n)
{
	if (!s || !n)
		return 0;
	return s->intern(s->ctx, pid, kernel, ips, n > PL_MAX_STACK ? PL_MAX_STACK : n);
}

static void decode_io(const struct pl_io_event *r, const struct pl_stack_sink *st,
		      struct pl_event *ev)
{
	struct pl_io_info *io = &ev->u.io;
	size_t plen = r->path_len < PL_PATH_LEN ? r->path_len : PL_PATH_LEN;

	ev->kind = r->kind < PL_KIND_MAX ? r->kind : PL_KIND_OTHER;
	io->start_ns = r->start_ns;
	io->lat_ns = r->lat_ns;
	io->req_bytes = r->req_bytes;
	io->ret = r->ret;
	io->ino = r->ino;
	io->blocked_ns = r->blocked_ns;
	io->runq_ns = r->runq_ns;
	io->dev = r->dev;
	io->fd = r->fd;
	io->syscall_nr = r->syscall_nr;
	io->flags = r->flags;
	if (ev->kind == PL_KIND_PIPE || ev->kind == PL_KIND_SOCKET)
		snprintf(io->file, sizeof(io->file), "%s:[%llu]", pl_kind_name(ev->kind),
			 (unsigned long long)r->ino);
	else if (r->path_depth || (r->flags & PL_IOF_PATH_CUT))
		event_join_path(io->file, sizeof(io->file), r->path, plen, r->path_depth,
				r->flags & PL_IOF_PATH_CUT);
	else
		snprintf(io->file, sizeof(io->file), "anon_inode:[%llu]", (unsigned long long)r->ino);
	io->ustack_id = intern(st, r->h.pid, 0, r->ustack, r->ustack_n);
	io->wstack_id = intern(st, r->h.pid, 1, r->wstack, r->wstack_n);
}

static void decode_block(const struct pl_block_event *r, const struct pl_stack_sink *st,
			 struct pl_event *ev)
{
	struct pl_block_info *b = &ev->u.blk;

	ev->kind = PL_KIND_BLOCKDEV;
	b->start_ns = r->start_ns;
	b->issue_ns = r->issue_ns;
	b->lat_ns = r->lat_ns;
	b->queue_ns = r->issue_ns > r->start_ns ? r->issue_ns - r->start_ns : 0;
	if (r->flags & PL_BLF_NO_COMPLETION)
		b->lat_ns = 0;
	b->sector = r->sector;
	b->dev = r->dev;
	b->bytes = r->bytes;
	b->issuer_pid = r->issuer_pid;
	b->error = r->error;
	b->op = r->op <= PL_BOP_OTHER ? r->op : PL_BOP_OTHER;
	b->flags = r->flags;
	devname_lookup(r->dev, b->devname, sizeof(b->devname));
	b->ustack_id = intern(st, r->h.pid, 0, r->ustack, r->ustack_n);
	b->kstack_id = intern(st, r->h.pid, 1, r->kstack, r->kstack_n);
}

/* argv arrives NUL separated (and may be cut mid-argument): join with spaces. */
static void join_args(char *dst, size_t dstsz, const char *src, size_t len)
{
	size_t n = len < dstsz - 1 ? len : dstsz - 1;

	memcpy(dst, src, n);
	while (n > 0 && dst[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (dst[i] == '\0')
			dst[i] = ' ';
	dst[n] = '\0';
}

static void decode_exec(const struct pl_exec_event *r, struct pl_event *ev)
{
	struct pl_exec_info *x = &ev->u.exec;
	size_t fl = r->filename_len < PL_ARGS_LEN ? r->filename_len : PL_ARGS_LEN;

	x->start_ns = r->start_ns;
	x->old_pid = r->old_pid;
	x->ppid = r->ppid;
	memcpy(x->filename, r->filename, fl);
	x->filename[fl ? fl - 1 : 0] = '\0';
	x->filename[PL_ARGS_LEN - 1] = '\0';
	join_args(x->args, sizeof(x->args), r->args, r->args_len < PL_ARGS_LEN ? r->args_len : PL_ARGS_LEN);
}

static const size_t record_size[PL_EV_TYPE_MAX] = {
	[PL_EV_READ] = sizeof(struct pl_io_event),  [PL_EV_WRITE] = sizeof(struct pl_io_event),
	[PL_EV_SYNC] = sizeof(struct pl_io_event),  [PL_EV_BLOCK] = sizeof(struct pl_block_event),
	[PL_EV_FORK] = sizeof(struct pl_fork_event), [PL_EV_EXEC] = sizeof(struct pl_exec_event),
	[PL_EV_EXIT] = sizeof(struct pl_exit_event), [PL_EV_SAMPLE] = sizeof(struct pl_sample_event),
	[PL_EV_OOM] = sizeof(struct pl_oom_event),
};

int event_decode(const void *data, size_t len, const struct pl_stack_sink *stacks,
		 struct pl_event *ev)
{
	const struct pl_hdr *h = data;

	if (len < sizeof(*h) || h->version != PL_ABI_VERSION || h->type >= PL_EV_TYPE_MAX ||
	    !record_size[h->type] || len < record_size[h->type] || h->size != record_size[h->type])
		return -EINVAL;
	memset(ev, 0, offsetof(struct pl_event, u));
	decode_hdr(h, ev);
	switch (h->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		decode_io(data, stacks, ev);
		break;
	case PL_EV_BLOCK:
		decode_block(data, stacks, ev);
		break;
	case PL_EV_FORK: {
		const struct pl_fork_event *r = data;

		ev->u.fork.child_pid = r->child_pid;
		ev->u.fork.child_start_ns = r->child_start_ns;
		break;
	}
	case PL_EV_EXEC:
		decode_exec(data, ev);
		break;
	case PL_EV_EXIT: {
		const struct pl_exit_event *r = data;

		ev->u.exit.start_ns = r->start_ns;
		ev->u.exit.lifetime_ns = r->lifetime_ns;
		ev->u.exit.status = r->exit_code;
		ev->u.exit.ppid = r->ppid;
		break;
	}
	case PL_EV_OOM: {
		const struct pl_oom_event *r = data;

		ev->u.oom.total_vm_pages = r->total_vm_pages;
		ev->u.oom.uid = r->uid;
		ev->u.oom.oom_score_adj = r->oom_score_adj;
		ev->u.oom.killer_pid = r->killer_pid;
		break;
	}
	case PL_EV_SAMPLE: {
		const struct pl_sample_event *r = data;

		ev->u.sample.cpu = r->cpu;
		ev->u.sample.ustack_id = intern(stacks, r->h.pid, 0, r->ustack, r->ustack_n);
		ev->u.sample.kstack_id = intern(stacks, r->h.pid, 1, r->kstack, r->kstack_n);
		break;
	}
	}
	return 0;
}
