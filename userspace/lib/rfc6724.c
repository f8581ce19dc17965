// SPDX-License-Identifier: GPL-2.0
/*
 * glibc's destination address ordering (see rfc6724.h). Each rule below is
 * written after the corresponding step of glibc's rfc3484_sort(), including
 * its quirks, because the point is to predict what getaddrinfo returns.
 */
#include <string.h>
#include <sys/socket.h>

#include "rfc6724.h"

#define P(a0, a1, a10, a11, plen) \
	{ .addr = { .s6_addr = { [0] = a0, [1] = a1, [10] = a10, [11] = a11 } }, .len = plen }
#define LOOPBACK_128 \
	{ .addr = { .s6_addr = { [15] = 1 } }, .len = 128 }

/* glibc's default_labels[], in its order (RFC 3484 plus fec0::/10, fc00::/7, Teredo). */
const struct v6fix_policy_entry v6fix_glibc_labels[] = {
	{ LOOPBACK_128, 0 },
	{ P(0x20, 0x02, 0, 0, 16), 2 },
	{ P(0, 0, 0, 0, 96), 3 },
	{ P(0, 0, 0xff, 0xff, 96), 4 },
	{ P(0xfe, 0xc0, 0, 0, 10), 5 },
	{ P(0xfc, 0x00, 0, 0, 7), 6 },
	{ P(0x20, 0x01, 0, 0, 32), 7 },
	{ P(0, 0, 0, 0, 0), 1 },
};
const size_t v6fix_glibc_nlabels = sizeof(v6fix_glibc_labels) / sizeof(v6fix_glibc_labels[0]);

/* glibc's default_precedence[]: RFC 3484's, so IPv4 (10) loses to IPv6 (40). */
const struct v6fix_policy_entry v6fix_glibc_precedence[] = {
	{ LOOPBACK_128, 50 },
	{ P(0x20, 0x02, 0, 0, 16), 30 },
	{ P(0, 0, 0, 0, 96), 20 },
	{ P(0, 0, 0xff, 0xff, 96), 10 },
	{ P(0, 0, 0, 0, 0), 40 },
};
const size_t v6fix_glibc_nprecedence =
	sizeof(v6fix_glibc_precedence) / sizeof(v6fix_glibc_precedence[0]);

/* glibc's default_scopes[]: 169.254/16 and 127/8 are link-local, the rest global. */
const struct v6fix_scope_entry v6fix_glibc_scopes[] = {
	{ 0xa9fe0000, 0xffff0000, 2 },
	{ 0x7f000000, 0xff000000, 2 },
	{ 0, 0, 14 },
};
const size_t v6fix_glibc_nscopes = sizeof(v6fix_glibc_scopes) / sizeof(v6fix_glibc_scopes[0]);

const struct v6fix_rfc6724_policy v6fix_glibc_policy = {
	.labels = v6fix_glibc_labels,
	.nlabels = sizeof(v6fix_glibc_labels) / sizeof(v6fix_glibc_labels[0]),
	.precedence = v6fix_glibc_precedence,
	.nprecedence = sizeof(v6fix_glibc_precedence) / sizeof(v6fix_glibc_precedence[0]),
	.scopes = v6fix_glibc_scopes,
	.nscopes = sizeof(v6fix_glibc_scopes) / sizeof(v6fix_glibc_scopes[0]),
};

uint32_t v6fix_policy_lookup(const struct v6fix_policy_entry *t, size_t n,
			     const struct in6_addr *addr, uint32_t dflt)
{
	for (size_t i = 0; i < n; i++)
		if (v6fix_prefix_contains(&t[i].prefix, addr))
			return t[i].value;
	return dflt;
}

void v6fix_v4mapped(struct in6_addr *out, const struct in_addr *v4)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], v4, 4);
}

static uint32_t v4_host(const struct in6_addr *a)
{
	return (uint32_t)a->s6_addr[12] << 24 | (uint32_t)a->s6_addr[13] << 16 |
	       (uint32_t)a->s6_addr[14] << 8 | a->s6_addr[15];
}

