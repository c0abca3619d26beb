/*
 * REC_NAMES frames: the cgroup path of each cgroup id and the namespace pid
 * of each pid, as the live printer shows them ("cgroup", "nspid"), so that a
 * replay prints the same lines on a machine that never ran those processes.
 *
 * Looking a pid up must happen while the process lives, and the recorder's
 * writer thread can sit in write(2) for hundreds of ms on a busy disk.  So
 * the tap (consumer thread) only queues ids it has not seen -- no I/O, a
 * bounded queue whose overflow is counted -- and a thread of its own reads
 * /proc and cgroupfs at once.  The writer takes what was learnt at each
 * flush.  A reader learns every NAMES frame at its scan, so a name may
 * follow the events that use it.
 */
#ifndef PERFLENS_REC_NAMES_H
#define PERFLENS_REC_NAMES_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "../event.h"
#include "../out/idnames.h"

struct rec_names;

/* ids: the system look-ups (taken over, used by the names thread only).
 * NULL on failure (ids freed). */
struct rec_names *rec_names_start(struct idnames *ids);
/* Stop the thread; what it learnt stays for rec_names_take. */
void rec_names_stop(struct rec_names *n);
void rec_names_free(struct rec_names *n);
/* Consumer thread (the tap): queue the event's ids when not seen yet. */
void rec_names_note(struct rec_names *n, const struct pl_event *ev);
/* Names learnt since the last take, as a REC_NAMES payload
 * ({"cgroups":{"ID":"PATH"},"nspids":{"PID":NS}}), or NULL; the caller owns it. */
json_object *rec_names_take(struct rec_names *n);
/* Ids the queue had no room for (their names are not recorded). */
uint64_t rec_names_dropped(struct rec_names *n);
/* Replay: learn a REC_NAMES payload into ids.  0, or -EINVAL when it is not
 * such an object (damage: the names stay unknown). */
int rec_names_learn(struct idnames *ids, const uint8_t *p, size_t len);

#endif
