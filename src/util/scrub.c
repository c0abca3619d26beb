#include "scrub.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MASK_LEN 3 /* "***" */

/*
 * One left-to-right pass.  At each input position the matchers are tried in
 * order; a hit says "copy `keep` bytes verbatim, then hide `secret` bytes".
 * Output is written behind the read cursor (w <= r), so the same loop works
 * in place and into a separate buffer.  Matchers look ahead in the input and
 * behind in the output; the two agree except where a secret became '*',
 * which no matcher treats as part of a word.
 */
struct scan {
	const char *in;
	char *out;
	size_t r, w, cap; /* cap: bytes of out usable before the NUL */
	bool truncated;
	int password_prog; /* the text's program takes "-pSECRET": its index, else -1 */
};

struct hit {
	size_t keep, secret;
};

/*
 * Command lines can be megabytes and are written by whoever we trace.  A
 * matcher restarting after each hit inside a long run would rescan the
 * rest of it; capping the open-ended scans keeps the pass linear.  Longer
 * secrets are then hidden piece by piece.
 */
#define SCAN_MAX 4096
#define SCHEME_MAX 32

/* Character classes as bits, so a token shape names its alphabet in one word. */
enum {
	C_UP = 1 << 0,
	C_LO = 1 << 1,
	C_DIG = 1 << 2,
	C_US = 1 << 3,
	C_DASH = 1 << 4,
	C_PLUS = 1 << 5,
	C_SLASH = 1 << 6,
	C_DOT = 1 << 7,
	C_ALNUM = C_UP | C_LO | C_DIG,
	C_URLSAFE = C_ALNUM | C_US | C_DASH,
	C_RUN = C_URLSAFE | C_PLUS | C_SLASH, /* base64 of both kinds, minus '=' */
	C_IDENT = C_URLSAFE | C_DOT,
	C_SCHEME = C_ALNUM | C_PLUS | C_DOT | C_DASH,
};

/* Plain ASCII on purpose: <ctype.h> follows the locale. */
static const unsigned char ctab[256] = {
	['A' ... 'Z'] = C_UP, ['a' ... 'z'] = C_LO, ['0' ... '9'] = C_DIG,
	['_'] = C_US,	      ['-'] = C_DASH,	     ['+'] = C_PLUS,
	['/'] = C_SLASH,      ['.'] = C_DOT,
};

static bool is_cls(char c, unsigned cls)
{
	return ctab[(unsigned char)c] & cls;
}

static size_t span_cls(const char *s, unsigned cls, size_t max)
{
	size_t n = 0;

	while (n < max && is_cls(s[n], cls))
		n++;
	return n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_quote(char c)
{
	return c == '"' || c == '\'';
}

static char lower(char c)
{
	return is_cls(c, C_UP) ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive prefix test; '_' and '-' are the same letter here, so
 * "api_key" also finds "X-Api-Key" and "private-key". */
static bool has_word(const char *s, const char *word)
{
	for (; *word; s++, word++) {
		char a = *s == '-' ? '_' : lower(*s);
		char b = *word == '-' ? '_' : *word;

		if (a != b)
			return false;
	}
	return true;
}

static char scan_prev(const struct scan *sc)
{
	return sc->w ? sc->out[sc->w - 1] : '\0';
}

/* ---- registered literals ------------------------------------------------ */

#define LITERALS_MAX 8
#define LITERAL_MIN 4

/* Filled at startup before threads exist, then only read. */
static char *literals[LITERALS_MAX];
static bool scrub_on = true;

static bool match_literal(const struct scan *sc, struct hit *h)
{
	const char *s = sc->in + sc->r;

	for (size_t i = 0; i < LITERALS_MAX && literals[i]; i++) {
		size_t n = strlen(literals[i]);

		if (!strncmp(s, literals[i], n)) {
			*h = (struct hit){ 0, n };
			return true;
		}
	}
	return false;
}

/* ---- values after a key ------------------------------------------------- */

static bool is_value_end(char c)
{
	return !c || is_space(c) || is_quote(c) || c == '&' || c == ',' || c == ';';
}

static size_t value_len(const char *s)
{
	size_t n = 0;

	while (!is_value_end(s[n]))
		n++;
	return n;
}

static int base64_value(char c)
{
	if (is_cls(c, C_UP))
		return c - 'A';
	if (is_cls(c, C_LO))
		return c - 'a' + 26;
	if (is_cls(c, C_DIG))
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Basic credentials are base64("user:pass"); requiring the ':' keeps prose
 * such as "basic block" visible. */
static bool base64_has_colon(const char *s, size_t n)
{
	unsigned bits = 0, nbits = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		int v = base64_value(s[i]);

		if (v < 0)
			return false;
		bits = (bits << 6 | (unsigned)v) & 0xfff;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			if (((bits >> nbits) & 0xff) == ':')
				return true;
		}
	}
	return false;
}

/* "Bearer X" / "Basic X" at s.  After a key ("Authorization: Basic ...")
 * any Basic value counts; free-standing it must decode as user:pass. */
static bool auth_scheme_at(const char *s, bool after_key, struct hit *h)
{
	static const char *const schemes[] = { "bearer", "basic" };

	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++) {
		size_t k = strlen(schemes[i]), v = k, n;

		if (!has_word(s, schemes[i]) || s[k] != ' ')
			continue;
		while (s[v] == ' ')
			v++;
		n = value_len(s + v);
		if (n == 0 || (i == 1 && !after_key && !base64_has_colon(s + v, n)))
			continue;
		*h = (struct hit){ v, n };
		return true;
	}
	return false;
}