int v6fix_rfc6724_scope(int family, const struct in6_addr *addr,
			const struct v6fix_rfc6724_policy *pol)
{
	if (family == AF_INET6) {
		if (IN6_IS_ADDR_MULTICAST(addr))
			return addr->s6_addr[1] & 0xf;
		/* RFC 4291 2.5.3: loopback counts as link-local. */
		if (IN6_IS_ADDR_LINKLOCAL(addr) || IN6_IS_ADDR_LOOPBACK(addr))
			return 2;
		if (IN6_IS_ADDR_SITELOCAL(addr))
			return 5;
		return 14;
	}
	if (family == AF_INET) {
		uint32_t a = v4_host(addr);

		for (size_t i = 0; i < pol->nscopes; i++)
			if ((a & pol->scopes[i].mask) == pol->scopes[i].addr)
				return (int)pol->scopes[i].scope;
		return 14;	/* glibc's table always ends in 0/0 14 */
	}
	return 15;
}

static uint32_t label_of(const struct in6_addr *a, const struct v6fix_rfc6724_policy *pol)
{
	/* glibc's default for "no entry matches" is INT_MAX. */
	return v6fix_policy_lookup(pol->labels, pol->nlabels, a, 0x7fffffff);
}

static uint32_t precedence_of(const struct in6_addr *a, const struct v6fix_rfc6724_policy *pol)
{
	return v6fix_policy_lookup(pol->precedence, pol->nprecedence, a, 0);
}

/* Leading zero bits of @x (32 for 0): glibc's misnamed fls(). */
static int clz32(uint32_t x)
{
	int n = 0;

	for (uint32_t m = 0x80000000u; m && !(x & m); m >>= 1)
		n++;
	return n;
}

/* Rule 9 for IPv4: a common prefix counts only inside the source's subnet. */
static int v4_match_bits(const struct v6fix_rfc6724_dest *d)
{
	uint32_t dst = v4_host(&d->addr), src = v4_host(&d->src);
	/*
	 * glibc computes 0xffffffff << (32 - prefixlen); with an unknown
	 * prefix length (0) that shifts by 32, which x86 reduces to 0: the
	 * mask is then all ones.
	 */
	uint32_t mask = d->src_prefixlen ? 0xffffffffu << (32 - d->src_prefixlen) : 0xffffffffu;

	return (src & mask) == (dst & mask) ? clz32(dst ^ src) : 0;
}

static uint32_t word(const struct in6_addr *a, int i)
{
	return (uint32_t)a->s6_addr[4 * i] << 24 | (uint32_t)a->s6_addr[4 * i + 1] << 16 |
	       (uint32_t)a->s6_addr[4 * i + 2] << 8 | a->s6_addr[4 * i + 3];
}

#define DECIDE(r, va, vb, cond_a_first, cond_b_first) do {		\
		if ((cond_a_first) || (cond_b_first)) {			\
			if (why) {					\
				why->rule = (r);			\
				why->a = (va);				\
				why->b = (vb);				\
			}						\
			return (cond_a_first) ? -1 : 1;			\
		}							\
	} while (0)

