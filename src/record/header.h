/* The REC_HEADER object of a new recording. */
#ifndef PERFLENS_RECORD_HEADER_H
#define PERFLENS_RECORD_HEADER_H

#include <json-c/json.h>

#include "../engine.h"

/* {format, format_version, version, host, kernel, start_mono_ns, start_unix,
 *  ready: (the ready line, taken over)} */
json_object *rec_header_new(const struct engine *e, json_object *ready);

#endif
