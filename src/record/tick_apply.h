/* A recorded tick (the tick line's JSON) back into the saturation store,
 * so replayed views and summaries show what the live run saw. */
#ifndef PERFLENS_TICK_APPLY_H
#define PERFLENS_TICK_APPLY_H

#include <json-c/json.h>

#include "../store/satstore.h"

/* Apply the fields it understands; unknown or missing fields are skipped. */
void tick_apply(struct satstore *s, json_object *tick);

#endif
