#include "preflight.h"

#include <bpf/btf.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool cap_has(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int preflight_privileges(char *err, size_t errsz)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d) == 0 &&
	    (cap_has(d, CAP_SYS_ADMIN) || (cap_has(d, CAP_BPF) && cap_has(d, CAP_PERFMON))))
		return 0;
	snprintf(err, errsz, "needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN) to load BPF "
		 "programs: run it with sudo, or replay a recording without root");
	return -EPERM;
}

int preflight_btf(char *err, size_t errsz)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	snprintf(err, errsz, "the kernel has no BTF (/sys/kernel/btf/vmlinux is missing): perflens "
		 "needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	return -ENOENT;
}

static bool tracefs_ready(const char *dir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/events/syscalls", dir);
	return access(p, R_OK) == 0;
}

int preflight_tracefs(char *err, size_t errsz)
{
	if (tracefs_ready("/sys/kernel/tracing") || tracefs_ready("/sys/kernel/debug/tracing"))
		return 0;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0 &&
	    tracefs_ready("/sys/kernel/tracing"))
		return 0;
	snprintf(err, errsz, "tracefs is not mounted and could not be mounted (%s): run "
		 "'mount -t tracefs nodev /sys/kernel/tracing', or use --attach raw",
		 strerror(errno));
	return -ENOENT;
}

int preflight_tp_btf_args(const char *tp)
{
	struct btf *btf = btf__load_vmlinux_btf();
	char name[128];
	int id, n = -1;

	if (!btf)
		return -1;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id > 0) {
		/* typedef -> pointer -> func proto (void *ctx, args...) */
		const struct btf_type *t = btf__type_by_id(btf, id);

		t = btf__type_by_id(btf, t->type);
		if (t && btf_is_ptr(t))
			t = btf__type_by_id(btf, t->type);
		if (t && btf_is_func_proto(t))
			n = btf_vlen(t) - 1;
	}
	btf__free(btf);
	return n;
}
