// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver model (see model_dns.h for what it says and why): the glibc
 * stub's schedule over what its name server answers for A and AAAA, and
 * when; the name server is either the misbehaving authoritative server
 * ("direct") or unbound in front of the delegation chain ("cache").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model_dns.h"

/*
 * What the stub's name server does with one query: a positive answer, a
 * negative one (NXDOMAIN, NOERROR without data, FORMERR, an unusable
 * record), a failure RCODE (SERVFAIL, NOTIMP: res_send.c's next_ns), or
 * nothing at all; and after how many ms.
 */
enum reply { R_POS, R_NEG, R_FAIL, R_NONE };

struct answer {
	enum reply kind;
	double ms;
};

/*
 * unbound 1.17, cold: priming (". NS" at the root), then the root, test.
 * and v6fix.test, each one round trip from the cache (2 D), plus the
 * stub's own round trip: 5 round trips, and a fixed cost of its own
 * (scheduling, qname minimisation's extra query at v6fix.test: measured
 * 20-60 ms on this machine at D = 10 ms).
 */
#define CACHE_COLD_RTTS 5
#define CACHE_FIXED_MS 30.0
/* unbound's first timeout for a server it knows nothing of (infra cache). */

void v6fix_dns_scenario_init(struct v6fix_dns_scenario *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = V6FIX_DNS_OK;
	s->resolver = V6FIX_DNS_CACHE;
	s->timeout_s = 5;
	s->attempts = 2;
	s->do_ip6 = true;
	s->client_v6 = V6FIX_CLIENT_V6_GLOBAL;
}

static const char *const mode_names[V6FIX_DNS_MODE_NR] = {
	[V6FIX_DNS_OK] = "ok",
	[V6FIX_DNS_IGNORE] = "ignore",
	[V6FIX_DNS_NXDOMAIN] = "nxdomain",
	[V6FIX_DNS_RCODE] = "rcode",
	[V6FIX_DNS_BROKEN] = "broken",
	[V6FIX_DNS_LAME] = "lame",
	[V6FIX_DNS_V6_BLACKHOLE] = "v6-blackhole",
	[V6FIX_DNS_V6_REJECT] = "v6-reject",
};

const char *v6fix_dns_mode_name(enum v6fix_dns_mode m)
{
	return (unsigned int)m < V6FIX_DNS_MODE_NR ? mode_names[m] : "?";
}

