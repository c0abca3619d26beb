#include "symbolizer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "usym.h"

struct symbolizer {
	pthread_mutex_t lock;
	char *procfs_root;
	struct kallsyms *ks;  /* NULL: unread */
	struct usym *usym;
	uint64_t lookups;
	uint64_t kernel_unresolved;
	uint64_t kernel_failures;
};

static const char *const bpf_frame_prefixes[] = {
	"bpf_prog_", "bpf_trace_run", "__bpf_trace", "bpf_trampoline_",
};

struct symbolizer *symbolizer_new(const char *procfs_root, const char *kallsyms_path)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->procfs_root = strdup(procfs_root);
	s->usym = usym_new(SYMBOLIZER_MAX_PROCS, SYMBOLIZER_MAX_IDLE_MODULES);
	if (!s->procfs_root || !s->usym) {
		symbolizer_free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (kallsyms_path) {
		s->ks = kallsyms_load(kallsyms_path);
		s->kernel_failures += !s->ks;
	}
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	usym_free(s->usym);
	kallsyms_free(s->ks);
	free(s->procfs_root);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static int note_pid_locked(struct symbolizer *s, uint32_t pid)
{
	int n;

	if (usym_known(s->usym, pid))
		return 0;
	n = usym_snapshot(s->usym, pid, s->procfs_root);
	return n < 0 ? n : 0;
}

int symbolizer_note_pid(struct symbolizer *s, uint32_t pid)
{
	int err;

	pthread_mutex_lock(&s->lock);
	err = note_pid_locked(s, pid);
	pthread_mutex_unlock(&s->lock);
	return err;
}

int symbolizer_note_exec(struct symbolizer *s, uint32_t pid)
{
	int err;

	pthread_mutex_lock(&s->lock);
	usym_forget(s->usym, pid);
	err = note_pid_locked(s, pid);
	pthread_mutex_unlock(&s->lock);
	return err;
}

void symbolizer_forget_pid(struct symbolizer *s, uint32_t pid)
{
	pthread_mutex_lock(&s->lock);
	usym_forget(s->usym, pid);
	pthread_mutex_unlock(&s->lock);
}

/* Frame i > 0 holds a return address: look up the call instruction. */
static uint64_t lookup_addr(const uint64_t *ips, unsigned i)
{
	return i && ips[i] ? ips[i] - 1 : ips[i];
}

static void format_raw(char *dst, uint64_t ip)
{
	snprintf(dst, SYM_FRAME_MAX, "0x%llx", (unsigned long long)ip);
}

/* ---- kernel stacks ---- */

static bool is_bpf_frame(const struct ksym *k)
{
	for (size_t i = 0; i < sizeof(bpf_frame_prefixes) / sizeof(bpf_frame_prefixes[0]); i++)
		if (strncmp(k->name, bpf_frame_prefixes[i], strlen(bpf_frame_prefixes[i])) == 0)
			return true;
	return false;
}

static const struct ksym *kernel_lookup(const struct symbolizer *s, const uint64_t *ips, unsigned i)
{
	return s->ks ? kallsyms_lookup(s->ks, lookup_addr(ips, i)) : NULL;
}

/* Index of the first frame after the leading BPF frames (and any unnamed
 * JIT addresses among them). */
static unsigned kernel_skip_bpf(const struct symbolizer *s, const uint64_t *ips, unsigned n)
{
	unsigned cut = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct ksym *k = kernel_lookup(s, ips, i);
		if (k && !is_bpf_frame(k))
			break;
		if (k)
			cut = i + 1;
	}
	return cut;
}

static void format_kernel_frame(struct symbolizer *s, char *dst, const uint64_t *ips, unsigned i)
{
	const struct ksym *k = kernel_lookup(s, ips, i);

	s->lookups++;
	if (!k) {
		s->kernel_unresolved++;
		format_raw(dst, ips[i]);
	} else if (k->module) {
		snprintf(dst, SYM_FRAME_MAX, "%s+0x%llx [%s]", k->name,
			 (unsigned long long)(ips[i] - k->addr), k->module);
	} else {
		snprintf(dst, SYM_FRAME_MAX, "%s+0x%llx", k->name,
			 (unsigned long long)(ips[i] - k->addr));
	}
}

