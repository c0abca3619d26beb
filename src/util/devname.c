#include "devname.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DEVNAME_MAX 256

struct devname_entry {
	uint32_t major, minor;
	char name[32];
};

static struct devname_entry table[DEVNAME_MAX];
static size_t table_len;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

int devname_refresh(const char *partitions_path)
{
	struct devname_entry fresh[DEVNAME_MAX];
	size_t n = 0;
	char line[256];
	FILE *f = fopen(partitions_path, "re");

	if (!f)
		return -errno;
	while (n < DEVNAME_MAX && fgets(line, sizeof(line), f)) {
		unsigned long long blocks;

		if (sscanf(line, " %u %u %llu %31s", &fresh[n].major, &fresh[n].minor, &blocks,
			   fresh[n].name) == 4)
			n++;
	}
	fclose(f);
	pthread_mutex_lock(&table_lock);
	memcpy(table, fresh, n * sizeof(fresh[0]));
	table_len = n;
	pthread_mutex_unlock(&table_lock);
	return (int)n;
}

void devname_lookup(uint32_t kdev, char *dst, size_t dstsz)
{
	uint32_t major = kdev >> 20, minor = kdev & 0xfffff;

	pthread_mutex_lock(&table_lock);
	for (size_t i = 0; i < table_len; i++) {
		if (table[i].major == major && table[i].minor == minor) {
			snprintf(dst, dstsz, "%s", table[i].name);
			pthread_mutex_unlock(&table_lock);
			return;
		}
	}
	pthread_mutex_unlock(&table_lock);
	snprintf(dst, dstsz, "%u:%u", major, minor);
}