static bool match_auth_scheme(const struct scan *sc, struct hit *h)
{
	if (is_cls(scan_prev(sc), C_ALNUM))
		return false;
	return auth_scheme_at(sc->in + sc->r, false, h);
}

/* The value starting at v (relative to s); quoted values run to the quote. */
static bool value_at(const char *s, size_t v, struct hit *h)
{
	struct hit scheme;
	size_t n;

	if (auth_scheme_at(s + v, true, &scheme)) {
		*h = (struct hit){ v + scheme.keep, scheme.secret };
		return true;
	}
	if (is_quote(s[v])) {
		const char *end = strchr(s + v + 1, s[v]);

		v++;
		n = end ? (size_t)(end - (s + v)) : strlen(s + v);
	} else {
		n = value_len(s + v);
	}
	*h = (struct hit){ v, n };
	return n > 0;
}

/* ---- key=value, key: value, --key value --------------------------------- */

/* The key may end a longer name (MYSQL_PASSWORD, x-api-key), but it must end
 * it: "--token-file", "token_id", "password_reset.html" are not secrets. */
static const char *const key_names[] = {
	"password",    "passwd", "pwd",	       "secret",      "token",	       "api_key",
	"apikey",      "access_key", "auth", "credentials", "credential", "private_key",
	"client_secret",
};

/* Short enough to end ordinary words ("bypass", "compass"): a key only as a
 * whole name or after a separator ("--db-pass", "DB_PASS", "pass="). */
static const char *const short_key_names[] = { "pass" };

/* "--db-password value": the name written so far starts with a dash at the
 * start of a word. */
static bool scan_in_flag(const struct scan *sc)
{
	size_t j = sc->w;

	while (j > 0 && is_cls(sc->out[j - 1], C_IDENT))
		j--;
	return j < sc->w && sc->out[j] == '-' && (j == 0 || is_space(sc->out[j - 1]));
}

/* Where the value after a key of length k starts, or 0 for "not a key". */
static size_t key_value_start(const struct scan *sc, size_t k)
{
	const char *s = sc->in + sc->r;

	if (is_quote(s[k]) && (s[k + 1] == '=' || s[k + 1] == ':'))
		k++; /* the closing quote of a JSON/YAML key */
	if (s[k] == '=' || s[k] == ':') {
		/* "auth::Session" is C++ and "auth://" a URL, not a key. */
		if (s[k] == ':' && (s[k + 1] == ':' || (s[k + 1] == '/' && s[k + 2] == '/')))
			return 0;
		k++;
		while (s[k] == ' ' || s[k] == '\t')
			k++;
		return k;
	}
	if (s[k] == ' ' && s[k + 1] && !is_space(s[k + 1]) && scan_in_flag(sc))
		return k + 1;
	return 0;
}

static bool key_in(const struct scan *sc, const char *const *names, size_t n, struct hit *h)
{
	const char *s = sc->in + sc->r;

	for (size_t i = 0; i < n; i++) {
		size_t v;

		if (!has_word(s, names[i]))
			continue;
		v = key_value_start(sc, strlen(names[i]));
		if (v)
			return value_at(s, v, h);
	}
	return false;
}

static bool match_key(const struct scan *sc, struct hit *h)
{
	if (key_in(sc, key_names, ARRAY_SIZE(key_names), h))
		return true;
	return !is_cls(scan_prev(sc), C_ALNUM) &&
	       key_in(sc, short_key_names, ARRAY_SIZE(short_key_names), h);
}

/* ---- password flags of particular programs ------------------------------ */

