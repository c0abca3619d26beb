#include "w_spark.h"

#include "draw.h"

void spark_scale(const uint64_t *v, size_t n, unsigned levels, uint8_t *out)
{
	uint64_t max = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (size_t i = 0; i < n; i++) {
		if (v[i] == 0 || levels < 2) {
			out[i] = 0;
			continue;
		}
		/* 1 + round(v * (levels - 2) / max): 128-bit so no product overflows. */
		unsigned __int128 num = (unsigned __int128)v[i] * (levels - 2) + max / 2;
		out[i] = (uint8_t)(1 + (unsigned)(num / max));
	}
}

void spark_draw(int y, int x, const uint64_t *v, size_t n, enum role r)
{
	uint8_t lv[512];

	if (n > sizeof(lv))
		n = sizeof(lv);
	spark_scale(v, n, SPARK_LEVELS, lv);
	for (size_t i = 0; i < n; i++)
		draw_glyph(y, x + (int)i, (enum glyph)(G_SPARK0 + lv[i]), 1, r);
}
