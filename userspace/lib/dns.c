// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS survey of seed 004 ch. 3.3 (see dns.h). libldns builds every query
 * and parses every reply; this file owns only the sockets, the clock and the
 * rules.
 *
 * ldns 1.8.3 reads an AAAA record's 16 bytes whatever its RDLENGTH says and
 * does not keep RDLENGTH (a 20-byte AAAA decodes as a 16-byte one and the
 * rest of the message is misread; a 4-byte one fails the whole message), so
 * a reply counts as parsed whole only when ldns_wire2pkt() accepts it *and*
 * walking its records with ldns_wire2rr() ends exactly at the datagram's end.
 * Anything else is MALFORMED, with the header (ldns's LDNS_*_WIRE accessors)
 * and the answer records ldns could decode kept as evidence.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/*
 * <stdbool.h> before <ldns/ldns.h>: without it ldns 1.8.3's common.h does
 * "#define _Bool signed char", and bool in dns.h would differ between files.
 */
#include <stdbool.h>
#include <ldns/ldns.h>

#include "dns.h"

_Static_assert((bool)2 == 1, "bool is not _Bool: include <stdbool.h> before <ldns/ldns.h>");

static const char *const class_names[DNS_NCLASSES] = {
	[DNS_NO_ANSWER] = "no-answer",
	[DNS_IGNORE] = "ignore",
	[DNS_NXDOMAIN] = "nxdomain",
	[DNS_RCODE] = "rcode",
	[DNS_BROKEN] = "broken",
	[DNS_LAME] = "lame",
	[DNS_OK] = "ok",
};

const char *dns_class_name(enum dns_class c)
{
	return (unsigned int)c < DNS_NCLASSES ? class_names[c] : "?";
}

const char *dns_rcode_name(int rcode, char *buf, size_t len)
{
	ldns_lookup_table *t;

	if (rcode < 0)
		return NULL;
	t = ldns_lookup_by_id(ldns_rcodes, rcode);
	if (t && t->name)
		return t->name;
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

const char *dns_type_name(uint16_t type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	if (d && d->_name && d->_type == type) {
		snprintf(buf, len, "%s", d->_name);
		return buf;
	}
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

/* --- arguments ------------------------------------------------------------- */

int dns_parse_server(const char *s, struct dns_probe *p)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], port[6] = "53";
	const char *colon, *end;
	struct addrinfo *res;
	unsigned long v;
	char *e;

	if (!s || !*s || strlen(s) >= sizeof(p->server))
		return -1;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || (size_t)(end - s - 1) >= sizeof(host) || end == s + 1)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		if (end[1] == ':') {
			colon = end + 1;
		} else if (end[1] == '\0') {
			colon = NULL;
		} else {
			return -1;
		}
	} else {
		colon = strchr(s, ':');
		/* Two colons or more: a bare IPv6 address, no port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		if (strlen(s) >= sizeof(host))
			return -1;
		memcpy(host, s, colon ? (size_t)(colon - s) : strlen(s));
		host[colon ? colon - s : (ptrdiff_t)strlen(s)] = '\0';
	}
	if (colon) {
		if (colon[1] < '1' || colon[1] > '9')
			return -1;
		errno = 0;
		v = strtoul(colon + 1, &e, 10);
		if (errno || *e || v == 0 || v > 65535)
			return -1;
		snprintf(port, sizeof(port), "%lu", v);
	}
	if (!*host || getaddrinfo(host, port, &hints, &res))
		return -1;
	if (res->ai_addrlen > sizeof(p->addr) ||
	    (res->ai_family != AF_INET && res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return -1;
	}
	/* An IPv4 address in brackets is not something anyone writes on purpose. */
	if (s[0] == '[' && res->ai_family != AF_INET6) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(&p->addr, res->ai_addr, res->ai_addrlen);
	p->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	/* The canonical text, so that 2001:DB8::1 and 2001:db8:0::1 are one server. */
	if (getnameinfo((struct sockaddr *)&p->addr, p->addrlen, host, sizeof(host), NULL, 0,
			NI_NUMERICHOST))
		return -1;
	if (!strcmp(port, "53"))
		snprintf(p->server, sizeof(p->server), "%s", host);
	else if (p->addr.ss_family == AF_INET6)
		snprintf(p->server, sizeof(p->server), "[%s]:%s", host, port);
	else
		snprintf(p->server, sizeof(p->server), "%s:%s", host, port);
	return 0;
}

