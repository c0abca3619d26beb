/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Slow I/O syscalls: timed per thread from entry to exit.  Entry stores a
 * small pl_inflight; only at exit, and only over the threshold, is the fd
 * resolved (kind, dev/ino, path) and a record emitted.
 *
 * Two attach paths share this code: tp_btf/sys_enter+sys_exit (one program
 * for all syscalls, cheapest per traced op: +60-180 ns here, but it runs for
 * every syscall) and the classic syscalls:sys_{enter,exit}_* tracepoints
 * (only the traced syscalls pay, +150-400 ns each; needs tracefs).  The
 * loader picks one with set_autoload.
 */
#ifndef PERFLENS_IO_BPF_H
#define PERFLENS_IO_BPF_H

#include "common.bpf.h"

#if defined(__TARGET_ARCH_x86)
enum {
	NR_read = 0, NR_write = 1, NR_pread64 = 17, NR_pwrite64 = 18, NR_readv = 19,
	NR_writev = 20, NR_fsync = 74, NR_fdatasync = 75, NR_sync_file_range = 277,
	NR_preadv = 295, NR_pwritev = 296, NR_preadv2 = 327, NR_pwritev2 = 328,
};
#define PL_SYSCALL_NR(regs) ((regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
enum {
	NR_read = 63, NR_write = 64, NR_readv = 65, NR_writev = 66, NR_pread64 = 67,
	NR_pwrite64 = 68, NR_preadv = 69, NR_pwritev = 70, NR_fsync = 82, NR_fdatasync = 83,
	NR_sync_file_range = 84, NR_preadv2 = 286, NR_pwritev2 = 287,
};
#define PL_SYSCALL_NR(regs) ((regs)->syscallno)
#else
#error "perflens: syscall numbers for this architecture are missing"
#endif

#define PL_IOV_MAX 8 /* iovecs summed for the requested size of readv/writev */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, u32);
	__type(value, struct pl_inflight);
} inflight SEC(".maps");

/* Kernel stack of each in-flight op's longest wait (see offcpu.bpf.h). */
struct pl_wait_stack {
	u64 ips[PL_MAX_STACK];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, struct pl_wait_stack);
} wait_stacks SEC(".maps");

static __always_inline u16 io_take_wait_stack(u32 tid, u64 *dst, u16 n)
{
	struct pl_wait_stack *ws;

	if (!n)
		return 0;
	ws = bpf_map_lookup_elem(&wait_stacks, &tid);
	if (!ws)
		return 0;
	bpf_probe_read_kernel(dst, sizeof(ws->ips), ws->ips);
	bpf_map_delete_elem(&wait_stacks, &tid);
	return n > PL_MAX_STACK ? PL_MAX_STACK : n;
}

/* --all-ops: every op per (process, type), not only the slow tail. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct pl_ops_key);
	__type(value, struct pl_khist);
} ops_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pl_khist);
} ops_hist_zero SEC(".maps");

static __always_inline void io_account_all(u32 pid, u8 type, u64 lat)
{
	struct pl_ops_key k = { .pid = pid, .type = type };
	struct pl_khist *h = bpf_map_lookup_elem(&ops_hist, &k);
	u32 z = 0;

	if (!h) {
		struct pl_khist *zero = bpf_map_lookup_elem(&ops_hist_zero, &z);

		if (!zero)
			return;
		bpf_map_update_elem(&ops_hist, &k, zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&ops_hist, &k);
		if (!h)
			return;
	}
	pl_khist_add(h, lat);
}

static __always_inline u8 io_type_of(long nr)
{
	switch (nr) {
	case NR_read: case NR_pread64: case NR_readv: case NR_preadv: case NR_preadv2:
		return PL_EV_READ;
	case NR_write: case NR_pwrite64: case NR_writev: case NR_pwritev: case NR_pwritev2:
		return PL_EV_WRITE;
	case NR_fsync: case NR_fdatasync: case NR_sync_file_range:
		return PL_EV_SYNC;
	}
	return 0;
}

static __always_inline bool io_is_vectored(long nr)
{
	return nr == NR_readv || nr == NR_writev || nr == NR_preadv || nr == NR_pwritev ||
	       nr == NR_preadv2 || nr == NR_pwritev2;
}

static __always_inline int io_enter(long nr, long fd, u64 ptr, u64 cnt)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	struct pl_inflight v = {};
	u8 type = io_type_of(nr);

	if (!type || pl_skip_task(id >> 32))
		return 0;
	v.start_ns = bpf_ktime_get_ns();
	v.pid = id >> 32;
	v.fd = fd;
	v.syscall_nr = nr;
	v.type = type;
	v.arg_ptr = ptr;
	v.arg_cnt = cnt;
	if (bpf_map_update_elem(&inflight, &tid, &v, BPF_ANY))
		stat_inc(PL_STAT_INFLIGHT_FULL);
	return 0;
}

static __always_inline struct file *io_fd_file(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr;
	struct file *f = NULL;

	if (fd < 0 || !fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	bpf_core_read(&f, sizeof(f), &arr[fd]);
	return f;
}

static __always_inline u8 io_kind(u32 mode, u32 rdev)
{
	u32 major = rdev >> MINORBITS;

	switch (mode & S_IFMT) {
	case S_IFREG: return PL_KIND_FILE;
	case S_IFBLK: return PL_KIND_BLOCKDEV;
	case S_IFIFO: return PL_KIND_PIPE;
	case S_IFSOCK: return PL_KIND_SOCKET;
	case S_IFCHR:
		/* tty, console/ptmx, and the pty slaves (Unix98: 136..143) */
		if (major == 4 || major == 5 || (major >= 136 && major <= 143))
			return PL_KIND_TTY;
		return PL_KIND_OTHER;
	}
	return PL_KIND_OTHER;
}

