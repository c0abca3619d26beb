/*
 * Slow time per file and per block device, aggregated as events arrive so
 * a view can ask for "the top files" without touching the event log.
 *
 * Files are keyed by (kind, dev, ino) and remember the path's tail; block
 * requests are charged to their device.  Bounded: when the file table gets
 * full, the half with the least slow time is dropped (counted in pruned),
 * so heavy hitters stay.  Devices: up to TOPFILES_MAX_DEVS, the rest are
 * counted in dev_overflow.
 *
 * topfiles_update follows the event log (forward only, starting with what
 * the log holds at the first call); topfiles_add feeds one event directly.  Lock: whatever guards
 * the events given (the engine lock for topfiles_update).
 */
#ifndef PERFLENS_TOPFILES_H
#define PERFLENS_TOPFILES_H

#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "../store/eventlog.h"
#include "../store/hist.h"

#define TOPFILES_NAME_MAX 120
#define TOPFILES_MAX_DEVS 64

struct topfile {
	char name[TOPFILES_NAME_MAX]; /* the path's tail when it is longer */
	uint64_t ino;
	uint32_t dev;
	uint8_t kind;                 /* enum pl_kind */
	uint64_t count;
	uint64_t total_ns;
	uint64_t max_ns;
	uint64_t bytes;
};

struct topdev {
	char name[32];
	uint32_t dev;
	uint64_t count;
	uint64_t total_ns;
	uint64_t bytes;
	struct hist h;
};

struct topfiles;

/* cap: files held (>= 16).  NULL with errno. */
struct topfiles *topfiles_new(size_t cap);
void topfiles_free(struct topfiles *tf);
/* Only keep files of these kinds (bit per enum pl_kind; default all).
 * Events of other kinds are skipped before any work is done on them. */
void topfiles_set_kinds(struct topfiles *tf, unsigned kinds_mask);
/* Account one event (io and block types; others are ignored). */
void topfiles_add(struct topfiles *tf, const struct pl_event *ev);
/* Account the events pushed to log since the last call (the first call
 * takes everything the log holds).  Events overwritten before we saw them are
 * counted in missed.  Engine lock held. */
void topfiles_update(struct topfiles *tf, const struct eventlog *log);
/* The n files with the most slow time whose kind is in kinds_mask (bit per
 * enum pl_kind), slowest first.  Returns how many were written. */
size_t topfiles_files(const struct topfiles *tf, unsigned kinds_mask, struct topfile *out,
		      size_t n);
/* Devices by slow time, slowest first. */
size_t topfiles_devices(const struct topfiles *tf, struct topdev *out, size_t n);
uint64_t topfiles_missed(const struct topfiles *tf);
uint64_t topfiles_pruned(const struct topfiles *tf);

#endif
