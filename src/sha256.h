/*
 * SHA-256 (FIPS 180-4), for migration checksums.
 */
#ifndef MSR_SHA256_H
#define MSR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_HEXLEN	64

struct sha256 {
	uint32_t	h[8];
	uint64_t	total;
	unsigned char	block[64];
	size_t		used;
};

/*
 * Whether to use the CPU's SHA instructions where it has them: 1, the
 * default; the tests also run with 0.
 */
extern int	sha256_hw;

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char out[SHA256_LEN]);
/* Writes 64 lowercase hex digits and a NUL. */
void	sha256_hex(const unsigned char in[SHA256_LEN],
	    char out[SHA256_HEXLEN + 1]);

#endif
