/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6 prefixes and the small numbers that go with them (address labels,
 * gai.conf values, route metrics), parsed strictly: a whole-string match or
 * an error that says what is wrong, so a command can refuse bad input in one
 * line before it changes anything.
 */
#ifndef V6FIX_PREFIX_H
#define V6FIX_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct v6fix_prefix {
	struct in6_addr addr;	/* host bits are zero */
	unsigned int len;	/* 0-128 */
};

/* Longest text of a prefix: an address, '/', three digits, NUL. */
#define V6FIX_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

enum {
	/* A bare address means ADDR/128 (else the length is required). */
	V6FIX_PREFIX_ALLOW_BARE = 1 << 0,
	/* Accept an IPv4 prefix A.B.C.D/N as ::ffff:A.B.C.D/(96+N). */
	V6FIX_PREFIX_ALLOW_V4 = 1 << 1,
};

/*
 * Parse @s ("2001:db8::/32") into @p. Bits set beyond the length are an
 * error, as in `ip route`. Returns 0, or -1 with *@why (if not NULL) set to a
 * short reason for the user.
 */
int v6fix_prefix_parse(const char *s, unsigned int flags, struct v6fix_prefix *p,
		       const char **why);

/* "2001:db8::/32" into @buf (at least V6FIX_PREFIX_STRLEN bytes). */
const char *v6fix_prefix_str(const struct v6fix_prefix *p, char *buf, size_t size);

/* Whether @addr lies inside @p. */
bool v6fix_prefix_contains(const struct v6fix_prefix *p, const struct in6_addr *addr);

/* Same length and same bits. */
bool v6fix_prefix_equal(const struct v6fix_prefix *a, const struct v6fix_prefix *b);

/* Number of leading bits @a and @b share (0-128). */
unsigned int v6fix_common_prefix_len(const struct in6_addr *a, const struct in6_addr *b);

/* Zero the bits of @addr beyond @len. */
void v6fix_prefix_mask(struct in6_addr *addr, unsigned int len);

/*
 * A kernel address label: decimal or 0x-hex, 0 to 0xfffffffe (0xffffffff is
 * the kernel's "no label" and is refused by it). 0 or -1.
 */
int v6fix_parse_addrlabel(const char *s, uint32_t *out);

/* A gai.conf label or precedence: decimal 0 to INT_MAX, as glibc reads it. */
int v6fix_parse_gai_value(const char *s, uint32_t *out);

#endif