/* "mysql -pSECRET" and "sshpass -p SECRET": a generic "-p" is a port, a
 * path or "mkdir -p", so only the programs that take a password there. */
static const struct {
	const char *prog;
	bool detached;          /* the value may also be the next word */
} password_p_progs[] = {
	{ "mysql", false }, { "mysqldump", false }, { "mysqladmin", false },
	{ "mariadb", false }, { "mariadb-dump", false }, { "sshpass", true },
};

/* The program named by the first word of the text, by its basename. */
static bool first_word_is(const char *text, const char *prog)
{
	size_t n = strcspn(text, " \t"), base = n;

	while (base > 0 && text[base - 1] != '/')
		base--;
	return n - base == strlen(prog) && !strncmp(text + base, prog, n - base);
}

/* Once per text, so a text full of "-p" stays one linear pass. */
static int password_prog_of(const char *text)
{
	for (size_t i = 0; i < ARRAY_SIZE(password_p_progs); i++)
		if (first_word_is(text, password_p_progs[i].prog))
			return (int)i;
	return -1;
}

static bool match_password_flag(const struct scan *sc, struct hit *h)
{
	const char *s = sc->in + sc->r;

	if (sc->password_prog < 0 || s[0] != '-' || s[1] != 'p' ||
	    (sc->w && !is_space(scan_prev(sc))))
		return false;
	if (s[2] && !is_space(s[2]))
		return value_at(s, 2, h);
	if (password_p_progs[sc->password_prog].detached && s[2] == ' ' && s[3] &&
	    !is_space(s[3]))
		return value_at(s, 3, h);
	return false;
}

/* ---- URLs: scheme://user:pass@host -------------------------------------- */

static bool match_url(const struct scan *sc, struct hit *h)
{
	const char *s = sc->in + sc->r;
	size_t a, e, at = 0, colon = 0;

	/* Only at the true start of the scheme, so each authority is read once. */
	if (!is_cls(s[0], C_UP | C_LO) || is_cls(scan_prev(sc), C_SCHEME))
		return false;
	a = span_cls(s, C_SCHEME, SCHEME_MAX);
	if (strncmp(s + a, "://", 3))
		return false;
	a += 3;
	for (e = a; s[e] && !is_space(s[e]) && !is_quote(s[e]) && !strchr("/?#", s[e]); e++)
		if (s[e] == '@')
			at = e; /* the last one: an unescaped '@' in a password is common */
	for (size_t i = a; i < at && !colon; i++)
		if (s[i] == ':')
			colon = i;
	if (!colon || colon + 1 == at)
		return false;
	*h = (struct hit){ colon + 1, at - colon - 1 };
	return true;
}

/* ---- PEM private keys: hide the body, keep the BEGIN/END lines ---------- */

static bool match_pem(const struct scan *sc, struct hit *h)
{
	static const char begin[] = "-----BEGIN ", kind[] = "PRIVATE KEY", dashes[] = "-----";
	const char *s = sc->in + sc->r, *label, *body, *end;
	size_t n = 0, klen = sizeof(kind) - 1;

	if (strncmp(s, begin, sizeof(begin) - 1))
		return false;
	label = s + sizeof(begin) - 1;
	while (is_cls(label[n], C_UP | C_DIG) || label[n] == ' ')
		n++;
	/* "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", ... */
	if (n < klen || strncmp(label + n - klen, kind, klen) || strncmp(label + n, dashes, 5))
		return false;
	body = label + n + 5;
	end = strstr(body, "-----END");
	*h = (struct hit){ (size_t)(body - s), end ? (size_t)(end - body) : strlen(body) };
	return h->secret > 0;
}

/* ---- token shapes ------------------------------------------------------- */

/* A literal, then a run of `cls` characters, min..max long (max 0: SCAN_MAX). */
struct seg {
	const char *lit;
	unsigned short cls, min, max;
};

#define SHAPE_SEGS 3

