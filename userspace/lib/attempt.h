/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real connection attempts for `v6fix connect`: name resolution, the
 * classic sequential loop (blocking connect() per address, as in the seed
 * documents' client) and the Happy Eyeballs driver that runs he.c's
 * decisions with non-blocking sockets and poll. Times are ms on
 * CLOCK_MONOTONIC from the start of the first attempt.
 */
#ifndef V6FIX_ATTEMPT_H
#define V6FIX_ATTEMPT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "he.h"

struct v6fix_target {
	int family;			/* AF_INET6 or AF_INET */
	struct sockaddr_storage sa;
	socklen_t salen;
	char text[64];			/* the address (numeric), without port */
};

/*
 * getaddrinfo(@host, @port, family @family, SOCK_STREAM), in the order the
 * resolver returns (RFC 6724 sorting, gai.conf). *@out is malloc'ed.
 * Returns 0, or a getaddrinfo EAI_* code (gai_strerror() names it).
 */
int v6fix_resolve(const char *host, const char *port, int family,
		  struct v6fix_target **out, size_t *n);
/* The same with extra getaddrinfo() flags (AI_ADDRCONFIG). */
int v6fix_resolve_flags(const char *host, const char *port, int family, int flags,
		  struct v6fix_target **out, size_t *n);

/* Reorder @t in place for Happy Eyeballs (he_interleave()). */
void v6fix_targets_interleave(struct v6fix_target *t, size_t n);

/* "inet6" / "inet" */
const char *v6fix_family_name(int family);

/*
 * The name of an attempt's result: "ok", an errno name ("ENETUNREACH"),
 * "ECANCELED" (lost to the winner), "ETIME" (--timeout expired).
 */
const char *v6fix_result_name(int err, char *buf, size_t len);

/* ms on CLOCK_MONOTONIC (absolute). */
double v6fix_now_ms(void);

/* A wait of @ms (negative: none) as a timespec, for ppoll(). */
struct timespec v6fix_ms_timespec(double ms);

/*
 * Connect to @t[0..n) one after another with blocking connect(), until one
 * succeeds; the whole run is bounded by @timeout_ms (INFINITY for none,
 * enforced with SO_SNDTIMEO). Fills @att[0..n) and *@h (attempts in start
 * order, he->end_ms the total). Returns the winner's index or -1.
 */
long v6fix_connect_seq(const struct v6fix_target *t, size_t n, double timeout_ms,
		       struct he *h, struct he_attempt *att);

/*
 * Happy Eyeballs over @t[0..n) (already interleaved) with Connection
 * Attempt Delay @delay_ms, non-blocking connects and poll; losers are
 * closed. Same results as v6fix_connect_seq().
 */
long v6fix_connect_he(const struct v6fix_target *t, size_t n, double delay_ms,
		      double timeout_ms, struct he *h, struct he_attempt *att);

/*
 * When .enabled, the drivers above leave the winner's socket open (and
 * blocking) in .fd instead of closing it, and .t0_ms is the run's start
 * (absolute CLOCK_MONOTONIC ms): connect --transfer goes on with it.
 */
struct v6fix_attempt_keep {
	bool enabled;
	int fd;
	double t0_ms;
};
extern struct v6fix_attempt_keep v6fix_attempt_keep;

#endif