static unsigned format_kernel(struct symbolizer *s, const uint64_t *ips, unsigned n,
			      char frames[][SYM_FRAME_MAX])
{
	unsigned out = 0;

	for (unsigned i = kernel_skip_bpf(s, ips, n); i < n; i++)
		format_kernel_frame(s, frames[out++], ips, i);
	return out;
}

/* ---- user stacks ---- */

/* Debuginfo .symtab names can carry their symbol version
 * ("__libc_start_main@@GLIBC_2.34"): show the name alone. */
static int unversioned_len(const char *name)
{
	size_t len = strcspn(name, "@");

	return (int)(len ? len : strlen(name));
}

static void format_user_frame(char *dst, const struct usym_frame *f)
{
	int len;

	if (f->status != USYM_OK) {
		snprintf(dst, SYM_FRAME_MAX, "%s+0x%llx", f->module,
			 (unsigned long long)f->module_off);
		return;
	}
	len = snprintf(dst, SYM_FRAME_MAX, "%.*s+0x%llx (%s)", unversioned_len(f->func), f->func,
		       (unsigned long long)f->offset, f->module);
	if (f->file && len >= 0 && len < SYM_FRAME_MAX)
		snprintf(dst + len, SYM_FRAME_MAX - (size_t)len, " %s:%d", f->file, f->line);
}

/* Resolve frame i; an unmapped address gets one maps re-read (rate
 * limited) in case a library was loaded after the snapshot. */
static int user_resolve(struct symbolizer *s, uint32_t pid, const uint64_t *ips, unsigned i,
			struct usym_frame *f)
{
	uint64_t at = lookup_addr(ips, i), back = ips[i] - at;
	int err = usym_resolve(s->usym, pid, at, f);

	s->lookups++;
	if (!err && f->status == USYM_NOT_MAPPED && usym_refresh(s->usym, pid, s->procfs_root) > 0)
		err = usym_resolve(s->usym, pid, at, f);
	/* Offsets are printed from the address itself, not the lookup address. */
	f->offset += back;
	f->module_off += back;
	return err;
}

static unsigned format_user(struct symbolizer *s, uint32_t pid, const uint64_t *ips, unsigned n,
			    char frames[][SYM_FRAME_MAX])
{
	struct usym_frame f;
	unsigned i;

	if (note_pid_locked(s, pid) < 0) {
		for (i = 0; i < n; i++)
			format_raw(frames[i], ips[i]);
		return n;
	}
	for (i = 0; i < n; i++) {
		if (user_resolve(s, pid, ips, i, &f) < 0) {
			format_raw(frames[i], ips[i]);
			continue;
		}
		if (f.status == USYM_NOT_MAPPED) {
			snprintf(frames[i], SYM_FRAME_MAX, "[truncated]");
			return i + 1;
		}
		format_user_frame(frames[i], &f);
	}
	return n;
}

int symbolizer_format(struct symbolizer *s, uint32_t pid, bool is_kernel, const uint64_t *ips,
		      unsigned n, char frames[][SYM_FRAME_MAX], unsigned *nout)
{
	if (!s || !nout || (n && (!ips || !frames)))
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	*nout = is_kernel ? format_kernel(s, ips, n, frames) : format_user(s, pid, ips, n, frames);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

bool symbolizer_kernel_restricted(struct symbolizer *s)
{
	bool r;

	pthread_mutex_lock(&s->lock);
	r = s->ks && kallsyms_restricted(s->ks);
	pthread_mutex_unlock(&s->lock);
	return r;
}

void symbolizer_stats(struct symbolizer *s, struct symbolizer_stats *out)
{
	struct usym_stats us;

	pthread_mutex_lock(&s->lock);
	usym_stats(s->usym, &us);
	memset(out, 0, sizeof(*out));
	out->lookups = s->lookups;
	out->cache_hits = us.module_hits + us.line_hits;
	out->maps_snapshots = us.snapshots;
	out->failures = us.snapshot_fails + us.module_fails + s->kernel_failures;
	out->unresolved = us.unresolved + s->kernel_unresolved;
	out->module_loads = us.module_loads;
	out->evictions = us.evictions;
	out->processes = us.held;
	out->kernel_symbols = s->ks ? kallsyms_count(s->ks) : 0;
	pthread_mutex_unlock(&s->lock);
}
