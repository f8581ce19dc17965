// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of IPv6 prefixes and label values (see prefix.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "prefix.h"

void v6fix_prefix_mask(struct in6_addr *addr, unsigned int len)
{
	for (unsigned int i = 0; i < 16; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		addr->s6_addr[i] &= (uint8_t)(0xff00 >> len);
		len = 0;
	}
}

/* Only digits (at most @maxdigits), value into *@out. */
static int parse_digits(const char *s, size_t maxdigits, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t n = 0;

	if (!*s)
		return -1;
	for (; *s; s++, n++) {
		if (!isdigit((unsigned char)*s) || n >= maxdigits)
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return 0;
}

int v6fix_prefix_parse(const char *s, unsigned int flags, struct v6fix_prefix *p,
		       const char **why)
{
	static char whybuf[96 + V6FIX_PREFIX_STRLEN];
	char addr[INET6_ADDRSTRLEN + 1], sbuf[V6FIX_PREFIX_STRLEN];
	const char *slash, *dummy;
	unsigned long long len;
	struct in_addr a4;
	unsigned int max = 128, base = 0;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!s || !*s) {
		*why = "empty prefix";
		return -1;
	}
	slash = strchr(s, '/');
	if (slash && strchr(slash + 1, '/')) {
		*why = "more than one '/'";
		return -1;
	}
	if ((size_t)(slash ? slash - s : (ptrdiff_t)strlen(s)) >= sizeof(addr)) {
		*why = "not an IPv6 address";
		return -1;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash ? slash - s : (ptrdiff_t)strlen(s)), s);

	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET6, addr, &p->addr) != 1) {
		if (!(flags & V6FIX_PREFIX_ALLOW_V4) || !strchr(addr, '.') ||
		    inet_pton(AF_INET, addr, &a4) != 1) {
			*why = (flags & V6FIX_PREFIX_ALLOW_V4) ?
			       "not an IPv6 or IPv4 address" : "not an IPv6 address";
			return -1;
		}
		/* ::ffff:a.b.c.d, the form getaddrinfo's tables use for IPv4. */
		p->addr.s6_addr[10] = 0xff;
		p->addr.s6_addr[11] = 0xff;
		memcpy(&p->addr.s6_addr[12], &a4, 4);
		max = 32;
		base = 96;
	}

	if (!slash) {
		if (!(flags & V6FIX_PREFIX_ALLOW_BARE)) {
			*why = "missing /LENGTH";
			return -1;
		}
		len = max;
	} else if (parse_digits(slash + 1, 3, &len) || len > max) {
		*why = max == 32 ? "length must be 0-32" : "length must be 0-128";
		return -1;
	}
	p->len = (unsigned int)len + base;

	/* Bits beyond the length mean a typo more often than a wish. */
	{
		struct v6fix_prefix masked = *p;

		v6fix_prefix_mask(&masked.addr, masked.len);
		if (memcmp(&masked.addr, &p->addr, sizeof(p->addr))) {
			snprintf(whybuf, sizeof(whybuf), "bits set beyond /%u (did you mean %s?)",
				 p->len, v6fix_prefix_str(&masked, sbuf, sizeof(sbuf)));
			*why = whybuf;
			return -1;
		}
	}
	return 0;
}

const char *v6fix_prefix_str(const struct v6fix_prefix *p, char *buf, size_t size)
{
	static const uint8_t zero[4];
	char a[INET6_ADDRSTRLEN];

	/* inet_ntop says ::ffff:0.0.0.0; gai.conf(5) and RFC 6724 say ::ffff:0:0. */
	if (IN6_IS_ADDR_V4MAPPED(&p->addr) && !memcmp(&p->addr.s6_addr[12], zero, 4))
		snprintf(a, sizeof(a), "::ffff:0:0");
	else if (!inet_ntop(AF_INET6, &p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, size, "%s/%u", a, p->len);
	return buf;
}

unsigned int v6fix_common_prefix_len(const struct in6_addr *a, const struct in6_addr *b)
{
	unsigned int n = 0;

	for (int i = 0; i < 16; i++) {
		uint8_t x = a->s6_addr[i] ^ b->s6_addr[i];

		if (!x) {
			n += 8;
			continue;
		}
		while (!(x & 0x80)) {
			x <<= 1;
			n++;
		}
		break;
	}
	return n;
}

bool v6fix_prefix_contains(const struct v6fix_prefix *p, const struct in6_addr *addr)
{
	return v6fix_common_prefix_len(&p->addr, addr) >= p->len;
}

bool v6fix_prefix_equal(const struct v6fix_prefix *a, const struct v6fix_prefix *b)
{
	return a->len == b->len && v6fix_prefix_contains(a, &b->addr);
}

int v6fix_parse_addrlabel(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		p = s + 2;
		if (!*p || strlen(p) > 8)
			return -1;
		for (; *p; p++) {
			if (!isxdigit((unsigned char)*p))
				return -1;
			v = v * 16 + (unsigned long long)(isdigit((unsigned char)*p) ?
				*p - '0' : tolower((unsigned char)*p) - 'a' + 10);
		}
	} else if (parse_digits(s, 10, &v)) {
		return -1;
	}
	if (v >= 0xffffffffULL)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int v6fix_parse_gai_value(const char *s, uint32_t *out)
{
	unsigned long long v;

	if (!s || parse_digits(s, 10, &v) || v > INT_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}