/* One line per shape.  The first literal stays visible ("ghp_***"). */
static const struct seg shapes[][SHAPE_SEGS] = {
	{ { "sk-", C_URLSAFE, 16, 0 } },
	{ { "hf_", C_ALNUM, 16, 0 } },
	{ { "ghp_", C_ALNUM, 20, 0 } },
	{ { "gho_", C_ALNUM, 20, 0 } },
	{ { "ghu_", C_ALNUM, 20, 0 } },
	{ { "ghs_", C_ALNUM, 20, 0 } },
	{ { "ghr_", C_ALNUM, 20, 0 } },
	{ { "github_pat_", C_ALNUM | C_US, 20, 0 } },
	{ { "glpat-", C_URLSAFE, 20, 0 } },
	{ { "npm_", C_ALNUM, 36, 0 } },
	{ { "xoxa-", C_ALNUM | C_DASH, 10, 0 } },
	{ { "xoxb-", C_ALNUM | C_DASH, 10, 0 } },
	{ { "xoxp-", C_ALNUM | C_DASH, 10, 0 } },
	{ { "xoxr-", C_ALNUM | C_DASH, 10, 0 } },
	{ { "AKIA", C_UP | C_DIG, 16, 16 } },
	{ { "ASIA", C_UP | C_DIG, 16, 16 } },
	{ { "eyJ", C_URLSAFE, 1, 0 }, { ".eyJ", C_URLSAFE, 1, 0 }, { ".", C_URLSAFE, 1, 0 } },
};

/* Length of shape at s, or 0. */
static size_t shape_len(const struct seg *seg, const char *s)
{
	size_t p = 0;

	for (int i = 0; i < SHAPE_SEGS && seg[i].lit; i++) {
		size_t lit = strlen(seg[i].lit), run;

		if (strncmp(s + p, seg[i].lit, lit))
			return 0;
		p += lit;
		run = span_cls(s + p, seg[i].cls, seg[i].max ? seg[i].max : SCAN_MAX);
		if (run < seg[i].min)
			return 0;
		p += run;
	}
	return p;
}

static bool match_shape(const struct scan *sc, struct hit *h)
{
	const char *s = sc->in + sc->r;

	/* A token starts a word ("task-..." holds no "sk-...").  Not restarting
	 * inside a word also keeps a hostile "-eyJ-eyJ-eyJ..." linear. */
	if (is_cls(scan_prev(sc), C_URLSAFE))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		size_t n = shape_len(shapes[i], s), keep = strlen(shapes[i][0].lit);

		if (n) {
			*h = (struct hit){ keep, n - keep };
			return true;
		}
	}
	return false;
}

/* ---- long high-entropy runs --------------------------------------------- */

#define ENTROPY_RUN_MIN 32
#define ENTROPY_BITS_MIN 4.0

/* log2 for n >= 1 without libm (each util module links alone into a test):
 * exponent from the bit length, mantissa by the atanh series, |error| < 1e-9. */
static double log2_count(size_t n)
{
	int e = 63 - __builtin_clzll((unsigned long long)n);
	double m = (double)n / (double)(1ull << e), z = (m - 1) / (m + 1), z2 = z * z, t = z, ln = 0;

	for (int k = 1; k < 24; k += 2, t *= z2)
		ln += t / k;
	return e + 2 * ln / 0.6931471805599453;
}

static bool looks_random(const char *s, size_t n)
{
	size_t count[256] = { 0 };
	unsigned classes = 0;
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		count[(unsigned char)s[i]]++;
		classes |= ctab[(unsigned char)s[i]];
	}
	if ((classes & C_ALNUM) != C_ALNUM)
		return false; /* lowercase hex build ids, UUIDs, CONSTANT_NAMES */
	for (size_t c = 0; c < 256; c++)
		if (count[c])
			sum += (double)count[c] * log2_count(count[c]);
	return log2_count(n) - sum / (double)n >= ENTROPY_BITS_MIN;
}

/* Paths are long runs of mixed case and digits too.  A run that starts with
 * '/' or has a plain lowercase component ("usr", "lib", "org") is judged
 * component by component instead; random base64 rarely has either. */
static bool looks_like_path(const char *s, size_t n)
{
	if (!memchr(s, '/', n))
		return false;
	if (s[0] == '/')
		return true;
	for (size_t i = 0; i < n;) {
		size_t lo = span_cls(s + i, C_LO, n - i);

		if (lo >= 2 && (i + lo == n || s[i + lo] == '/') && (i == 0 || s[i - 1] == '/'))
			return true;
		i += lo ? lo : 1;
	}
	return false;
}

