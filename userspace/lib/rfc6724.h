/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Destination address selection (RFC 6724 section 6) the way glibc's
 * getaddrinfo() does it (rfc3484_sort in sysdeps/posix/getaddrinfo.c), so
 * that `v6fix policy explain` can say which rule put one address before
 * another. glibc differs from the RFC where noted: its default tables are
 * the RFC 3484-era ones (::ffff:0:0/96 has precedence 10, not 35), rule 7
 * compares interface types, rule 9 applies to IPv4 only inside the source's
 * subnet, and IPv4 scopes come from a table (gai.conf "scopev4").
 *
 * Every address is kept as an IPv6 address: IPv4 as ::ffff:a.b.c.d, with
 * the family alongside, as glibc's tables see them.
 */
#ifndef V6FIX_RFC6724_H
#define V6FIX_RFC6724_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "prefix.h"

/* A label or precedence table entry. */
struct v6fix_policy_entry {
	struct v6fix_prefix prefix;
	uint32_t value;
};

/* A gai.conf "scopev4" entry, host byte order. */
struct v6fix_scope_entry {
	uint32_t addr;
	uint32_t mask;
	uint32_t scope;
};

/*
 * The tables getaddrinfo sorts with, each in lookup order: the first entry
 * that contains an address gives its value (glibc sorts gai.conf entries
 * longest prefix first).
 */
struct v6fix_rfc6724_policy {
	const struct v6fix_policy_entry *labels;
	size_t nlabels;
	const struct v6fix_policy_entry *precedence;
	size_t nprecedence;
	const struct v6fix_scope_entry *scopes;
	size_t nscopes;
};

/* glibc's built-in tables, used for each table gai.conf does not set. */
extern const struct v6fix_policy_entry v6fix_glibc_labels[];
extern const size_t v6fix_glibc_nlabels;
extern const struct v6fix_policy_entry v6fix_glibc_precedence[];
extern const size_t v6fix_glibc_nprecedence;
extern const struct v6fix_scope_entry v6fix_glibc_scopes[];
extern const size_t v6fix_glibc_nscopes;
extern const struct v6fix_rfc6724_policy v6fix_glibc_policy;

/* The value of the first entry containing @addr, or @dflt. */
uint32_t v6fix_policy_lookup(const struct v6fix_policy_entry *t, size_t n,
			     const struct in6_addr *addr, uint32_t dflt);

/* ::ffff:a.b.c.d for @v4 (network byte order). */
void v6fix_v4mapped(struct in6_addr *out, const struct in_addr *v4);

/* One destination with what getaddrinfo learnt about it. */
struct v6fix_rfc6724_dest {
	int family;		/* AF_INET or AF_INET6 */
	struct in6_addr addr;	/* IPv4 as ::ffff:a.b.c.d */
	bool has_source;	/* a route and a source address exist */
	int src_family;
	struct in6_addr src;
	bool deprecated;	/* source is IFA_F_DEPRECATED or IFA_F_OPTIMISTIC */
	bool home;		/* source is IFA_F_HOMEADDRESS */
	uint8_t src_prefixlen;	/* the source's prefix length, 0 if unknown */
	uint32_t ifindex;	/* the source's interface, 0xffffffff if unknown */
	bool native;		/* that interface is not a tunnel (rule 7) */
	size_t order;		/* position as received (rule 10) */
};

/* Which rule decided, and the two values it compared (rule-specific). */
struct v6fix_rfc6724_why {
	int rule;		/* 1-10 */
	long long a, b;
};

/* glibc's scope of an address (RFC 6724 section 3.1 values: 2 link, 5 site, 14 global). */
int v6fix_rfc6724_scope(int family, const struct in6_addr *addr,
			const struct v6fix_rfc6724_policy *pol);

/*
 * Negative if @a goes before @b, positive if after; never 0 for different
 * orders. @why (may be NULL) gets the deciding rule.
 */
int v6fix_rfc6724_compare(const struct v6fix_rfc6724_dest *a, const struct v6fix_rfc6724_dest *b,
			  const struct v6fix_rfc6724_policy *pol, struct v6fix_rfc6724_why *why);

/* Sort @d in place (stable; the comparator is total through rule 10). */
void v6fix_rfc6724_sort(struct v6fix_rfc6724_dest *d, size_t n,
			const struct v6fix_rfc6724_policy *pol);

/* "prefer higher precedence" etc. */
const char *v6fix_rfc6724_rule_name(int rule);

#endif