int v6fix_dns_fault_parse(const char *name, const char *arg, struct v6fix_dns_scenario *s)
{
	static const struct {
		const char *name;
		enum v6fix_dns_mode mode;
	} tab[] = {
		{ "dns_ignore_aaaa", V6FIX_DNS_IGNORE },
		{ "dns_nxdomain_aaaa", V6FIX_DNS_NXDOMAIN },
		{ "dns_rcode_aaaa", V6FIX_DNS_RCODE },
		{ "dns_broken_aaaa", V6FIX_DNS_BROKEN },
		{ "dns_lame_aaaa", V6FIX_DNS_LAME },
		{ "dns_v6_transport", V6FIX_DNS_V6_BLACKHOLE },
		{ "dns_ok", V6FIX_DNS_OK },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(name, tab[i].name))
			continue;
		s->mode = tab[i].mode;
		if (s->mode == V6FIX_DNS_RCODE) {
			if (!arg)
				arg = "2";
			if (strcmp(arg, "1") && strcmp(arg, "2") && strcmp(arg, "4"))
				return -EINVAL;
			s->rcode = arg[0] - '0';
		} else if (s->mode == V6FIX_DNS_V6_BLACKHOLE) {
			if (arg && !strcmp(arg, "reject"))
				s->mode = V6FIX_DNS_V6_REJECT;
			else if (arg && strcmp(arg, "blackhole"))
				return -EINVAL;
		} else if (arg) {
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

/* timeout:N / attempts:N with N in [lo, hi]. */
static int opt_num(const char *tok, size_t len, const char *key, unsigned int lo,
		   unsigned int hi, unsigned int *out)
{
	size_t kl = strlen(key);
	unsigned int v = 0;

	if (len <= kl || strncmp(tok, key, kl))
		return 1;
	for (size_t i = kl; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9' || v > 1000)
			return -EINVAL;
		v = v * 10 + (unsigned int)(tok[i] - '0');
	}
	if (v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int v6fix_dns_options_parse(const char *opts, struct v6fix_dns_scenario *s)
{
	const char *p = opts;

	while (p && *p) {
		size_t len;
		int r;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ,");
		if (len == 14 && !strncmp(p, "single-request", len)) {
			s->single_request = true;
		} else if (len == 21 && !strncmp(p, "single-request-reopen", len)) {
			s->single_request_reopen = true;
		} else if (len == 7 && !strncmp(p, "no-aaaa", len)) {
			s->no_aaaa = true;
		} else if ((r = opt_num(p, len, "timeout:", 1, 30, &s->timeout_s)) <= 0) {
			if (r < 0)
				return r;
		} else if ((r = opt_num(p, len, "attempts:", 1, 5, &s->attempts)) <= 0) {
			if (r < 0)
				return r;
		} else {
			return -EINVAL;
		}
		p += len;
	}
	return 0;
}

/*
 * unbound's extra time, over a healthy cold lookup, until it answers the
 * stub's AAAA, and what it answers. Calibrated with scripts/bench-dns
 * (2026-12-01, D = 10 ms, medians of 5 cold lookups; README "DNS"), the
 * mechanism from captures at the router:
 *   nxdomain   none: NXDOMAIN is a normal answer, passed on
 *   broken     passed on: NOERROR with the 4-byte AAAA record (unbound does
 *              not check an AAAA's RDLENGTH; dig through the cache shows
 *              ANSWER 1), which glibc's parser skips (+150 ms, measured)
 *   lame       an upward referral is lame: the server is marked lame for
 *              the zone, its other address tried, then SERVFAIL (+420 ms)
 *   rcode 1    FORMERR: retried without EDNS on each address with
 *              backoff, then SERVFAIL (+1.2 s)
 *   rcode 2    SERVFAIL: each address retried with backoff, then
 *              SERVFAIL (+0.8 s)
 *   rcode 4    NOTIMP: the first query stays unanswered for longer than
 *              glibc's default timeout; a repeated query from about 1.7 s
 *              on is answered SERVFAIL at once (UNBOUND_NOTIMP_MS)
 */
#define UNBOUND_BROKEN_MS 150.0
#define UNBOUND_LAME_MS 420.0
#define UNBOUND_FORMERR_MS 1200.0
#define UNBOUND_SERVFAIL_MS 800.0
#define UNBOUND_NOTIMP_MS 1700.0
/*
 * The cache's IPv6 transport broken (blackholed or rejected: unbound's
 * unconnected UDP sockets never see the ICMPv6 error, so both cost the
 * same): every server of the chain has AAAA glue, each IPv6 pick costs a
 * timeout that backs off, and the target fetches for the servers' own
 * names go the same way. Measured 1.5-5.3 s until the first answer, median
 * about the stub's default timeout; modelled as one time for A and AAAA.
 */
#define UNBOUND_V6_BROKEN_MS 4500.0

static void cache_aaaa(const struct v6fix_dns_scenario *s, struct answer *a)
{
	switch (s->mode) {
	case V6FIX_DNS_OK:
	case V6FIX_DNS_V6_BLACKHOLE:
	case V6FIX_DNS_V6_REJECT:
		a->kind = R_POS;
		return;
	case V6FIX_DNS_NXDOMAIN:
		a->kind = R_NEG;
		return;
	case V6FIX_DNS_IGNORE:
		a->kind = R_NONE;
		return;
	case V6FIX_DNS_LAME:
		a->kind = R_FAIL;
		a->ms += UNBOUND_LAME_MS;
		return;
	case V6FIX_DNS_BROKEN:
		a->kind = R_NEG;	/* the record arrives, glibc skips it */
		a->ms += UNBOUND_BROKEN_MS;
		return;
	case V6FIX_DNS_RCODE:
		a->kind = R_FAIL;
		if (s->rcode == 1)
			a->ms += UNBOUND_FORMERR_MS;
		else if (s->rcode == 2)
			a->ms += UNBOUND_SERVFAIL_MS;
		else	/* answered only to the stub's retry, at the earliest here */
			a->ms = UNBOUND_NOTIMP_MS > s->timeout_s * 1000.0 ? UNBOUND_NOTIMP_MS :
				s->timeout_s * 1000.0 + 4 * s->delay_ms;
		return;
	case V6FIX_DNS_MODE_NR:
		break;
	}
	a->kind = R_NONE;
}

/* The direct server's reply to AAAA: all in one round trip but ignore. */
static enum reply direct_aaaa(const struct v6fix_dns_scenario *s)
{
	switch (s->mode) {
	case V6FIX_DNS_OK:
	case V6FIX_DNS_V6_BLACKHOLE:
	case V6FIX_DNS_V6_REJECT:
		return R_POS;
	case V6FIX_DNS_IGNORE:
		return R_NONE;
	case V6FIX_DNS_RCODE:
		/* res_send.c: SERVFAIL and NOTIMP are next_ns; FORMERR an answer. */
		return s->rcode == 1 ? R_NEG : R_FAIL;
	case V6FIX_DNS_NXDOMAIN:
	case V6FIX_DNS_BROKEN:	/* the 4-byte AAAA is skipped by nss_dns */
	case V6FIX_DNS_LAME:	/* NOERROR, no answer: NODATA */
	case V6FIX_DNS_MODE_NR:
		break;
	}
	return R_NEG;
}

/* The cache's time to a first answer on a cold chain. */
static double cache_cold_ms(const struct v6fix_dns_scenario *s)
{
	double rtt = 2 * s->delay_ms;

	if (s->do_ip6 && (s->mode == V6FIX_DNS_V6_BLACKHOLE || s->mode == V6FIX_DNS_V6_REJECT))
		return UNBOUND_V6_BROKEN_MS;
	return CACHE_COLD_RTTS * rtt + CACHE_FIXED_MS;
}

int v6fix_dns_predict(const struct v6fix_dns_scenario *s, struct v6fix_dns_prediction *p)
{
	double rtt = 2 * s->delay_ms, t = s->timeout_s * 1000.0;
	struct answer a, aaaa;
	const char *how;

	if ((unsigned int)s->mode >= V6FIX_DNS_MODE_NR || !s->timeout_s || !s->attempts ||
	    (s->mode == V6FIX_DNS_RCODE && s->rcode != 1 && s->rcode != 2 && s->rcode != 4))
		return -EINVAL;
	memset(p, 0, sizeof(*p));

	/* Does the stub ask for AAAA at all? */
	p->asked_aaaa = !s->no_aaaa &&
		!(s->addrconfig && s->client_v6 == V6FIX_CLIENT_V6_DISABLED);

	/* When each reply would arrive if both went out at 0. */
	a.kind = R_POS;
	if (s->resolver == V6FIX_DNS_DIRECT) {
		a.ms = rtt;
		aaaa.kind = direct_aaaa(s);
		aaaa.ms = rtt;
	} else {
		a.ms = cache_cold_ms(s);
		aaaa.ms = a.ms;
		cache_aaaa(s, &aaaa);
	}

	/*
	 * Nothing answers within a try: attempts:N tries of timeout each; an
	 * answer that comes during a later try is taken (the retransmission
	 * joins the cache's ongoing resolution), else EAI_AGAIN.
	 */
	if (a.ms > t) {
		double end = s->attempts * t;

		if (a.ms > end) {
			p->resolve_ms = end;
			p->failed = true;
			p->error = "Temporary failure in name resolution";
			snprintf(p->why, sizeof(p->why),
				 "the cache needs %.1f s (%s), glibc gives up after %u x %u s: no address, no connection",
				 a.ms / 1000, v6fix_dns_mode_name(s->mode), s->attempts, s->timeout_s);
			return 0;
		}
		p->resolve_ms = a.ms;
		p->have_a = true;
		p->have_aaaa = p->asked_aaaa && aaaa.kind == R_POS;
		snprintf(p->why, sizeof(p->why),
			 "the cache's IPv6 queries to the servers time out (%s): first answer after %.1f s, a retry of glibc's gets it",
			 v6fix_dns_mode_name(s->mode), a.ms / 1000);
		if (s->single_request && p->asked_aaaa)
			p->resolve_ms += 2 * rtt;
		return 0;
	}

	if (!p->asked_aaaa) {
		p->resolve_ms = a.ms;
		p->have_a = true;
		snprintf(p->why, sizeof(p->why), "no AAAA query (%s): A only, %s",
			 s->no_aaaa ? "no-aaaa" : "AI_ADDRCONFIG, IPv6 disabled",
			 s->resolver == V6FIX_DNS_CACHE ? "a cold cache" : "one round trip");
		return 0;
	}

	p->have_a = true;
	p->have_aaaa = aaaa.kind == R_POS;
	if (aaaa.kind != R_NONE) {
		if (s->single_request) {
			/* A first, then AAAA: for the cache the delegation is known by then. */
			double second = s->resolver == V6FIX_DNS_CACHE ?
				aaaa.ms - a.ms + 2 * rtt : rtt;

			p->resolve_ms = a.ms + second;
			how = "single-request: A, then AAAA";
		} else {
			p->resolve_ms = a.ms > aaaa.ms ? a.ms : aaaa.ms;
			how = "A and AAAA in parallel";
		}
		if (s->resolver == V6FIX_DNS_CACHE && aaaa.kind == R_FAIL)
			snprintf(p->why, sizeof(p->why),
				 "%s; unbound answers AAAA SERVFAIL after its retries (%s), glibc keeps the A",
				 how, v6fix_dns_mode_name(s->mode));
		else if (aaaa.kind == R_POS)
			snprintf(p->why, sizeof(p->why), "%s, both answered%s", how,
				 s->resolver == V6FIX_DNS_CACHE ? " (cold cache)" : "");
		else
			snprintf(p->why, sizeof(p->why), "%s; AAAA %s: A only", how,
				 aaaa.kind == R_FAIL ? "fails (next_ns), the A stands" :
				 "negative, the A stands");
		return 0;
	}

	/*
	 * AAAA unanswered, A answered: timeouts, each of timeout seconds,
	 * until glibc has tried single-request and single-request-reopen
	 * (those it was not already in), then the A alone.
	 */
	{
		/* single-request-reopen implies single-request (send_dg()). */
		int rounds = s->single_request_reopen ? 1 : s->single_request ? 2 : 3;

		/* Each retry first waits for the A again (one round trip to the stub's server). */
		p->resolve_ms = rounds * t + (rounds - 1) * rtt;
		snprintf(p->why, sizeof(p->why),
			 "AAAA never answered%s: %d timeout%s of %u s (%s), then the A alone",
			 s->resolver == V6FIX_DNS_CACHE ? " (unbound retries for > 60 s)" : "",
			 rounds, rounds > 1 ? "s" : "", s->timeout_s,
			 rounds == 3 ? "parallel, single-request, reopen" :
			 rounds == 2 ? "single-request, reopen" : "single-request-reopen");
	}
	return 0;
}