int dns_parse_name(const char *s, struct dns_probe *p)
{
	ldns_rdf *d = NULL;
	char *str;
	int ret = -1;

	if (!s || !*s)
		return -1;
	/* Control bytes and blanks: ldns takes them, nobody means them. */
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			return -1;
	if (ldns_str2rdf_dname(&d, s) != LDNS_STATUS_OK || !d)
		return -1;
	/* The root alone has no A to compare with. */
	if (ldns_rdf_size(d) > 1) {
		str = ldns_rdf2str(d);
		if (str && strlen(str) < sizeof(p->name)) {
			snprintf(p->name, sizeof(p->name), "%s", str);
			ret = 0;
		}
		free(str);
	}
	ldns_rdf_deep_free(d);
	return ret;
}

/* --- parsing a reply --------------------------------------------------------- */

static void set_why(struct dns_query *q, const char *why)
{
	snprintf(q->why, sizeof(q->why), "%s", why);
}

/* The record's decoded rdata size: what ldns made of it. */
static int rr_rdlen(const ldns_rr *rr)
{
	size_t n = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		n += ldns_rdf_size(ldns_rr_rdf(rr, i));
	return (int)n;
}

static void add_answer(struct dns_query *q, uint16_t type, int rdlen)
{
	if (q->ancount < DNS_MAX_RRS) {
		q->ans[q->ancount].type = type;
		q->ans[q->ancount].rdlen = rdlen;
	}
	q->ancount++;
}

/*
 * Walk the records with ldns_wire2rr(): the answer records go into @q when
 * @salvage (the message failed ldns_wire2pkt), and the return value is where
 * the walk stopped (the end of the message when every record decoded), or 0
 * when a record did not decode.
 */
static size_t walk(const uint8_t *wire, size_t len, struct dns_query *q, bool salvage)
{
	static const ldns_pkt_section sec[] = {
		LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
		LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL,
	};
	const unsigned int count[] = {
		LDNS_QDCOUNT(wire), LDNS_ANCOUNT(wire), LDNS_NSCOUNT(wire), LDNS_ARCOUNT(wire),
	};
	size_t pos = LDNS_HEADER_SIZE;

	for (size_t s = 0; s < 4; s++) {
		for (unsigned int i = 0; i < count[s]; i++) {
			size_t at = pos;
			ldns_rr *rr = NULL;

			if (ldns_wire2rr(&rr, wire, len, &pos, sec[s]) != LDNS_STATUS_OK) {
				ldns_rr_free(rr);
				rr = NULL;
				/* The record's owner, type and class, read as a question. */
				if (salvage && sec[s] == LDNS_SECTION_ANSWER) {
					pos = at;
					if (ldns_wire2rr(&rr, wire, len, &pos,
							 LDNS_SECTION_QUESTION) == LDNS_STATUS_OK)
						add_answer(q, ldns_rr_get_type(rr), -1);
					ldns_rr_free(rr);
				}
				return 0;
			}
			if (salvage && sec[s] == LDNS_SECTION_ANSWER)
				add_answer(q, ldns_rr_get_type(rr), rr_rdlen(rr));
			ldns_rr_free(rr);
		}
	}
	return pos;
}