int v6fix_rfc6724_compare(const struct v6fix_rfc6724_dest *a, const struct v6fix_rfc6724_dest *b,
			  const struct v6fix_rfc6724_policy *pol, struct v6fix_rfc6724_why *why)
{
	int a_dscope, b_dscope;

	/* Rule 1: avoid unusable destinations. */
	DECIDE(1, a->has_source, b->has_source,
	       a->has_source && !b->has_source, !a->has_source && b->has_source);

	/* Rule 2: prefer matching scope. */
	a_dscope = v6fix_rfc6724_scope(a->family, &a->addr, pol);
	b_dscope = v6fix_rfc6724_scope(b->family, &b->addr, pol);
	if (a->has_source) {
		bool am = a_dscope == v6fix_rfc6724_scope(a->src_family, &a->src, pol);
		bool bm = b_dscope == v6fix_rfc6724_scope(b->src_family, &b->src, pol);

		DECIDE(2, am, bm, am && !bm, !am && bm);

		/* Rule 3: avoid deprecated addresses. */
		DECIDE(3, a->deprecated, b->deprecated,
		       !a->deprecated && b->deprecated, a->deprecated && !b->deprecated);

		/* Rule 4: prefer home addresses. */
		DECIDE(4, a->home, b->home, a->home && !b->home, !a->home && b->home);

		/* Rule 5: prefer matching label. */
		am = label_of(&a->addr, pol) == label_of(&a->src, pol);
		bm = label_of(&b->addr, pol) == label_of(&b->src, pol);
		DECIDE(5, am, bm, am && !bm, !am && bm);
	}

	/* Rule 6: prefer higher precedence. */
	{
		uint32_t ap = precedence_of(&a->addr, pol), bp = precedence_of(&b->addr, pol);

		DECIDE(6, ap, bp, ap > bp, ap < bp);
	}

	/* Rule 7: prefer native transport (glibc: a non-tunnel interface). */
	if (a->has_source && a->ifindex != b->ifindex)
		DECIDE(7, a->native, b->native, a->native && !b->native, !a->native && b->native);

	/* Rule 8: prefer smaller scope. */
	DECIDE(8, a_dscope, b_dscope, a_dscope < b_dscope, a_dscope > b_dscope);

	/* Rule 9: use longest matching prefix (same family only). */
	if (a->has_source && a->family == b->family) {
		int abits = 0, bbits = 0;

		if (a->family == AF_INET) {
			abits = v4_match_bits(a);
			bbits = v4_match_bits(b);
		} else if (a->family == AF_INET6) {
			int i;

			/* The first 32-bit word where either pair differs. */
			for (i = 0; i < 4; i++)
				if (word(&a->addr, i) != word(&a->src, i) ||
				    word(&b->addr, i) != word(&b->src, i))
					break;
			if (i < 4) {
				abits = clz32(word(&a->addr, i) ^ word(&a->src, i));
				bbits = clz32(word(&b->addr, i) ^ word(&b->src, i));
			}
			/*
			 * That orders pairs as their whole common prefix
			 * lengths do, which are what a reader wants to see.
			 */
			DECIDE(9, v6fix_common_prefix_len(&a->addr, &a->src),
			       v6fix_common_prefix_len(&b->addr, &b->src),
			       abits > bbits, abits < bbits);
		}
		DECIDE(9, abits, bbits, abits > bbits, abits < bbits);
	}

	/* Rule 10: otherwise keep the order they came in. */
	if (why) {
		why->rule = 10;
		why->a = (long long)a->order;
		why->b = (long long)b->order;
	}
	return a->order < b->order ? -1 : (a->order > b->order ? 1 : 0);
}

void v6fix_rfc6724_sort(struct v6fix_rfc6724_dest *d, size_t n,
			const struct v6fix_rfc6724_policy *pol)
{
	/* Insertion sort: a handful of addresses, and stable. */
	for (size_t i = 1; i < n; i++) {
		struct v6fix_rfc6724_dest x = d[i];
		size_t j = i;

		while (j > 0 && v6fix_rfc6724_compare(&x, &d[j - 1], pol, NULL) < 0) {
			d[j] = d[j - 1];
			j--;
		}
		d[j] = x;
	}
}

const char *v6fix_rfc6724_rule_name(int rule)
{
	static const char *const names[] = {
		[1] = "avoid unusable destinations",
		[2] = "prefer matching scope",
		[3] = "avoid deprecated addresses",
		[4] = "prefer home addresses",
		[5] = "prefer matching label",
		[6] = "prefer higher precedence",
		[7] = "prefer native transport",
		[8] = "prefer smaller scope",
		[9] = "use longest matching prefix",
		[10] = "leave the order unchanged",
	};

	return rule >= 1 && rule <= 10 ? names[rule] : "?";
}
