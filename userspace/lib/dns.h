/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The survey of seed 004 ch. 3.3 (RFC 4074): ask a DNS server directly, with
 * recursion not desired, for a name's A and then its AAAA, and classify how
 * it treats the AAAA query. Queries are built and replies parsed with libldns
 * (ldns_pkt_query_new, ldns_pkt2wire, ldns_wire2pkt); the sockets are our
 * own non-blocking UDP sockets, so that many probes can be outstanding at
 * once (dns_run). The classifier (dns_classify) is a pure function of the
 * two queries' evidence, so it is tested on packets built with ldns.
 */
#ifndef V6FIX_DNS_H
#define V6FIX_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The classes, in the order the rules are applied (A-E are RFC 4074's). */
enum dns_class {
	DNS_NO_ANSWER,	/* no usable reply to A: nothing to compare with */
	DNS_IGNORE,	/* A: AAAA unanswered while A was answered */
	DNS_NXDOMAIN,	/* B: NXDOMAIN for AAAA while A said the name exists */
	DNS_RCODE,	/* C: another non-zero RCODE for AAAA */
	DNS_BROKEN,	/* D: AAAA data not 16 bytes, an answer of another type, garbage */
	DNS_LAME,	/* E: AAAA without AA, or a referral, while A came with AA */
	DNS_OK,		/* none of the above */
	DNS_NCLASSES
};

/* How one query ended. */
enum dns_qstate {
	DNS_Q_NOT_SENT,	/* not asked (A had no usable reply) */
	DNS_Q_REPLY,	/* a reply that ldns parsed whole */
	DNS_Q_MALFORMED,/* a reply with our ID that ldns could not parse whole */
	DNS_Q_TIMEOUT,	/* nothing after every try */
	DNS_Q_ERROR,	/* the socket said why (ECONNREFUSED: ICMP port unreachable) */
};

#define DNS_MAX_RRS 16		/* answer records kept as evidence */

struct dns_rr_info {
	uint16_t type;
	int rdlen;		/* rdata bytes as ldns decoded them; -1: ldns rejected the record */
};

/* The evidence of one query. */
struct dns_query {
	enum dns_qstate state;
	int err;		/* errno for DNS_Q_ERROR */
	char why[96];		/* for DNS_Q_MALFORMED: what ldns said */
	int rcode;		/* header RCODE, -1 when no header was readable */
	bool aa, tc;
	bool tcp;		/* the UDP reply was truncated (TC): this one came over TCP */
	bool referral;		/* no answer, NS and no SOA in the authority section */
	unsigned int ancount;	/* answer records in the reply (as decoded) */
	struct dns_rr_info ans[DNS_MAX_RRS];
	unsigned int tries;	/* datagrams sent */
	double ms;		/* from the first send to the reply (or to giving up) */
};

/* One probe: a server, a name, and what it said. */
struct dns_probe {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char server[80];	/* as the user wrote it, normalised: 192.0.2.1, [2001:db8::1]:5353 */
	char name[256];		/* presentation form, absolute (trailing dot) */
	struct dns_query a, aaaa;
	enum dns_class cls;
	const char *reason;	/* one phrase: why this class */

	/* Private to dns_run(). */
	int fd;
	int phase;		/* 0: idle, 1: A outstanding, 2: AAAA outstanding, 3: done */
	uint16_t id;
	uint8_t *wire;
	size_t wirelen;
	double start_ms, deadline_ms;
};

struct dns_opts {
	unsigned int timeout_ms;	/* per try */
	unsigned int retries;		/* tries after the first */
	unsigned int parallel;		/* probes outstanding at once */
};

#define DNS_DEFAULT_TIMEOUT_MS 2000
#define DNS_DEFAULT_RETRIES 1
#define DNS_DEFAULT_PARALLEL 16

/*
 * Parse SERVER: an IPv4 or IPv6 address, optionally [addr]:port or
 * v4addr:port (port 1-65535, default 53); link-local IPv6 may carry %scope.
 * 0, or -1 when it is not one.
 */
int dns_parse_server(const char *s, struct dns_probe *p);
/* Parse NAME (ldns's presentation syntax, made absolute). 0 or -1. */
int dns_parse_name(const char *s, struct dns_probe *p);

/*
 * Parse @len bytes that arrived for the query with ID @id and question
 * @qname/@qtype into @q (state REPLY or MALFORMED; tries and ms untouched).
 * Returns 0, or -1 when the datagram is not a reply to that query (another
 * ID: a late reply to an earlier query, to be ignored).
 */
int dns_parse_reply(const uint8_t *wire, size_t len, uint16_t id, const char *qname,
		    uint16_t qtype, struct dns_query *q);

/* The rules of the issue, in order. @reason gets one phrase. Pure. */
enum dns_class dns_classify(const struct dns_query *a, const struct dns_query *aaaa,
			    const char **reason);

const char *dns_class_name(enum dns_class c);
/* "NOERROR", "NXDOMAIN", ... as ldns names them; "RCODE12" for others; NULL for -1. */
const char *dns_rcode_name(int rcode, char *buf, size_t len);
/* "AAAA", "A", "TYPE65280", ... */
const char *dns_type_name(uint16_t type, char *buf, size_t len);

/*
 * Run @n probes, at most o->parallel at once; @done is called as each one
 * is classified (in completion order). 0, or -errno when the run itself
 * could not go on (out of memory, poll failing); an unreachable or silent
 * server is a class, never an error.
 */
int dns_run(struct dns_probe *p, size_t n, const struct dns_opts *o,
	    void (*done)(struct dns_probe *p, void *ctx), void *ctx);

#endif
