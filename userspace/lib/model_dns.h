/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The resolver model: how long getaddrinfo() takes for a dual-stack name
 * and what it returns, when the authoritative server misbehaves for AAAA
 * (RFC 4074, the modes of netns-tests/scenario/dns.sh) or the cache's
 * IPv6 transport is broken, for a glibc 2.36 stub (res_send.c: timeout,
 * attempts, A and AAAA in parallel on one socket, single-request,
 * single-request-reopen, no-aaaa, AI_ADDRCONFIG) talking to unbound 1.17
 * ("cache") or to the misbehaving server itself ("direct").
 *
 * Time 0 is the call of getaddrinfo(); D is the one-way path delay of the
 * topology, paid at every crossing of the router (client-cache, cache-root,
 * cache-test., cache-auth and client-auth are each 2 D round trip). The
 * cache starts cold (the matrix flushes it before every run).
 *
 * glibc (send_dg() in resolv/res_send.c, 2.36):
 *  - A and AAAA go out together (sendmmsg) on one UDP socket; the call ends
 *    when both replies are in.
 *  - A SERVFAIL, NOTIMP or REFUSED reply after the other reply arrived ends
 *    the call at once with that other reply; NXDOMAIN, FORMERR and NOERROR
 *    without data are ordinary negative answers for that type.
 *  - A timeout (timeout:N, default 5 s) with one reply in switches to
 *    single-request (the same socket, one query after the other) and
 *    retries; a second such timeout switches to single-request-reopen (a
 *    new socket) and retries; the third returns the one reply. These
 *    retries do not count against attempts:N. With single-request set the
 *    first switch is skipped; single-request-reopen implies single-request
 *    and skips both (one timeout). The switch sticks to the process's
 *    resolver state (later lookups start in that mode: glibc bug 31476).
 *  - No reply at all: attempts:N (default 2) tries of timeout each, then
 *    EAI_AGAIN ("Temporary failure in name resolution").
 *  - no-aaaa: no AAAA query. AI_ADDRCONFIG: no AAAA query when the host has
 *    no IPv6 address; glibc counts link-local addresses (measured: an
 *    interface with only fe80:: still makes it ask), not with IPv6 disabled.
 *    Without AI_ADDRCONFIG (v6fix connect, curl) AAAA is asked regardless.
 *  - A and AAAA both negative: the lookup fails (NXDOMAIN: EAI_NONAME).
 *    One positive answer is enough: NXDOMAIN for AAAA does not hide A.
 *
 * unbound 1.17 (iterator only, measured against ldns-testns):
 *  - ignore: it keeps retrying the silent server (backoff from 376 ms) for
 *    more than 60 s: the stub times out first, exactly as in direct.
 *  - lame, rcode: SERVFAIL after its own retries and the other address of
 *    the server; nxdomain passed on; broken passed on as it is (the 4-byte
 *    AAAA record): see cache_aaaa() in model_dns.c.
 *  - the cache's IPv6 path blackholed or rejected: 1.5-5 s to a first
 *    answer (ICMPv6 errors do not reach its unconnected UDP sockets).
 */
#ifndef V6FIX_MODEL_DNS_H
#define V6FIX_MODEL_DNS_H

#include <stdbool.h>

enum v6fix_dns_mode {
	V6FIX_DNS_OK,
	V6FIX_DNS_IGNORE,
	V6FIX_DNS_NXDOMAIN,
	V6FIX_DNS_RCODE,	/* rcode 1, 2 or 4 */
	V6FIX_DNS_BROKEN,
	V6FIX_DNS_LAME,
	V6FIX_DNS_V6_BLACKHOLE,	/* healthy servers, the cache's IPv6 dropped */
	V6FIX_DNS_V6_REJECT,	/* ... or rejected with ICMPv6 no-route */
	V6FIX_DNS_MODE_NR
};

enum v6fix_dns_resolver {
	V6FIX_DNS_CACHE,	/* stub -> unbound -> root, test., v6fix.test */
	V6FIX_DNS_DIRECT,	/* stub -> the authoritative server itself */
};

enum v6fix_dns_client_v6 {
	V6FIX_CLIENT_V6_GLOBAL,		/* a global IPv6 address */
	V6FIX_CLIENT_V6_DISABLED,	/* disable_ipv6 = 1 */
	V6FIX_CLIENT_V6_LINKLOCAL,	/* fe80:: only, no IPv6 default route */
};

struct v6fix_dns_scenario {
	enum v6fix_dns_mode mode;
	int rcode;			/* V6FIX_DNS_RCODE: 1, 2 or 4 */
	enum v6fix_dns_resolver resolver;
	double delay_ms;		/* one-way path delay D */
	unsigned int timeout_s;		/* resolv.conf timeout:N (1-30, default 5) */
	unsigned int attempts;		/* attempts:N (1-5, default 2) */
	bool single_request, single_request_reopen, no_aaaa;
	bool addrconfig;		/* the client asks with AI_ADDRCONFIG */
	enum v6fix_dns_client_v6 client_v6;
	bool do_ip6;			/* the cache's do-ip6 (default yes) */
};

struct v6fix_dns_prediction {
	double resolve_ms;		/* getaddrinfo()'s duration */
	bool asked_aaaa;
	bool have_a, have_aaaa;		/* what the lookup returns */
	bool failed;			/* no address at all */
	const char *error;		/* gai_strerror() text when failed */
	char why[224];
};

void v6fix_dns_scenario_init(struct v6fix_dns_scenario *s);

/* 0, or -EINVAL for an inconsistent scenario (bad rcode, timeout 0...). */
int v6fix_dns_predict(const struct v6fix_dns_scenario *s, struct v6fix_dns_prediction *p);

/*
 * Parse a fault name of netns-tests/scenario/faults-dns.sh into @s (mode,
 * rcode from @arg): "dns_ignore_aaaa", "dns_rcode_aaaa" with @arg "2",
 * "dns_v6_transport" with "blackhole" or "reject". 0, or -EINVAL.
 */
int v6fix_dns_fault_parse(const char *name, const char *arg, struct v6fix_dns_scenario *s);

/*
 * Apply resolv.conf options ("single-request timeout:1 ...", spaces or
 * commas) to @s. 0, or -EINVAL for an option the model does not know.
 */
int v6fix_dns_options_parse(const char *opts, struct v6fix_dns_scenario *s);

/* Mode names as dns.sh spells them ("ok", "rcode-2" is mode rcode). */
const char *v6fix_dns_mode_name(enum v6fix_dns_mode m);

#endif