static bool question_matches(const ldns_pkt *pkt, const char *qname, uint16_t qtype)
{
	const ldns_rr_list *ql = ldns_pkt_question(pkt);
	ldns_rdf *want = NULL;
	const ldns_rr *rr;
	bool ok;

	/* Some servers leave the question out of an error reply: accepted. */
	if (ldns_rr_list_rr_count(ql) == 0)
		return true;
	if (ldns_rr_list_rr_count(ql) != 1)
		return false;
	rr = ldns_rr_list_rr(ql, 0);
	if (ldns_rr_get_type(rr) != qtype || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
		return false;
	if (ldns_str2rdf_dname(&want, qname) != LDNS_STATUS_OK)
		return false;
	ok = ldns_dname_compare(ldns_rr_owner(rr), want) == 0;
	ldns_rdf_deep_free(want);
	return ok;
}

int dns_parse_reply(const uint8_t *wire, size_t len, uint16_t id, const char *qname,
		    uint16_t qtype, struct dns_query *q)
{
	ldns_pkt *pkt = NULL;
	ldns_status st;
	size_t end;

	/* Another ID: a late reply to an earlier query (or a stray), not ours. */
	if (len >= LDNS_HEADER_SIZE && LDNS_ID_WIRE(wire) != id)
		return -1;
	q->rcode = -1;
	q->aa = q->tc = q->referral = q->tcp = false;
	q->ancount = 0;
	q->why[0] = '\0';
	q->state = DNS_Q_MALFORMED;
	if (len < LDNS_HEADER_SIZE) {
		/* On a connected socket it came from the server: its answer. */
		snprintf(q->why, sizeof(q->why), "%zu bytes, shorter than a DNS header", len);
		return 0;
	}
	q->rcode = LDNS_RCODE_WIRE(wire);
	q->aa = LDNS_AA_WIRE(wire);
	q->tc = LDNS_TC_WIRE(wire);
	if (!LDNS_QR_WIRE(wire)) {
		set_why(q, "QR clear: a query, not a reply");
		return 0;
	}
	if (LDNS_OPCODE_WIRE(wire) != LDNS_PACKET_QUERY) {
		set_why(q, "opcode is not QUERY");
		return 0;
	}
	st = ldns_wire2pkt(&pkt, wire, len);
	if (st != LDNS_STATUS_OK) {
		snprintf(q->why, sizeof(q->why), "ldns: %s", ldns_get_errorstr_by_id(st));
		ldns_pkt_free(pkt);
		(void)walk(wire, len, q, true);
		return 0;
	}
	end = walk(wire, len, q, false);
	if (end != len) {
		ldns_pkt_free(pkt);
		(void)walk(wire, len, q, true);
		if (end)
			snprintf(q->why, sizeof(q->why),
				 "%zu bytes after the last record (a record longer than ldns read)",
				 len - end);
		else
			set_why(q, "a record ldns could not decode");
		return 0;
	}
	if (!question_matches(pkt, qname, qtype)) {
		set_why(q, "the question is not the one asked");
		ldns_pkt_free(pkt);
		return 0;
	}

	q->state = DNS_Q_REPLY;
	q->rcode = ldns_pkt_get_rcode(pkt);
	q->aa = ldns_pkt_aa(pkt);
	q->tc = ldns_pkt_tc(pkt);
	{
		const ldns_rr_list *an = ldns_pkt_answer(pkt);
		const ldns_rr_list *ns = ldns_pkt_authority(pkt);
		bool has_ns = false, has_soa = false;

		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);

			add_answer(q, ldns_rr_get_type(rr), rr_rdlen(rr));
		}
		for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++) {
			ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(ns, i));

			has_ns |= t == LDNS_RR_TYPE_NS;
			has_soa |= t == LDNS_RR_TYPE_SOA;
		}
		q->referral = q->ancount == 0 && has_ns && !has_soa;
	}
	ldns_pkt_free(pkt);
	return 0;
}

/* --- the rules ------------------------------------------------------------------ */

static bool answered(const struct dns_query *q)
{
	return q->state == DNS_Q_REPLY || q->state == DNS_Q_MALFORMED;
}

/* A record of another type than asked; CNAME, DNAME and their signatures may lead to it. */
static bool foreign_type(uint16_t type, uint16_t qtype)
{
	return type != qtype && type != LDNS_RR_TYPE_CNAME && type != LDNS_RR_TYPE_DNAME &&
	       type != LDNS_RR_TYPE_RRSIG;
}

enum dns_class dns_classify(const struct dns_query *a, const struct dns_query *aaaa,
			    const char **reason)
{
	const char *dummy;
	unsigned int n;

	if (!reason)
		reason = &dummy;
	/* No usable answer to A: the server is dead, silent or talks garbage. */
	if (a->state != DNS_Q_REPLY) {
		*reason = a->state == DNS_Q_MALFORMED ? "the reply to A is malformed"
			: a->state == DNS_Q_ERROR ? "A failed: the server is unreachable"
			: "no reply to A";
		return DNS_NO_ANSWER;
	}
	if (!answered(aaaa)) {
		*reason = "no reply to AAAA, while A was answered";
		return DNS_IGNORE;
	}
	if (aaaa->rcode == LDNS_RCODE_NXDOMAIN && a->rcode == LDNS_RCODE_NOERROR) {
		*reason = "NXDOMAIN for AAAA, while A said the name exists";
		return DNS_NXDOMAIN;
	}
	if (aaaa->rcode > 0) {
		*reason = "an error RCODE for AAAA";
		return DNS_RCODE;
	}
	/* The records first (a malformed reply keeps those ldns decoded), then the reply. */
	n = aaaa->ancount < DNS_MAX_RRS ? aaaa->ancount : DNS_MAX_RRS;
	for (unsigned int i = 0; i < n; i++) {
		if (aaaa->ans[i].type == LDNS_RR_TYPE_AAAA && aaaa->ans[i].rdlen != 16) {
			*reason = aaaa->ans[i].rdlen < 0
				? "an AAAA record that does not decode as a 16-byte address"
				: "an AAAA record whose data is not a 16-byte address";
			return DNS_BROKEN;
		}
		if (foreign_type(aaaa->ans[i].type, LDNS_RR_TYPE_AAAA)) {
			*reason = "an answer record of another type than AAAA";
			return DNS_BROKEN;
		}
	}
	if (aaaa->state == DNS_Q_MALFORMED) {
		*reason = "the reply to AAAA is malformed";
		return DNS_BROKEN;
	}
	if (a->aa && (!aaaa->aa || aaaa->referral)) {
		*reason = aaaa->referral ? "a referral for AAAA, while A came with AA"
			: "no AA for AAAA, while A came with AA";
		return DNS_LAME;
	}
	*reason = aaaa->ancount ? "AAAA answered" : "no AAAA record (NODATA), correctly";
	return DNS_OK;
}

