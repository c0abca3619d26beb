#include "header.h"

#include <sys/utsname.h>

#include "../out/json_out.h"
#include "format.h"

json_object *rec_header_new(const struct engine *e, json_object *ready)
{
	json_object *h = json_object_new_object();
	struct utsname u;
	int ok = uname(&u) == 0;

	json_object_object_add(h, "format", json_object_new_string("perflens-recording"));
	json_object_object_add(h, "format_version", json_object_new_int(REC_MAJOR * 100 + REC_MINOR));
	json_object_object_add(h, "version", json_object_new_string(PERFLENS_VERSION));
	json_object_object_add(h, "host", json_out_string(ok ? u.nodename : "?"));
	json_object_object_add(h, "kernel", json_out_string(ok ? u.release : "?"));
	json_object_object_add(h, "start_mono_ns", json_object_new_int64((int64_t)e->origin_ns));
	json_object_object_add(h, "start_unix", json_out_fixed(e->origin_wall, 6));
	json_object_object_add(h, "ready", ready);
	return h;
}
