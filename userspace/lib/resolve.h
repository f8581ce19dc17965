/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resolution strategies for `v6fix connect --resolve`: when the A and AAAA
 * queries go out, and when which family's addresses are handed to the
 * connection scheduler (he.h). The decisions are made here on a clock the
 * caller passes in, without system calls: the real driver
 * (resolve_cares.c, c-ares queries and non-blocking connects in one poll
 * loop) and the model (v6fix_resolve_simulate(), a virtual clock with
 * canned query and connect outcomes) use the same code.
 *
 *   getaddrinfo  glibc's way: A and AAAA in parallel, nothing is released
 *                before both are answered or the resolver gives up on one.
 *   rfc8305      RFC 8305 section 3: A and AAAA at once; attempts start as
 *                soon as AAAA answers, or a Resolution Delay after A if AAAA
 *                has not; addresses that arrive later join the race.
 *   kame         the seed's 3.4.2 (KAME getaddrinfo): A first, then AAAA,
 *                waiting for AAAA at most max(1 s, 2T), T the A query's
 *                time; the result IPv6 first (3.4.3, RFC 6724).
 *
 * The seed's 3.4.1 (ask for AAAA only when the host has an IPv6 address
 * other than link-local or loopback) is a switch of every strategy:
 * v6fix_host_has_global6() is its own check of the host's addresses.
 */
#ifndef V6FIX_RESOLVE_H
#define V6FIX_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "he.h"

enum v6fix_strategy {
	V6FIX_RESOLVE_GETADDRINFO,
	V6FIX_RESOLVE_RFC8305,
	V6FIX_RESOLVE_KAME,
};

/* RFC 8305 section 3: the recommended Resolution Delay. */
#define V6FIX_RESOLUTION_DELAY_MS 50.0
/* The seed's 3.4.2: wait for AAAA at least this long (and at least 2T). */
#define V6FIX_KAME_MIN_WAIT_MS 1000.0

enum v6fix_qstate {
	V6FIX_Q_UNSENT,
	V6FIX_Q_PENDING,
	V6FIX_Q_ADDRESSES,	/* answered with at least one address */
	V6FIX_Q_EMPTY,		/* answered without an address (NODATA, NXDOMAIN, SERVFAIL...) */
	V6FIX_Q_FAILED,		/* no answer: the resolver gave up (timeout) */
};

struct v6fix_rquery {
	enum v6fix_qstate state;
	double sent_ms, answered_ms;	/* answered_ms: when it ended (also failed) */
};

struct v6fix_rplan {
	enum v6fix_strategy strategy;
	double resolution_delay_ms;
	bool ask_aaaa;
	struct v6fix_rquery a, aaaa;
	bool released_a, released_aaaa;	/* handed to the connection scheduler */
	bool started;			/* the first release happened */
	double release_ms;		/* when (resolve_ms) */
	bool closed;			/* nothing more will be released */
};

/* What to do at a time. */
struct v6fix_rstep {
	bool send_a, send_aaaa;		/* send this query now */
	bool release_aaaa, release_a;	/* hand these addresses over now (AAAA first) */
	double wake_ms;			/* call again no later than this (INFINITY: on an answer) */
};

void v6fix_rplan_init(struct v6fix_rplan *p, enum v6fix_strategy s, double resolution_delay_ms,
		      bool ask_aaaa);

/*
 * The decisions at @now_ms (ms from the start of resolution). Marks the
 * queries it asks to send as pending (sent_ms = @now_ms) and the families it
 * releases as released; sets p->closed once no address can come any more.
 */
struct v6fix_rstep v6fix_rplan_step(struct v6fix_rplan *p, double now_ms);

/* Query @aaaa (else A) ended at @now_ms with @state (ADDRESSES, EMPTY or FAILED). */
void v6fix_rplan_answer(struct v6fix_rplan *p, bool aaaa, double now_ms, enum v6fix_qstate state);

/* kame: when the wait for AAAA ends (INFINITY before it can be known). */
double v6fix_rplan_kame_deadline(const struct v6fix_rplan *p);

/* Names: "getaddrinfo" / "rfc8305" / "kame", and back (-1). */
const char *v6fix_strategy_name(enum v6fix_strategy s);
int v6fix_strategy_parse(const char *name);

/*
 * The seed's 3.4.1: does the host (the current network namespace) have an
 * IPv6 address that is neither link-local nor loopback? From getifaddrs(),
 * not AI_ADDRCONFIG. Returns 1, 0, or -errno.
 */
int v6fix_host_has_global6(void);

/* A canned query outcome: after @after_ms from its sending it ends with @state. */
struct v6fix_qoutcome {
	double after_ms;	/* INFINITY: never answered (and never given up on) */
	enum v6fix_qstate state;
};

/* What v6fix_resolve_simulate() found: the queries, the release, the attempts. */
struct v6fix_rsim {
	struct v6fix_rplan plan;	/* the queries' times and states */
	size_t n;			/* attempts made or planned */
	int family[2];			/* of each attempt (AF_INET6 / AF_INET) */
	struct he_attempt att[2];	/* times from the first attempt's start */
	struct he h;
	long winner;			/* index into att, or -1 */
	double resolve_ms;		/* resolution start to first attempt (NAN: none) */
	double elapsed_ms;		/* resolution start to connected / given up */
};

/*
 * The model of one name with one address per family: run the strategy on a
 * virtual clock with the canned query outcomes @a and @aaaa and the connect
 * outcomes @conn6 / @conn4 (from the attempt's start), connecting with
 * Connection Attempt Delay @delay_ms (< 0: sequential). Returns the
 * winner's index or -1.
 */
long v6fix_resolve_simulate(enum v6fix_strategy s, double resolution_delay_ms, bool ask_aaaa,
			    const struct v6fix_qoutcome *a, const struct v6fix_qoutcome *aaaa,
			    const struct he_outcome *conn6, const struct he_outcome *conn4,
			    double delay_ms, struct v6fix_rsim *out);

#endif