/* --- the engine ------------------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint16_t random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(rand() ^ (int)now_ms());
	return id;
}

static struct dns_query *cur(struct dns_probe *p)
{
	return p->phase == 1 ? &p->a : &p->aaaa;
}

static uint16_t cur_type(const struct dns_probe *p)
{
	return p->phase == 1 ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA;
}

static void end_query(struct dns_probe *p, enum dns_qstate st, int err, double t)
{
	struct dns_query *q = cur(p);

	if (st != DNS_Q_REPLY && st != DNS_Q_MALFORMED)
		q->state = st;
	q->err = err;
	q->ms = t - p->start_ms;
	free(p->wire);
	p->wire = NULL;
}

/* Send (or resend) the current query; on failure the query ends. */
static void send_query(struct dns_probe *p, const struct dns_opts *o, double t)
{
	struct dns_query *q = cur(p);

	if (send(p->fd, p->wire, p->wirelen, 0) < 0) {
		/* EAGAIN on an empty UDP socket is not expected; treat as a lost datagram. */
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
			end_query(p, DNS_Q_ERROR, errno, t);
			return;
		}
	}
	q->tries++;
	p->deadline_ms = t + o->timeout_ms;
}

/* Build and send the query of the current phase. -ENOMEM or 0. */
static int start_query(struct dns_probe *p, const struct dns_opts *o)
{
	struct dns_query *q = cur(p);
	ldns_pkt *pkt = NULL;
	ldns_rdf *name = NULL;
	ldns_status st;

	memset(q, 0, sizeof(*q));
	q->rcode = -1;
	q->state = DNS_Q_TIMEOUT;
	if (ldns_str2rdf_dname(&name, p->name) != LDNS_STATUS_OK)
		return -EINVAL;
	/* flags 0: RD clear, recursion not desired. ldns takes @name. */
	pkt = ldns_pkt_query_new(name, cur_type(p), LDNS_RR_CLASS_IN, 0);
	if (!pkt)
		return -ENOMEM;
	p->id = random_id();
	ldns_pkt_set_id(pkt, p->id);
	st = ldns_pkt2wire(&p->wire, pkt, &p->wirelen);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK)
		return -ENOMEM;
	p->start_ms = now_ms();
	send_query(p, o, p->start_ms);
	return 0;
}

/* The current query ended: next phase, or classify. */
static void advance(struct dns_probe *p, const struct dns_opts *o,
		    void (*done)(struct dns_probe *, void *), void *ctx, int *err)
{
	while (p->phase != 3 && !p->wire) {
		if (p->phase == 1 && p->a.state == DNS_Q_REPLY) {
			p->phase = 2;
			*err = start_query(p, o);
			if (*err)
				return;
			continue;
		}
		/* A unusable: AAAA would not change the class; don't double the wait. */
		if (p->phase == 1) {
			memset(&p->aaaa, 0, sizeof(p->aaaa));
			p->aaaa.rcode = -1;
			p->aaaa.state = DNS_Q_NOT_SENT;
		}
		p->phase = 3;
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		p->cls = dns_classify(&p->a, &p->aaaa, &p->reason);
		done(p, ctx);
	}
}

/*
 * A truncated reply (TC) is not the answer: ask again over TCP, as a
 * resolver would, with ldns_tcp_send() (blocking, bounded by the timeout;
 * a truncated reply is rare without EDNS, so the loop rarely waits here).
 * When TCP fails, the truncated reply stays the evidence.
 */