/*
 * bpf_d_path is not allowed in tracepoint programs, so walk the dentries,
 * crossing mounts, leaf first.  Bounded: PL_PATH_DEPTH components or
 * PL_PATH_SOFT bytes; a cut path is flagged and user space prefixes ".../".
 * The walk runs under bpf_loop (kernel >= 5.17) into a per-CPU scratch
 * buffer: an unrolled loop with a variable write offset makes the verifier
 * explore every offset and exceed its 1M instruction budget.
 */
struct pl_path_buf {
	char path[PL_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pl_path_buf);
} path_scratch SEC(".maps");

struct path_walk {
	struct dentry *d;
	struct mount *mnt;
	u32 off;
	u32 depth;
	bool done;
};

static long path_step(u32 i, struct path_walk *w)
{
	/* Locals, not w->x, inside BPF_CORE_READ: path_walk is not a kernel type. */
	struct dentry *d = w->d;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *root = BPF_CORE_READ(mnt, mnt.mnt_root);
	u32 zero = 0;
	struct pl_path_buf *buf;
	long n;

	/* A mount's root is its own parent: climb to where it is mounted first,
	 * or /dev/zero would read as /zero. */
	if (d == root) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt) {
			w->done = true; /* the namespace's root */
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	if (d == parent) {
		w->done = true; /* the root of a tree that is not mounted */
		return 1;
	}
	if (w->off >= PL_PATH_SOFT || w->depth >= PL_PATH_DEPTH)
		return 1;
	buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!buf)
		return 1;
	n = bpf_probe_read_kernel_str(&buf->path[w->off & (PL_PATH_SOFT - 1)], PL_PATH_SOFT,
				      BPF_CORE_READ(d, d_name.name));
	if (n <= 0)
		return 1;
	w->off += n;
	w->depth++;
	w->d = parent;
	return 0;
}

static __always_inline void io_fill_path(struct pl_io_event *e, struct file *f)
{
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	struct path_walk w = {
		.d = BPF_CORE_READ(f, f_path.dentry),
		.mnt = container_of(vm, struct mount, mnt),
	};
	u32 zero = 0;
	struct pl_path_buf *buf;

	bpf_loop(PL_PATH_DEPTH + 4, path_step, &w, 0);
	buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (buf && w.off)
		bpf_probe_read_kernel(e->path, sizeof(e->path), buf->path);
	e->path_len = w.off > PL_PATH_LEN ? PL_PATH_LEN : w.off;
	e->path_depth = w.depth;
	if (!w.done)
		e->flags |= PL_IOF_PATH_CUT;
}

static __always_inline u64 io_iov_bytes(u64 iov_ptr, u64 cnt)
{
	struct iovec iov;
	u64 total = 0;

	for (int i = 0; i < PL_IOV_MAX; i++) {
		if (i >= cnt)
			break;
		if (bpf_probe_read_user(&iov, sizeof(iov), (void *)(iov_ptr + i * sizeof(iov))))
			break;
		total += iov.iov_len;
	}
	return total;
}

