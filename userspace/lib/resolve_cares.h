/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The real driver of the asynchronous strategies (resolve.h): A and AAAA
 * queries through c-ares (the resolver library curl and Node use; it reads
 * resolv.conf, so `-n NETNS` binds the namespace's /etc/netns/NETNS/
 * resolv.conf) and the connection attempts (he.h) in one poll loop, on
 * CLOCK_MONOTONIC. It returns as soon as an attempt connected: a query
 * still unanswered then is cancelled, never waited for.
 */
#ifndef V6FIX_RESOLVE_CARES_H
#define V6FIX_RESOLVE_CARES_H

#include <stdbool.h>
#include <stddef.h>

#include "attempt.h"
#include "he.h"
#include "resolve.h"

/* Addresses taken from the answers, at most (the rest is ignored). */
#define V6FIX_RESOLVE_MAX_ADDRS 32

struct v6fix_query_rec {
	const char *type;		/* "A" / "AAAA" */
	char server[64];		/* the first server of resolv.conf, numeric */
	double sent_ms, answered_ms;	/* from the start of resolution; answered NAN: none */
	const char *rcode;		/* "NOERROR", "NXDOMAIN", ... NULL: no answer */
	const char *error;		/* c-ares's word when there was no answer, else NULL */
	int answers;			/* addresses in the answer */
};

struct v6fix_resolve_run {
	struct v6fix_rplan plan;
	struct v6fix_query_rec q[2];	/* in the order sent */
	int nq;
	struct v6fix_target t[2 * V6FIX_RESOLVE_MAX_ADDRS];
	struct he_attempt att[2 * V6FIX_RESOLVE_MAX_ADDRS];
	struct he h;
	double resolve_ms;		/* resolution start to first attempt (NAN: none) */
	const char *error;		/* why nothing was resolved, else NULL */
};

/*
 * Resolve @host with strategy @s (rfc8305 or kame), Resolution Delay @rd_ms,
 * AAAA asked only if @ask_aaaa, and connect to port @port: Happy Eyeballs
 * with @delay_ms (< 0: sequential, in the order released; a late family is
 * appended), the attempts bounded by @timeout_ms from the first one. A
 * numeric @host is used as it is, without queries. Returns the winner's
 * index or -1 (r->error says why when nothing resolved).
 */
long v6fix_resolve_connect(const char *host, unsigned int port, enum v6fix_strategy s,
			   double rd_ms, bool ask_aaaa, double delay_ms, double timeout_ms,
			   struct v6fix_resolve_run *r);

/* The "queries" array of @r (printed before the attempts). */
void v6fix_print_queries(const struct v6fix_resolve_run *r);

#endif