static bool match_entropy(const struct scan *sc, struct hit *h)
{
	const char *s = sc->in + sc->r;
	char prev = scan_prev(sc);
	bool component = prev == '/';
	size_t n, pad;

	if (!component && is_cls(prev, C_RUN))
		return false; /* judged once, at the start of the run */
	n = span_cls(s, component ? C_RUN & ~C_SLASH : C_RUN, SCAN_MAX);
	if (n == 0)
		return false;
	for (pad = 0; pad < 2 && s[n + pad] == '='; pad++) /* base64 pads with 0-2 */
		;
	/* A name, not a value: "SOMEKEY=value", "name:value".  Padding ends a
	 * value; anything else after '=' (even the "***" of an earlier pass)
	 * is a value, so scrubbing twice changes nothing. */
	if (s[n] == ':' || (pad && !is_value_end(s[n + pad])))
		return false;
	n += pad;
	if (n < ENTROPY_RUN_MIN || (s[0] == '_' && (s[1] == 'Z' || s[1] == 'R')))
		return false; /* too short, or a mangled C++/Rust symbol */
	if (!component && looks_like_path(s, n))
		return false;
	if (!looks_random(s, n))
		return false;
	*h = (struct hit){ 0, n };
	return true;
}

/* ---- the pass ----------------------------------------------------------- */

typedef bool (*matcher_fn)(const struct scan *sc, struct hit *h);

/* Earlier wins at the same position: a key keeps its name, a shape its prefix. */
static const matcher_fn matchers[] = {
	match_literal, match_pem,   match_url,	   match_auth_scheme,
	match_key,     match_password_flag, match_shape, match_entropy,
};

static void scan_copy(struct scan *sc, size_t n)
{
	size_t room = sc->cap - sc->w;

	if (n > room) {
		n = room;
		sc->truncated = true;
	}
	memmove(sc->out + sc->w, sc->in + sc->r, n);
	sc->w += n;
	sc->r += n;
}

/*
 * "***" when that does not make the text longer than the input read so far
 * (so in place never grows); otherwise one '*' per byte.
 */
static void scan_hide(struct scan *sc, size_t n)
{
	size_t slack = sc->r - sc->w, k = n + slack >= MASK_LEN ? MASK_LEN : n;

	if (k > sc->cap - sc->w) {
		k = sc->cap - sc->w;
		sc->truncated = true;
	}
	memset(sc->out + sc->w, '*', k);
	sc->w += k;
	sc->r += n;
}

static int scan_run(struct scan *sc)
{
	int hidden = 0;

	sc->password_prog = password_prog_of(sc->in);
	while (sc->in[sc->r] && !sc->truncated) {
		struct hit h;
		size_t i = 0;

		while (i < ARRAY_SIZE(matchers) && !matchers[i](sc, &h))
			i++;
		if (i == ARRAY_SIZE(matchers)) {
			scan_copy(sc, 1);
			continue;
		}
		scan_copy(sc, h.keep);
		scan_hide(sc, h.secret);
		hidden++;
	}
	return hidden;
}

/* A cut made for lack of room must not leave half a UTF-8 character. */
static size_t utf8_trim_tail(const char *s, size_t n)
{
	size_t i = n, need;

	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || (unsigned char)s[i - 1] < 0xc0)
		return n;
	need = (unsigned char)s[i - 1] >= 0xf0 ? 4 : (unsigned char)s[i - 1] >= 0xe0 ? 3 : 2;
	return n - (i - 1) < need ? i - 1 : n;
}

int scrub_inplace(char *s)
{
	struct scan sc = { .in = s, .out = s };
	int hidden;

	if (!s || !scrub_on)
		return 0;
	sc.cap = strlen(s);
	hidden = scan_run(&sc);
	s[sc.w] = '\0';
	return hidden;
}

int scrub_copy(char *dst, size_t dstsz, const char *src)
{
	struct scan sc = { .in = src ? src : "", .out = dst, .cap = dstsz ? dstsz - 1 : 0 };
	int hidden = 0;

	if (!dst || dstsz == 0)
		return 0;
	if (scrub_on) {
		hidden = scan_run(&sc);
	} else {
		size_t n = strlen(sc.in);

		scan_copy(&sc, n);
	}
	if (sc.truncated)
		sc.w = utf8_trim_tail(dst, sc.w);
	dst[sc.w] = '\0';
	return hidden;
}

int scrub_add_literal(const char *lit)
{
	size_t i = 0;

	if (!lit || strlen(lit) < LITERAL_MIN)
		return 0;
	while (i < LITERALS_MAX && literals[i] && strcmp(literals[i], lit))
		i++;
	if (i == LITERALS_MAX)
		return -ENOSPC;
	if (literals[i])
		return 0; /* already known */
	literals[i] = strdup(lit);
	return literals[i] ? 0 : -ENOMEM;
}

void scrub_reset_literals(void)
{
	for (size_t i = 0; i < LITERALS_MAX; i++) {
		free(literals[i]);
		literals[i] = NULL;
	}
}

void scrub_set_enabled(bool on)
{
	scrub_on = on;
}

bool scrub_enabled(void)
{
	return scrub_on;
}
