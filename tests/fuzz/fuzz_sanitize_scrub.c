/*
 * libFuzzer target: arbitrary bytes through the sanitizers and the scrubber.
 * Checks what callers rely on: output stays inside dst, is NUL-terminated,
 * is valid UTF-8, has no terminal controls after sanitize_display, fits its
 * column budget; scrubbing never grows a string and gives the same result
 * in place and as a copy.  (Not checked: that a second scrub changes nothing.
 * Hiding a run can remove the '/' or "-----END" that bounded an earlier
 * match, so a second pass may hide more; it never reveals anything.)
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/scrub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY 0xa5
#define SLACK 16

/* Strict validator, written independently of sanitize.c on purpose. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		len = (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || i + len > n)
			return false;
		cp = s[i] & (0xff >> (len + 1));
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* dst holds a string of fewer than dstsz bytes and nothing past dstsz changed. */
static size_t check_bounded(const unsigned char *buf, size_t dstsz, size_t ret)
{
	size_t len = strnlen((const char *)buf, dstsz);

	assert(len < dstsz);
	assert(ret == len);
	for (size_t i = dstsz; i < dstsz + SLACK; i++)
		assert(buf[i] == CANARY);
	assert(utf8_valid(buf, len));
	return len;
}

static void check_no_controls(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert(s[i] >= 0x20 && s[i] != 0x7f);
		assert(!(s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f));
	}
}

/* The len-bounded entry points, on bytes that are not NUL-terminated. */
static void fuzz_sanitize(const char *src, size_t size, size_t dstsz, unsigned char *buf)
{
	size_t n;

	memset(buf, CANARY, dstsz + SLACK);
	n = sanitize_utf8((char *)buf, dstsz, src, size);
	check_bounded(buf, dstsz, n);

	memset(buf, CANARY, dstsz + SLACK);
	n = sanitize_display((char *)buf, dstsz, src, size);
	check_bounded(buf, dstsz, n);
	check_no_controls(buf, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf, *str;
	size_t dstsz, len;
	int cols, used;

	if (size < 2)
		return 0;
	dstsz = 1 + data[0] % 64u; /* small sizes hit every boundary */
	cols = (int)(data[1] % 40u) - 2;
	data += 2;
	size -= 2;

	buf = malloc(size * 4 + dstsz + 2 * SLACK + 1);
	str = malloc(size + 1);
	if (!buf || !str)
		goto cleanup;
	memcpy(str, data, size);
	str[size] = '\0';
	fuzz_sanitize((const char *)data, size, dstsz, buf);

	/* fit on raw bytes: escaped like display, within the budget */
	memset(buf, CANARY, dstsz + SLACK);
	used = sanitize_fit((char *)buf, dstsz, (const char *)str, cols);
	len = check_bounded(buf, dstsz, strlen((const char *)buf));
	check_no_controls(buf, len);
	assert(used >= 0 && used <= (cols > 0 ? cols : 0));
	assert(sanitize_width((const char *)buf) == used);

	/* scrub_copy on raw bytes: bounded and terminated, never longer */
	memset(buf, CANARY, dstsz + SLACK);
	scrub_copy((char *)buf, dstsz, (const char *)str);
	len = strnlen((const char *)buf, dstsz);
	assert(len < dstsz && len <= strlen((const char *)str));
	for (size_t i = dstsz; i < dstsz + SLACK; i++)
		assert(buf[i] == CANARY);

	/* the real pipeline: repair, then scrub; scrubbing keeps it valid UTF-8 */
	sanitize_utf8((char *)str, size + 1, (const char *)data, size);
	len = strlen((const char *)str);
	scrub_copy((char *)buf, len + 1, (const char *)str);
	assert(utf8_valid(buf, strlen((const char *)buf)));
	scrub_inplace((char *)str);
	assert(strlen((const char *)str) <= len);
	assert(!strcmp((const char *)buf, (const char *)str)); /* both paths agree */
	memset(buf, CANARY, dstsz + SLACK);
	scrub_copy((char *)buf, dstsz, (const char *)str);
	assert(utf8_valid(buf, strnlen((const char *)buf, dstsz)));

cleanup:
	free(buf);
	free(str);
	return 0;
}