static void tcp_retry(struct dns_probe *p, const struct dns_opts *o)
{
	struct dns_query *q = cur(p), saved = *q;
	struct timeval tv = { o->timeout_ms / 1000, (o->timeout_ms % 1000) * 1000 };
	ldns_buffer *b = ldns_buffer_new(p->wirelen);
	uint8_t *ans = NULL;
	size_t n = 0;

	if (!b)
		return;
	/* ldns sends the buffer up to its position (as ldns_pkt2buffer_wire leaves it). */
	ldns_buffer_write(b, p->wire, p->wirelen);
	if (ldns_tcp_send(&ans, b, &p->addr, p->addrlen, tv, &n) == LDNS_STATUS_OK && ans &&
	    dns_parse_reply(ans, n, p->id, p->name, cur_type(p), q) == 0) {
		q->tcp = true;
	} else {
		*q = saved;
	}
	free(ans);
	ldns_buffer_free(b);
}

static void on_readable(struct dns_probe *p, const struct dns_opts *o, double t)
{
	uint8_t buf[65536];
	ssize_t r;

	while (p->wire) {
		r = recv(p->fd, buf, sizeof(buf), 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			/* ICMP port or host unreachable, reported on the connected socket. */
			end_query(p, DNS_Q_ERROR, errno, t);
			return;
		}
		if (dns_parse_reply(buf, (size_t)r, p->id, p->name, cur_type(p), cur(p)) == 0) {
			if (cur(p)->tc) {
				tcp_retry(p, o);
				t = now_ms();
			}
			end_query(p, cur(p)->state, 0, t);
		}
	}
}

static int open_socket(struct dns_probe *p)
{
	p->fd = socket(p->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -errno;
	/* Connected: the kernel drops datagrams from anyone else and reports ICMP errors. */
	if (connect(p->fd, (struct sockaddr *)&p->addr, p->addrlen) < 0)
		return -errno;
	return 0;
}

int dns_run(struct dns_probe *p, size_t n, const struct dns_opts *o,
	    void (*done)(struct dns_probe *p, void *ctx), void *ctx)
{
	size_t par = o->parallel ? o->parallel : 1;
	struct pollfd *pfd;
	size_t *act, nact = 0, next = 0;
	int err = 0;

	pfd = calloc(par, sizeof(*pfd));
	act = calloc(par, sizeof(*act));
	if (!pfd || !act) {
		free(pfd);
		free(act);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		p[i].fd = -1;
		p[i].phase = 0;
		p[i].wire = NULL;
	}

	while (!err && (next < n || nact > 0)) {
		double t, wait = INFINITY;
		int timeout, r;

		/* Fill the window. */
		while (!err && next < n && nact < par) {
			struct dns_probe *q = &p[next++];
			int e;

			q->phase = 1;
			e = open_socket(q);
			if (e == -EMFILE || e == -ENFILE || e == -ENOMEM) {
				err = e;
				break;
			}
			if (e) {
				/* No route, no address family: this server cannot be asked. */
				memset(&q->a, 0, sizeof(q->a));
				q->a.rcode = -1;
				end_query(q, DNS_Q_ERROR, -e, now_ms());
				q->a.ms = 0;
			} else {
				err = start_query(q, o);
			}
			advance(q, o, done, ctx, &err);
			if (q->phase != 3)
				act[nact++] = (size_t)(q - p);
		}
		if (err || nact == 0)
			continue;

		t = now_ms();
		for (size_t i = 0; i < nact; i++) {
			pfd[i].fd = p[act[i]].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			if (p[act[i]].deadline_ms - t < wait)
				wait = p[act[i]].deadline_ms - t;
		}
		timeout = wait <= 0 ? 0 : (int)ceil(wait);
		r = poll(pfd, nact, timeout);
		if (r < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		t = now_ms();
		for (size_t i = 0; i < nact; i++) {
			struct dns_probe *q = &p[act[i]];

			if (r > 0 && (pfd[i].revents & (POLLIN | POLLERR)))
				on_readable(q, o, t);
			if (q->wire && t >= q->deadline_ms) {
				if (cur(q)->tries <= o->retries)
					send_query(q, o, t);
				else
					end_query(q, DNS_Q_TIMEOUT, 0, t);
			}
			advance(q, o, done, ctx, &err);
		}
		/* Drop the finished ones from the window. */
		for (size_t i = 0; i < nact;) {
			if (p[act[i]].phase == 3)
				act[i] = act[--nact];
			else
				i++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i].fd >= 0)
			close(p[i].fd);
		p[i].fd = -1;
		free(p[i].wire);
		p[i].wire = NULL;
	}
	free(pfd);
	free(act);
	return err;
}
