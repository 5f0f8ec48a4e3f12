/*
 * Unit tests for sha256.c (FIPS 180-4 vectors, padding boundaries and
 * streaming in odd chunk sizes), buf.c and xasprintf().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sha256.h"
#include "xmalloc.h"
#include "tap.h"

static const char abc448[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char abc896[] =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

/* Lowercase letters a..z repeated, the pattern of the hard-coded digests. */
static void
pattern(unsigned char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)('a' + i % 26);
}

/* Hashes data in chunks of the given size (0: all at once). */
static void
digest(const void *data, size_t len, size_t chunk, char hex[SHA256_HEXLEN + 1])
{
	const unsigned char	*p = data;
	unsigned char		 md[SHA256_LEN];
	struct sha256		 ctx;
	size_t			 n;

	sha256_init(&ctx);
	if (chunk == 0)
		chunk = len;
	while (len > 0) {
		n = len < chunk ? len : chunk;
		sha256_update(&ctx, p, n);
		sha256_update(&ctx, p, 0);
		p += n;
		len -= n;
	}
	sha256_final(&ctx, md);
	sha256_hex(md, hex);
}

static void
test_vectors(void)
{
	char	hex[SHA256_HEXLEN + 1];

	digest("", 0, 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", "sha256: empty string");
	digest("abc", 3, 0, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", "sha256: \"abc\"");
	digest(abc448, strlen(abc448), 0, hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1", "sha256: 448-bit message");
	digest(abc896, strlen(abc896), 0, hex);
	is_str(hex, "cf5b16a778af8380036ce59e7b049237"
	    "0b249b11e8f07a51afac45037afee9d1", "sha256: 896-bit message");
}

static void
test_million(void)
{
	char	*a, hex[SHA256_HEXLEN + 1];
	size_t	 len = 1000000;

	a = xmalloc(len);
	memset(a, 'a', len);
	digest(a, len, 0, hex);
	is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0", "sha256: one million 'a'");
	digest(a, len, 1000, hex);
	is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0",
	    "sha256: one million 'a' in chunks of 1000");
	free(a);
}

static void
test_boundaries(void)
{
	static const struct {
		size_t		 len;
		const char	*hex;
	} t[] = {
		{ 55, "595615dbe4f0f407ae397d08b4c2cb87"
		    "0cb9b0e11937416f950c5160acf9c005" },
		{ 56, "784f623b787495078e93ff28a25b581d"
		    "f0584055a7e71d8cd90c454716b92f51" },
		{ 63, "5ca3e1ef5207490eac01a795e5cc94d5"
		    "9582a5118bf9534665c8668d87aa647c" },
		{ 64, "2fcd5a0d60e4c941381fcc4e00a4bf8b"
		    "e422c3ddfafb93c809e8d1e2bfffae8e" }
	};
	unsigned char	 data[64];
	char		 hex[SHA256_HEXLEN + 1], name[64];
	size_t		 i;

	pattern(data, sizeof(data));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		digest(data, t[i].len, 0, hex);
		snprintf(name, sizeof(name), "sha256: padding, %zu bytes",
		    t[i].len);
		is_str(hex, t[i].hex, name);
	}
}

static void
test_streaming(void)
{
	static const size_t	 chunks[] = { 1, 3, 63, 64, 65 };
	static const char	 want[] = "915e53a44c18b19bb06ba5b3f5fcaf1d"
	    "c4651e8404c63425cfc6174e74659d87";
	unsigned char		 data[1000];
	char			 hex[SHA256_HEXLEN + 1], name[64];
	size_t			 i;

	pattern(data, sizeof(data));
	digest(data, sizeof(data), 0, hex);
	is_str(hex, want, "sha256 streaming: 1000 bytes at once");
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		digest(data, sizeof(data), chunks[i], hex);
		snprintf(name, sizeof(name),
		    "sha256 streaming: 1000 bytes in chunks of %zu", chunks[i]);
		is_str(hex, want, name);
	}
}

static void
test_buf(void)
{
	struct buf	 b = BUF_INIT;
	char		 want[2048], *s;
	size_t		 len;
	int		 i;

	buf_reset(&b);
	ok(b.s == buf_empty && b.len == 0 && b.cap == 0 && buf_empty[0] == 0,
	    "buf: reset of an empty buffer leaves it empty");
	buf_add(&b, "", 0);
	ok(b.s == buf_empty, "buf: adding nothing does not allocate");
	buf_truncate(&b, 0);
	ok(b.s == buf_empty, "buf: truncating an empty buffer to 0");

	len = 0;
	for (i = 0; i < 300; i++) {
		buf_addf(&b, "%04d,", i);
		len += (size_t)snprintf(want + len, sizeof(want) - len,
		    "%04d,", i);
	}
	is_int(b.len, 1500, "buf: addf grows past 1 KiB, length");
	is_str(b.s, want, "buf: addf grows past 1 KiB, contents");
	ok(b.cap > b.len, "buf: room for the NUL");

	buf_truncate(&b, 4);
	is_str(b.s, "0000", "buf: truncate");
	is_int(b.len, 4, "buf: truncate sets the length");
	buf_addch(&b, '!');
	is_str(b.s, "0000!", "buf: addch after truncate");

	buf_reset(&b);
	is_str(b.s, "", "buf: reset of an allocated buffer");
	is_int(b.len, 0, "buf: reset sets the length to 0");
	buf_release(&b);
	ok(b.s == buf_empty && b.cap == 0, "buf: release re-inits");

	memset(want, 'x', 1999);
	want[1999] = '\0';
	buf_addf(&b, "<%s>", want);
	is_int(b.len, 2001, "buf: one addf of 2001 bytes, length");
	ok(b.s[0] == '<' && b.s[2000] == '>' && b.s[2001] == '\0',
	    "buf: one addf of 2001 bytes, contents");
	buf_release(&b);

	buf_adds(&b, "abc");
	s = buf_detach(&b);
	is_str(s, "abc", "buf: detach returns the string");
	ok(b.s == buf_empty && b.len == 0 && b.cap == 0,
	    "buf: detach re-inits");
	free(s);
	s = buf_detach(&b);
	ok(s != buf_empty, "buf: detach of an empty buffer allocates");
	is_str(s, "", "buf: detach of an empty buffer gives \"\"");
	free(s);
}

static void
test_xasprintf(void)
{
	char	*s;

	s = xasprintf("%s-%d", "v", 42);
	is_str(s, "v-42", "xmalloc: xasprintf");
	free(s);
	s = xasprintf("%s", "");
	is_str(s, "", "xmalloc: xasprintf of an empty string");
	free(s);
	s = xstrndup("abcdef", 3);
	is_str(s, "abc", "xmalloc: xstrndup stops at n");
	free(s);
	s = xstrndup("ab", 10);
	is_str(s, "ab", "xmalloc: xstrndup stops at the NUL");
	free(s);
}

int
main(void)
{
	/* With the CPU's SHA instructions, if it has them, then without. */
	for (sha256_hw = 1; sha256_hw >= 0; sha256_hw--) {
		printf("# sha256_hw = %d\n", sha256_hw);
		test_vectors();
		test_million();
		test_boundaries();
		test_streaming();
	}
	test_buf();
	test_xasprintf();
	return done_testing();
}
