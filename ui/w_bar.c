#include "w_bar.h"

#include <stdio.h>

#include "text.h"

int bar_len(uint64_t v, uint64_t max, int width)
{
	if (v == 0 || max == 0 || width <= 0)
		return 0;
	if (v >= max)
		return width;
	unsigned __int128 n = (unsigned __int128)v * (unsigned)width;
	int len = (int)(n / max);

	return len < 1 ? 1 : len;
}

static int exp_of(uint64_t v)
{
	return v < 2 ? 0 : 63 - __builtin_clzll(v);
}

void hist_log2(const struct hist *h, uint64_t out[64])
{
	static signed char bucket_exp[HIST_BUCKETS];
	static int ready;

	if (!ready) {
		for (size_t i = 0; i < HIST_BUCKETS; i++)
			bucket_exp[i] = (signed char)exp_of(hist_bucket_low(i));
		ready = 1;
	}
	for (int e = 0; e < 64; e++)
		out[e] = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		if (h->b[i])
			out[bucket_exp[i]] += h->b[i];
}

void hist_draw(struct rect r, const uint64_t log2[64], enum role bar)
{
	int lo = -1, hi = -1, per = 1, rows;
	uint64_t merged[64] = { 0 }, max = 0;

	for (int e = 0; e < 64; e++)
		if (log2[e]) {
			if (lo < 0)
				lo = e;
			hi = e;
		}
	if (lo < 0 || r.h <= 0) {
		draw_text(r.y, r.x, r.w, R_DIM, "no events yet");
		return;
	}
	rows = hi - lo + 1;
	while ((rows + per - 1) / per > r.h)
		per++;
	rows = (rows + per - 1) / per;
	for (int i = 0; i < rows; i++) {
		for (int e = lo + i * per; e < lo + (i + 1) * per && e < 64; e++)
			merged[i] += log2[e];
		if (merged[i] > max)
			max = merged[i];
	}
	for (int i = 0; i < rows; i++) {
		char lbl[16], cnt[16];
		int bw = r.w - 16;

		fmt_dur(lbl, sizeof(lbl), 1ull << (lo + i * per));
		fmt_count(cnt, sizeof(cnt), merged[i]);
		draw_text_right(r.y + i, r.x, 8, R_DIM, lbl);
		draw_glyph(r.y + i, r.x + 9, G_BAR_FULL, bar_len(merged[i], max, bw), bar);
		draw_text_right(r.y + i, r.x + r.w - 6, 6, R_NORMAL, cnt);
	}
}
