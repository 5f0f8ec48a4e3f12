/*
 * SHA-256 as specified in FIPS 180-4.  Words are read and written
 * big-endian with shifts, one byte at a time, so the code makes no
 * assumption about the host's byte order or alignment.
 */
#include "buildconf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sha256.h"

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t
ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t
load32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
store32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)(x >> 24);
	p[1] = (unsigned char)(x >> 16);
	p[2] = (unsigned char)(x >> 8);
	p[3] = (unsigned char)x;
}

/* Processes one 64-byte block. */
static void
compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t	 w[64], a, b, c, d, e, f, g, hh, s0, s1, t1, t2;
	int		 i;

	for (i = 0; i < 16; i++)
		w[i] = load32(p + 4 * i);
	for (i = 16; i < 64; i++) {
		s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}

	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	f = h[5];
	g = h[6];
	hh = h[7];
	for (i = 0; i < 64; i++) {
		s1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
		t1 = hh + s1 + ((e & f) ^ (~e & g)) + k[i] + w[i];
		s0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
		t2 = s0 + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

/*
 * The SHA extensions of x86 CPUs (SHA-NI) do the same rounds in
 * hardware, about seven times faster: on a file of 22 MB the checksum
 * otherwise costs a tenth of the run.  Each group of four rounds adds
 * four words of the schedule and K; sha256rnds2 does two rounds on the
 * state kept as ABEF and CDGH, and sha256msg1/msg2 extend the schedule.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

#define HAVE_SHA_NI	1

__attribute__((target("sha,ssse3,sse4.1")))
static void
compress_ni(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i abef, cdgh, abef0, cdgh0, t, msg, m[4];
	int g;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]),
	    0xB1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]),
	    0x1B);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xF0);
	for (; nblocks > 0; nblocks--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		for (g = 0; g < 16; g++) {
			if (g < 4)
				m[g] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(p + 16 * g)), bswap);
			msg = _mm_add_epi32(m[g % 4],
			    _mm_loadu_si128((const __m128i *)&k[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			if (g >= 3 && g < 15) {
				t = _mm_alignr_epi8(m[g % 4], m[(g + 3) % 4],
				    4);
				m[(g + 1) % 4] = _mm_sha256msg2_epu32(
				    _mm_add_epi32(m[(g + 1) % 4], t), m[g % 4]);
			}
			msg = _mm_shuffle_epi32(msg, 0x0E);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
			if (g >= 1 && g <= 12)
				m[(g + 3) % 4] = _mm_sha256msg1_epu32(
				    m[(g + 3) % 4], m[g % 4]);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	t = _mm_shuffle_epi32(abef, 0x1B);
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xF0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

/* Whether the CPU has SHA-NI, SSSE3 and SSE4.1; asked once. */
static int
have_sha_ni(void)
{
	static int have = -1;
	unsigned int a, b, c, d;

	if (have == -1) {
		have = 0;
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) &&
		    (c & (1u << 19)) && __get_cpuid_count(7, 0, &a, &b, &c,
		    &d) && (b & (1u << 29)))
			have = 1;
	}
	return have;
}
#endif

int sha256_hw = 1;

static void
compress_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
#ifdef HAVE_SHA_NI
	if (sha256_hw && have_sha_ni()) {
		compress_ni(h, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		compress(h, p);
}

void
sha256_init(struct sha256 *ctx)
{
	ctx->h[0] = 0x6a09e667;
	ctx->h[1] = 0xbb67ae85;
	ctx->h[2] = 0x3c6ef372;
	ctx->h[3] = 0xa54ff53a;
	ctx->h[4] = 0x510e527f;
	ctx->h[5] = 0x9b05688c;
	ctx->h[6] = 0x1f83d9ab;
	ctx->h[7] = 0x5be0cd19;
	ctx->total = 0;
	ctx->used = 0;
}

void
sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 n;

	ctx->total += len;
	if (ctx->used != 0) {
		n = sizeof(ctx->block) - ctx->used;
		if (n > len)
			n = len;
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += n;
		p += n;
		len -= n;
		if (ctx->used < sizeof(ctx->block))
			return;
		compress(ctx->h, ctx->block);
		ctx->used = 0;
	}
	if (len >= sizeof(ctx->block)) {
		n = len / sizeof(ctx->block);
		compress_blocks(ctx->h, p, n);
		p += n * sizeof(ctx->block);
		len -= n * sizeof(ctx->block);
	}
	if (len != 0) {
		memcpy(ctx->block, p, len);
		ctx->used = len;
	}
}

/* Pads the message, writes the digest and wipes the context. */
void
sha256_final(struct sha256 *ctx, unsigned char out[SHA256_LEN])
{
	uint64_t	bits = ctx->total * 8;
	int		i;

	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 56) {
		memset(ctx->block + ctx->used, 0,
		    sizeof(ctx->block) - ctx->used);
		compress_blocks(ctx->h, ctx->block, 1);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 56 - ctx->used);
	store32(ctx->block + 56, (uint32_t)(bits >> 32));
	store32(ctx->block + 60, (uint32_t)bits);
	compress_blocks(ctx->h, ctx->block, 1);

	for (i = 0; i < 8; i++)
		store32(out + 4 * i, ctx->h[i]);
	memset(ctx, 0, sizeof(*ctx));
}

void
sha256_hex(const unsigned char in[SHA256_LEN], char out[SHA256_HEXLEN + 1])
{
	static const char	 digits[] = "0123456789abcdef";
	int			 i;

	for (i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[SHA256_HEXLEN] = '\0';
}