static __always_inline int io_exit(void *ctx, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = (u32)id;
	struct pl_inflight *v = bpf_map_lookup_elem(&inflight, &tid);
	struct pl_io_event *e;
	struct file *f;
	struct inode *ino;
	u64 now = bpf_ktime_get_ns();

	if (!v)
		return 0;
	if (cfg.all_ops)
		io_account_all(v->pid, v->type, now - v->start_ns);
	if (now - v->start_ns < cfg.threshold_ns)
		goto out;
	f = io_fd_file(v->fd);
	ino = f ? BPF_CORE_READ(f, f_inode) : NULL;
	u8 kind = ino ? io_kind(BPF_CORE_READ(ino, i_mode), BPF_CORE_READ(ino, i_rdev))
		      : PL_KIND_OTHER;
	if (!(cfg.kinds_mask & (1u << kind)))
		goto out;
	e = pl_reserve(sizeof(*e), v->type);
	if (!e)
		goto out;
	pl_fill_hdr(&e->h, v->type, sizeof(*e));
	e->start_ns = v->start_ns;
	e->lat_ns = now - v->start_ns;
	e->req_bytes = io_is_vectored(v->syscall_nr) ? io_iov_bytes(v->arg_ptr, v->arg_cnt)
						     : (v->type == PL_EV_SYNC ? 0 : v->arg_cnt);
	e->ret = ret;
	e->blocked_ns = v->blocked_ns;
	e->runq_ns = v->runq_ns;
	e->fd = v->fd;
	e->syscall_nr = v->syscall_nr;
	e->kind = kind;
	e->flags = ret < 0 ? PL_IOF_ERR : 0;
	e->ino = ino ? BPF_CORE_READ(ino, i_ino) : 0;
	e->dev = ino ? BPF_CORE_READ(ino, i_sb, s_dev) : 0;
	e->path_len = 0;
	e->path_depth = 0;
	if (f && (kind == PL_KIND_FILE || kind == PL_KIND_BLOCKDEV || kind == PL_KIND_TTY ||
		  kind == PL_KIND_OTHER))
		io_fill_path(e, f);
	e->ustack_n = pl_stack(ctx, e->ustack, BPF_F_USER_STACK);
	e->wstack_n = io_take_wait_stack(tid, e->wstack, v->wstack_n);
	pl_submit(e);
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(pl_raw_sys_enter, struct pt_regs *regs, long nr)
{
	if (!io_type_of(nr))
		return 0;
	return io_enter(nr, regs->di, regs->si, regs->dx);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(pl_raw_sys_exit, struct pt_regs *regs, long ret)
{
	if (!io_type_of(PL_SYSCALL_NR(regs)))
		return 0;
	return io_exit(ctx, ret);
}

/*
 * Classic per-syscall tracepoints: the fallback when tp_btf is refused.  A
 * program may only read the arguments its tracepoint has: fsync's context
 * ends after fd, and the kernel refuses to attach a program that reads past
 * it, so one-argument syscalls get their own form.
 */
#define PL_CLASSIC_EXIT(name)                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                     \
	int pl_tp_exit_##name(struct trace_event_raw_sys_exit *c)                      \
	{                                                                              \
		return io_exit(c, c->ret);                                             \
	}
#define PL_CLASSIC(name)                                                               \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                    \
	int pl_tp_enter_##name(struct trace_event_raw_sys_enter *c)                    \
	{                                                                              \
		return io_enter(NR_##name, c->args[0], c->args[1], c->args[2]);        \
	}                                                                              \
	PL_CLASSIC_EXIT(name)
#define PL_CLASSIC_FD_ONLY(name)                                                       \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                    \
	int pl_tp_enter_##name(struct trace_event_raw_sys_enter *c)                    \
	{                                                                              \
		return io_enter(NR_##name, c->args[0], 0, 0);                          \
	}                                                                              \
	PL_CLASSIC_EXIT(name)

PL_CLASSIC(read)
PL_CLASSIC(write)
PL_CLASSIC(pread64)
PL_CLASSIC(pwrite64)
PL_CLASSIC(readv)
PL_CLASSIC(writev)
PL_CLASSIC(preadv)
PL_CLASSIC(pwritev)
PL_CLASSIC(preadv2)
PL_CLASSIC(pwritev2)
PL_CLASSIC_FD_ONLY(fsync)
PL_CLASSIC_FD_ONLY(fdatasync)
PL_CLASSIC(sync_file_range)

#endif
