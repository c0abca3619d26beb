#include "theme.h"

#include "../src/event.h"

const struct role_style theme_default[R_COUNT] = {
	[R_NORMAL] = { C_DEFAULT, C_DEFAULT, 0, 0 },
	[R_DIM] = { C_BLUE, C_DEFAULT, T_BOLD, T_DIM },
	[R_TITLE] = { C_CYAN, C_DEFAULT, T_BOLD, T_BOLD },
	[R_TAB] = { C_BLACK, C_CYAN, 0, 0 },
	[R_TAB_ACTIVE] = { C_BLACK, C_WHITE, T_BOLD, T_REVERSE | T_BOLD },
	[R_HEADER] = { C_BLACK, C_GREEN, 0, T_UNDERLINE | T_BOLD },
	[R_SELECTED] = { C_BLACK, C_CYAN, 0, T_REVERSE },
	[R_STATUS] = { C_BLACK, C_CYAN, 0, T_REVERSE },
	[R_LIVE] = { C_BLACK, C_GREEN, T_BOLD, T_REVERSE | T_BOLD },
	[R_PAUSED] = { C_BLACK, C_YELLOW, T_BOLD, T_REVERSE | T_BOLD },
	[R_GOOD] = { C_GREEN, C_DEFAULT, 0, 0 },
	[R_WARN] = { C_YELLOW, C_DEFAULT, T_BOLD, T_BOLD },
	[R_ERROR] = { C_RED, C_DEFAULT, T_BOLD, T_BOLD | T_UNDERLINE },
	[R_READ] = { C_GREEN, C_DEFAULT, 0, 0 },
	[R_WRITE] = { C_RED, C_DEFAULT, 0, 0 },
	[R_SYNC] = { C_MAGENTA, C_DEFAULT, 0, 0 },
	[R_BLOCK] = { C_BLUE, C_DEFAULT, T_BOLD, 0 },
	[R_PROC] = { C_CYAN, C_DEFAULT, 0, 0 },
	[R_EXITED] = { C_BLACK, C_DEFAULT, T_BOLD, T_DIM },
	[R_HEAT1] = { C_BLUE, C_DEFAULT, 0, 0 },
	[R_HEAT2] = { C_CYAN, C_DEFAULT, 0, 0 },
	[R_HEAT3] = { C_YELLOW, C_DEFAULT, T_BOLD, 0 },
	[R_HEAT4] = { C_RED, C_DEFAULT, T_BOLD, T_BOLD },
	[R_CURSOR] = { C_BLACK, C_WHITE, 0, T_REVERSE },
	[R_KEY] = { C_CYAN, C_DEFAULT, T_BOLD, T_BOLD },
	[R_MATCH] = { C_BLACK, C_YELLOW, 0, T_UNDERLINE },
	[R_NOTE] = { C_YELLOW, C_DEFAULT, 0, T_DIM },
	[R_CRITICAL] = { C_WHITE, C_RED, T_BOLD, T_REVERSE | T_BOLD },
};

static const char *const utf8_glyphs[G_COUNT] = {
	[G_HLINE] = "─", [G_VLINE] = "│", [G_TREE_MID] = "├", [G_TREE_LAST] = "└",
	[G_TREE_PIPE] = "│", [G_ELLIPSIS] = "…", [G_OPEN] = "▾", [G_CLOSED] = "▸",
	[G_BAR_FULL] = "█", [G_CURSOR_MARK] = "▲", [G_PLAYHEAD] = "◆", [G_DOT] = "·", [G_MICRO] = "µ",
	[G_SPARK0] = " ", [G_SPARK1] = "▁", [G_SPARK2] = "▂", [G_SPARK3] = "▃",
	[G_SPARK4] = "▄", [G_SPARK5] = "▅", [G_SPARK6] = "▆", [G_SPARK7] = "▇",
	[G_SPARK8] = "█",
	[G_SHADE0] = " ", [G_SHADE1] = "░", [G_SHADE2] = "▒", [G_SHADE3] = "▓", [G_SHADE4] = "█",
};

static const char *const ascii_glyphs[G_COUNT] = {
	[G_HLINE] = "-", [G_VLINE] = "|", [G_TREE_MID] = "|", [G_TREE_LAST] = "`",
	[G_TREE_PIPE] = "|", [G_ELLIPSIS] = "~", [G_OPEN] = "-", [G_CLOSED] = "+",
	[G_BAR_FULL] = "#", [G_CURSOR_MARK] = "^", [G_PLAYHEAD] = "@", [G_DOT] = ".", [G_MICRO] = "u",
	[G_SPARK0] = " ", [G_SPARK1] = ".", [G_SPARK2] = ".", [G_SPARK3] = "-",
	[G_SPARK4] = "-", [G_SPARK5] = "=", [G_SPARK6] = "=", [G_SPARK7] = "#",
	[G_SPARK8] = "#",
	[G_SHADE0] = " ", [G_SHADE1] = ".", [G_SHADE2] = ":", [G_SHADE3] = "*", [G_SHADE4] = "#",
};

static bool use_utf8;

void theme_set_utf8(bool utf8)
{
	use_utf8 = utf8;
}

bool theme_utf8(void)
{
	return use_utf8;
}

const char *theme_glyph(enum glyph g)
{
	if ((unsigned)g >= G_COUNT)
		return "?";
	return use_utf8 ? utf8_glyphs[g] : ascii_glyphs[g];
}

enum role theme_type_role(unsigned type)
{
	switch (type) {
	case PL_EV_READ: return R_READ;
	case PL_EV_WRITE: return R_WRITE;
	case PL_EV_SYNC: return R_SYNC;
	case PL_EV_BLOCK: return R_BLOCK;
	default: return R_PROC;
	}
}
