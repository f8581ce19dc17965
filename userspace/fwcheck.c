// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix fwcheck: does the path to TARGET let the ICMP errors through that
 * IPv6 (and IPv4) need, and large DNS answers? The seed's firewall checker
 * (ch. 6.2). Each test sends UDP and says passes, filtered or n/a, with the
 * time and the evidence:
 *
 *   port-unreach  a datagram to an unused port of TARGET: port unreachable
 *   addr-unreach  a datagram to an unused address of TARGET's prefix: the
 *                 last router's address unreachable (IPv4: host
 *                 unreachable) after neighbour discovery fails
 *   packet-too-big  a datagram of the local MTU with DF (PMTUDISC_PROBE):
 *                 Packet Too Big (IPv4: fragmentation needed) from the hop
 *                 with the smaller MTU; when none comes, the path MTU is
 *                 found as the largest size TARGET still answers, and a
 *                 larger packet that vanished is the black hole
 *   time-exceeded a datagram with hop limit (TTL) 1: the first router's
 *                 time exceeded
 *   edns0         (--dns SERVER) a query advertising a 4096-byte UDP buffer
 *                 for an answer larger than 1,232 bytes
 *
 * Everything is unprivileged: connected UDP sockets with IPV6_RECVERR /
 * IP_RECVERR receive the ICMP errors their datagrams cause, with the
 * offender's address (the kernel's extended error queue), so no probe
 * needs CAP_NET_RAW.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>	/* after time.h: it needs struct timespec */

#include "attempt.h"
#include "ednsprobe.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

#define FW_PORT_DEFAULT 33434
#define FW_WAIT_DEFAULT_MS 2000.0
#define FW_ND_DEFAULT_MS 3000.0
#define FW_DNS_NAME_DEFAULT "big.v6fix.test"
#define FW_DNS_TYPE_DEFAULT "TXT"
#define FW_EDNS_BUFSIZE 4096
#define FW_MTU_START 1500

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] fwcheck TARGET [ -4 | -6 ] [ --dns SERVER ]...\n"
		"                 [ --dns-name NAME ] [ --dns-type TYPE ] [ --prefix-len N ]\n"
		"                 [ --prefix-len4 N ] [ --port PORT ] [ --wait MS ] [ --nd-wait MS ]\n"
		"Probe the path to TARGET (an address or a name: each family it has) for\n"
		"the ICMP errors a firewall must not drop (RFC 4890) and large DNS answers.\n"
		"Each test says passes, filtered or n/a, with the time and the evidence:\n"
		"  port-unreach     UDP to an unused PORT of TARGET (default %d)\n"
		"  addr-unreach     UDP to an unused address in TARGET's prefix (--prefix-len,\n"
		"                   default 64; --prefix-len4 for IPv4, default 24), waiting the\n"
		"                   neighbour-discovery time (--nd-wait, default 3000 ms) too\n"
		"  packet-too-big   a packet of the local MTU with DF: Packet Too Big (IPv4:\n"
		"                   fragmentation needed), or the path MTU found by the sizes\n"
		"                   TARGET answers, and the larger packet that vanished\n"
		"  time-exceeded    hop limit 1: the first router's Time Exceeded\n"
		"  edns0            --dns SERVER (up to twice, numeric, port 53): a query\n"
		"                   with a %d-byte EDNS0 buffer for\n"
		"                   NAME (default %s) TYPE (default %s), whose\n"
		"                   answer must exceed %d bytes; a small query first shows\n"
		"                   SERVER answers at all\n"
		"  --wait MS        how long each probe waits for its answer (default 2000)\n"
		"Unprivileged: UDP sockets with IPV6_RECVERR/IP_RECVERR see the errors.\n"
		"Exit status: 0 when no test says filtered, 1 otherwise.\n",
		FW_PORT_DEFAULT, FW_EDNS_BUFSIZE, FW_DNS_NAME_DEFAULT, FW_DNS_TYPE_DEFAULT,
		V6FIX_EDNS_SAFE_SIZE);
}

struct fw_opts {
	const char *target;
	int family;
	const char *dns[2];
	size_t ndns;
	const char *dns_name, *dns_type;
	uint32_t plen6, plen4;
	uint32_t port;
	double wait_ms, nd_ms;
};

enum verdict { V_PASSES, V_FILTERED, V_NA };

static const char *const verdict_name[] = { "passes", "filtered", "n/a" };

/* What one probe saw. */
struct outcome {
	enum { O_NONE, O_ICMP, O_LOCAL, O_DATA, O_SENDERR } kind;
	uint8_t type, code;
	uint32_t info;		/* the MTU of a Packet Too Big */
	int err;
	char from[INET6_ADDRSTRLEN];
	double ms;		/* from the send */
	size_t dlen;		/* O_DATA: bytes received */
};

struct probe {
	int family;
	const struct sockaddr_storage *dst;
	socklen_t dlen;
	int hops;		/* < 0: the default */
	bool df;		/* DF, PMTUDISC_PROBE: ignore a cached path MTU */
	size_t size;		/* the IP packet's size (payload is zeros), or */
	const uint8_t *payload;	/* this payload, if not NULL */
	size_t plen;
	double wait_ms;
	uint8_t *rbuf;		/* O_DATA goes here (rlen bytes at most) */
	size_t rlen;
};

static size_t ip_hdr(int family)
{
	return family == AF_INET6 ? 40 + 8 : 20 + 8;
}

static void errqueue(int fd, struct outcome *o)
{
	char ctl[512];
	uint8_t data[64];
	struct sockaddr_storage from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};

	if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		const struct sock_extended_err *ee;
		const struct sockaddr *off;

		if (!((c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR) ||
		      (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR)))
			continue;
		ee = (const struct sock_extended_err *)CMSG_DATA(c);
		o->err = (int)ee->ee_errno;
		o->type = ee->ee_type;
		o->code = ee->ee_code;
		o->info = ee->ee_info;
		o->kind = (ee->ee_origin == SO_EE_ORIGIN_ICMP6 ||
			   ee->ee_origin == SO_EE_ORIGIN_ICMP) ? O_ICMP : O_LOCAL;
		off = SO_EE_OFFENDER(ee);
		if (off->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)off)->sin6_addr,
				  o->from, sizeof(o->from));
		else if (off->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)off)->sin_addr,
				  o->from, sizeof(o->from));
		else
			snprintf(o->from, sizeof(o->from), "local");
	}
}

/* Send one datagram and wait for an error or data, at most wait_ms. */
static void probe_run(const struct probe *p, struct outcome *o)
{
	static uint8_t zeros[65536];
	int fd, on = 1;
	double t0;
	ssize_t w;

	memset(o, 0, sizeof(*o));
	fd = socket(p->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		o->kind = O_SENDERR;
		o->err = errno;
		return;
	}
	if (p->family == AF_INET6) {
		int pmtu = IPV6_PMTUDISC_PROBE;

		setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on));
		if (p->hops >= 0)
			setsockopt(fd, SOL_IPV6, IPV6_UNICAST_HOPS, &p->hops, sizeof(p->hops));
		if (p->df) {
			setsockopt(fd, SOL_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu));
			setsockopt(fd, SOL_IPV6, IPV6_DONTFRAG, &on, sizeof(on));
		}
	} else {
		int pmtu = IP_PMTUDISC_PROBE;

		setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
		if (p->hops >= 0)
			setsockopt(fd, SOL_IP, IP_TTL, &p->hops, sizeof(p->hops));
		if (p->df)
			setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	}
	if (connect(fd, (const struct sockaddr *)p->dst, p->dlen) < 0) {
		o->kind = O_SENDERR;
		o->err = errno;
		close(fd);
		return;
	}
	t0 = v6fix_now_ms();
	if (p->payload)
		w = send(fd, p->payload, p->plen, 0);
	else
		w = send(fd, zeros, p->size > ip_hdr(p->family) ? p->size - ip_hdr(p->family) : 0, 0);
	if (w < 0) {
		o->err = errno;
		o->kind = O_SENDERR;
		errqueue(fd, o);	/* a local EMSGSIZE carries the MTU */
		o->ms = v6fix_now_ms() - t0;
		close(fd);
		return;
	}
	for (;;) {
		double left = p->wait_ms - (v6fix_now_ms() - t0);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r;

		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)ceil(left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		o->ms = v6fix_now_ms() - t0;
		if (pfd.revents & POLLERR) {
			errqueue(fd, o);
			if (o->kind != O_NONE)
				break;
		}
		if (pfd.revents & POLLIN) {
			ssize_t n = recv(fd, p->rbuf ? p->rbuf : zeros,
					 p->rbuf ? p->rlen : sizeof(zeros), MSG_DONTWAIT);

			if (n >= 0) {
				o->kind = O_DATA;
				o->dlen = (size_t)n;
				break;
			}
		}
	}
	if (o->kind == O_NONE)
		o->ms = v6fix_now_ms() - t0;
	close(fd);
}

/* ICMP(v6) types and codes, by family. */
static bool is_unreach(int family, const struct outcome *o)
{
	return o->kind == O_ICMP && o->type == (family == AF_INET6 ? 1 : 3);
}

static bool is_port_unreach(int family, const struct outcome *o)
{
	return is_unreach(family, o) && o->code == (family == AF_INET6 ? 4 : 3);
}

static bool is_ptb(int family, const struct outcome *o)
{
	if (family == AF_INET6)
		return o->kind == O_ICMP && o->type == 2;
	return is_unreach(family, o) && o->code == 4;
}

static bool is_time_exceeded(int family, const struct outcome *o)
{
	return o->kind == O_ICMP && o->type == (family == AF_INET6 ? 3 : 11);
}

static const char *icmp_name(int family)
{
	return family == AF_INET6 ? "ICMPv6" : "ICMP";
}

/* "ICMPv6 type 1 code 4 from X" */
static void describe(int family, const struct outcome *o, char *buf, size_t len)
{
	char e[32];

	switch (o->kind) {
	case O_ICMP:
		snprintf(buf, len, "%s type %u code %u from %s", icmp_name(family),
			 o->type, o->code, o->from);
		break;
	case O_LOCAL:
		snprintf(buf, len, "local error %s", v6fix_result_name(o->err, e, sizeof(e)));
		break;
	case O_SENDERR:
		snprintf(buf, len, "send: %s", v6fix_result_name(o->err, e, sizeof(e)));
		break;
	case O_DATA:
		snprintf(buf, len, "%zu bytes of answer", o->dlen);
		break;
	default:
		snprintf(buf, len, "nothing");
	}
}

struct result {
	enum verdict v;
	double ms;
	char evidence[256];
};

/*
 * The tests of each family, and each EDNS0 server, run at once in child
 * processes (they mostly wait); each child sends its results through a
 * pipe, and they are printed in a fixed order when all are in.
 */
struct record {
	int family;
	char test[16];
	struct result r;
};

#define FW_MAX_RECORDS 16
static struct record records[FW_MAX_RECORDS];
static size_t nrecords;
static int record_fd = -1;	/* in a child: the pipe to the parent */

static void report(int family, const char *test, const struct result *r)
{
	struct record x = { .family = family, .r = *r };

	snprintf(x.test, sizeof(x.test), "%s", test);
	if (record_fd >= 0) {
		/* One record is far below PIPE_BUF: written whole. */
		if (write(record_fd, &x, sizeof(x)) != (ssize_t)sizeof(x))
			_exit(1);
		return;
	}
	if (nrecords < FW_MAX_RECORDS)
		records[nrecords++] = x;
}

static void print_record(const struct record *x)
{
	print_open_object(NULL);
	print_string(PRINT_ANY, "family", "%-6s", v6fix_family_name(x->family));
	print_string(PRINT_ANY, "test", " %-15s", x->test);
	print_string(PRINT_ANY, "verdict", " %-9s", verdict_name[x->r.v]);
	print_float(PRINT_ANY, "ms", " %8.1f ms", 1, x->r.ms);
	print_string(PRINT_ANY, "evidence", "  %s\n", x->r.evidence);
	print_close_object();
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	if (getnameinfo((const struct sockaddr *)ss, ss->ss_family == AF_INET6 ?
			sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
			buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST))
		snprintf(buf, len, "?");
}

struct fam;
static void unused_address6(const struct fam *f, uint32_t plen, struct sockaddr_storage *out);

struct fam {
	int family;
	struct sockaddr_storage dst;
	socklen_t dlen;
	char text[INET6_ADDRSTRLEN];
	bool port_ok;		/* TARGET answers with port unreachable */
	double rtt_ms;
};

static void probe_init(struct probe *p, const struct fam *f, const struct fw_opts *o)
{
	*p = (struct probe){
		.family = f->family, .dst = &f->dst, .dlen = f->dlen, .hops = -1,
		.size = 64, .wait_ms = o->wait_ms,
	};
}

static int test_port(struct fam *f, const struct fw_opts *o)
{
	struct probe p;
	struct outcome oc;
	struct result r = { 0 };
	char d[160];

	probe_init(&p, f, o);
	probe_run(&p, &oc);
	describe(f->family, &oc, d, sizeof(d));
	r.ms = oc.ms;
	if (is_port_unreach(f->family, &oc)) {
		r.v = V_PASSES;
		f->port_ok = true;
		f->rtt_ms = oc.ms;
		snprintf(r.evidence, sizeof(r.evidence), "%s (port unreachable) to port %u",
			 d, o->port);
	} else if (oc.kind == O_NONE) {
		r.v = V_FILTERED;
		snprintf(r.evidence, sizeof(r.evidence),
			 "no error within %.0f ms for UDP to port %u", o->wait_ms, o->port);
	} else {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence), "%s instead of port unreachable", d);
	}
	report(f->family, "port-unreach", &r);
	return r.v == V_FILTERED;
}

/*
 * An address in TARGET's /@plen other than TARGET: IPv6 random host bits
 * (a /64 is never full), IPv4 the last address before the broadcast (or the
 * one before, if that is TARGET): routers and servers are rarely there.
 */
static void unused_address(const struct fam *f, uint32_t plen, struct sockaddr_storage *out)
{
	if (f->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)out;
		uint32_t t = ntohl(((const struct sockaddr_in *)&f->dst)->sin_addr.s_addr);
		uint32_t host = (uint32_t)((1ULL << (32 - plen)) - 1), a;

		a = (t & ~host) | (host - 1);
		if (a == t)
			a--;
		*out = f->dst;
		s4->sin_addr.s_addr = htonl(a);
		return;
	}
	unused_address6(f, plen, out);
}

static void unused_address6(const struct fam *f, uint32_t plen, struct sockaddr_storage *out)
{
	uint8_t rnd[16];
	uint8_t *a;
	size_t alen;

	*out = f->dst;
	if (f->family == AF_INET6) {
		a = ((struct sockaddr_in6 *)out)->sin6_addr.s6_addr;
		alen = 16;
	} else {
		a = (uint8_t *)&((struct sockaddr_in *)out)->sin_addr.s_addr;
		alen = 4;
	}
	for (int tries = 0; tries < 16; tries++) {
		uint8_t orig[16];
		bool same = true, zero = true, ones = true;

		memcpy(orig, a, alen);
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			for (size_t i = 0; i < sizeof(rnd); i++)
				rnd[i] = (uint8_t)(rand() & 0xff);
		for (size_t bit = plen; bit < alen * 8; bit++) {
			uint8_t m = (uint8_t)(0x80 >> (bit % 8));

			a[bit / 8] = (uint8_t)((a[bit / 8] & ~m) | (rnd[bit / 8] & m));
		}
		for (size_t bit = plen; bit < alen * 8; bit++) {
			uint8_t m = (uint8_t)(0x80 >> (bit % 8));
			bool b = a[bit / 8] & m;

			zero &= !b;
			ones &= b;
		}
		const uint8_t *t = f->family == AF_INET6 ?
			((const struct sockaddr_in6 *)&f->dst)->sin6_addr.s6_addr :
			(const uint8_t *)&((const struct sockaddr_in *)&f->dst)->sin_addr.s_addr;

		same = !memcmp(a, t, alen);
		/* Not TARGET, not the subnet-router anycast / network, not broadcast. */
		if (!same && !zero && !(ones && f->family == AF_INET))
			return;
		memcpy(a, orig, alen);
	}
}

static int test_addr(struct fam *f, const struct fw_opts *o)
{
	struct sockaddr_storage u;
	struct probe p;
	struct outcome oc;
	struct result r = { 0 };
	char d[160], ut[INET6_ADDRSTRLEN];
	uint32_t plen = f->family == AF_INET6 ? o->plen6 : o->plen4;
	int want = f->family == AF_INET6 ? 3 : 1;

	unused_address(f, plen, &u);
	addr_text(&u, ut, sizeof(ut));
	probe_init(&p, f, o);
	p.dst = &u;
	p.wait_ms = o->nd_ms + o->wait_ms;
	probe_run(&p, &oc);
	describe(f->family, &oc, d, sizeof(d));
	r.ms = oc.ms;
	if (is_unreach(f->family, &oc) && oc.code == want) {
		r.v = V_PASSES;
		snprintf(r.evidence, sizeof(r.evidence), "%s (%s unreachable) for %s/%u", d,
			 f->family == AF_INET6 ? "address" : "host", ut, plen);
	} else if (oc.kind == O_NONE) {
		r.v = V_FILTERED;
		snprintf(r.evidence, sizeof(r.evidence),
			 "no error within %.0f ms (ND %.0f ms + %.0f ms) for %s/%u",
			 p.wait_ms, o->nd_ms, o->wait_ms, ut, plen);
	} else {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence), "%s for %s/%u: not an %s unreachable",
			 d, ut, plen, f->family == AF_INET6 ? "address" : "host");
	}
	report(f->family, "addr-unreach", &r);
	return r.v == V_FILTERED;
}

/*
 * Whether TARGET answers a @size-byte packet (DF) with port unreachable.
 * Targets rate-limit their errors (Linux: a burst of 6, then one a second
 * per peer), so a size that gets no answer is believed only when a small
 * packet right after it is answered; otherwise it is tried once more after
 * the limiter's second.
 */
static bool answered_at(const struct fam *f, const struct fw_opts *o, size_t size, double *ms)
{
	struct probe p;
	struct outcome oc;

	probe_init(&p, f, o);
	p.df = true;
	p.wait_ms = fmax(200, 5 * f->rtt_ms);
	for (int tries = 0; tries < 2; tries++) {
		p.size = size;
		probe_run(&p, &oc);
		*ms += oc.ms;
		if (is_port_unreach(f->family, &oc))
			return true;
		p.size = 64;
		probe_run(&p, &oc);
		*ms += oc.ms;
		if (is_port_unreach(f->family, &oc))
			return false;
		usleep(1000 * 1000);
		*ms += 1000;
	}
	return false;
}

/* The largest size in [lo, hi) that TARGET answers with port unreachable. */
static size_t path_mtu_by_answers(const struct fam *f, const struct fw_opts *o, size_t lo,
				  size_t hi, double *ms)
{
	if (!answered_at(f, o, lo, ms))
		return 0;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (answered_at(f, o, mid, ms))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int test_ptb(struct fam *f, const struct fw_opts *o)
{
	struct probe p;
	struct outcome oc;
	struct result r = { 0 };
	char d[160];
	size_t size = FW_MTU_START, min = f->family == AF_INET6 ? 1280 : 576;

	probe_init(&p, f, o);
	p.df = true;
	for (int i = 0; i < 4; i++) {
		p.size = size;
		probe_run(&p, &oc);
		/* Larger than the local link: the kernel says how large it may be. */
		if (oc.kind == O_SENDERR && oc.err == EMSGSIZE && oc.info && oc.info < size) {
			size = oc.info;
			continue;
		}
		break;
	}
	describe(f->family, &oc, d, sizeof(d));
	r.ms = oc.ms;
	if (is_ptb(f->family, &oc)) {
		struct outcome c;

		/* The MTU it named must then pass: that is the path MTU. */
		p.size = oc.info;
		probe_run(&p, &c);
		r.v = V_PASSES;
		snprintf(r.evidence, sizeof(r.evidence),
			 "%s (%s) for %zu bytes: path MTU %u%s", d,
			 f->family == AF_INET6 ? "packet too big" : "fragmentation needed",
			 size, oc.info,
			 is_port_unreach(f->family, &c) ? ", answered at that size" : "");
	} else if (is_port_unreach(f->family, &oc)) {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence),
			 "%zu bytes reach TARGET (port unreachable): no hop with a smaller MTU",
			 size);
	} else if (oc.kind == O_NONE && f->port_ok) {
		double ms = oc.ms;
		size_t pmtu = path_mtu_by_answers(f, o, min, size, &ms);

		r.ms = ms;
		if (pmtu) {
			r.v = V_FILTERED;
			snprintf(r.evidence, sizeof(r.evidence),
				 "%zu bytes vanished without %s; path MTU %zu (the largest size "
				 "TARGET answers)", size,
				 f->family == AF_INET6 ? "Packet Too Big" : "fragmentation needed",
				 pmtu);
		} else {
			r.v = V_NA;
			snprintf(r.evidence, sizeof(r.evidence),
				 "no answer at %zu bytes either: cannot tell the MTU", min);
		}
	} else if (oc.kind == O_NONE) {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence),
			 "no answer for %zu bytes, and without port unreachable the path MTU "
			 "cannot be found", size);
	} else {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence), "%s for %zu bytes", d, size);
	}
	report(f->family, "packet-too-big", &r);
	return r.v == V_FILTERED;
}

static int test_te(struct fam *f, const struct fw_opts *o)
{
	struct probe p;
	struct outcome oc;
	struct result r = { 0 };
	char d[160];

	probe_init(&p, f, o);
	p.hops = 1;
	probe_run(&p, &oc);
	describe(f->family, &oc, d, sizeof(d));
	r.ms = oc.ms;
	if (is_time_exceeded(f->family, &oc)) {
		r.v = V_PASSES;
		snprintf(r.evidence, sizeof(r.evidence), "%s (time exceeded) at %s 1", d,
			 f->family == AF_INET6 ? "hop limit" : "TTL");
	} else if (is_port_unreach(f->family, &oc)) {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence), "TARGET is one hop away (%s)", d);
	} else if (oc.kind == O_NONE) {
		r.v = V_FILTERED;
		snprintf(r.evidence, sizeof(r.evidence), "no error within %.0f ms at %s 1",
			 o->wait_ms, f->family == AF_INET6 ? "hop limit" : "TTL");
	} else {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence), "%s instead of time exceeded", d);
	}
	report(f->family, "time-exceeded", &r);
	return r.v == V_FILTERED;
}

/* One DNS query on UDP; the answer's size and header in *@a (kind O_DATA). */
static void dns_query(const struct fam *f, const struct fw_opts *o, uint16_t bufsize,
		      struct outcome *oc, struct v6fix_edns_answer *a, bool *parsed)
{
	static uint8_t rbuf[65536];
	struct probe p;
	uint8_t *wire;
	size_t len;
	uint16_t id;

	*parsed = false;
	if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
		id = (uint16_t)rand();
	if (v6fix_edns_query(o->dns_name, o->dns_type, bufsize, id, &wire, &len)) {
		memset(oc, 0, sizeof(*oc));
		oc->kind = O_SENDERR;
		oc->err = EINVAL;
		return;
	}
	probe_init(&p, f, o);
	p.payload = wire;
	p.plen = len;
	p.rbuf = rbuf;
	p.rlen = sizeof(rbuf);
	probe_run(&p, oc);
	free(wire);
	if (oc->kind == O_DATA && !v6fix_edns_parse(rbuf, oc->dlen, a) && a->id == id)
		*parsed = true;
}

static int test_edns(const struct fw_opts *o, struct fam *f)
{
	struct v6fix_edns_answer a;
	struct outcome small, big;
	struct result r = { 0 };
	bool ok_small, ok_big;

	dns_query(f, o, 512, &small, &a, &ok_small);
	if (!ok_small) {
		char d[160];

		describe(f->family, &small, d, sizeof(d));
		r.v = V_NA;
		r.ms = small.ms;
		snprintf(r.evidence, sizeof(r.evidence),
			 "%s does not answer a 512-byte query (%s)", f->text, d);
		report(f->family, "edns0", &r);
		return 0;
	}
	dns_query(f, o, FW_EDNS_BUFSIZE, &big, &a, &ok_big);
	r.ms = big.ms;
	if (!ok_big && big.kind == O_NONE) {
		r.v = V_FILTERED;
		snprintf(r.evidence, sizeof(r.evidence),
			 "no answer within %.0f ms with a %d-byte buffer for %s %s (a 512-byte "
			 "query was answered in %.1f ms)", o->wait_ms, FW_EDNS_BUFSIZE,
			 o->dns_name, o->dns_type, small.ms);
	} else if (!ok_big) {
		char d[160];

		describe(f->family, &big, d, sizeof(d));
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence), "%s, not a DNS answer", d);
	} else if (a.tc) {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence),
			 "%s truncates (TC) with a %d-byte buffer: %zu bytes", f->text,
			 FW_EDNS_BUFSIZE, big.dlen);
	} else if (big.dlen <= V6FIX_EDNS_SAFE_SIZE) {
		r.v = V_NA;
		snprintf(r.evidence, sizeof(r.evidence),
			 "the answer has %zu bytes, not more than %d: %s %s is too small",
			 big.dlen, V6FIX_EDNS_SAFE_SIZE, o->dns_name, o->dns_type);
	} else {
		r.v = V_PASSES;
		snprintf(r.evidence, sizeof(r.evidence),
			 "%zu-byte answer (%s, %u records, EDNS0 size %u) from %s", big.dlen,
			 v6fix_edns_rcode_name(a.rcode), a.ancount, a.udp_size, f->text);
	}
	report(f->family, "edns0", &r);
	return r.v == V_FILTERED;
}

static void parse(int argc, char **argv, struct fw_opts *o)
{
	*o = (struct fw_opts){
		.family = AF_UNSPEC, .dns_name = FW_DNS_NAME_DEFAULT,
		.dns_type = FW_DNS_TYPE_DEFAULT, .plen6 = 64, .plen4 = 24,
		.port = FW_PORT_DEFAULT, .wait_ms = FW_WAIT_DEFAULT_MS, .nd_ms = FW_ND_DEFAULT_MS,
	};
	for (; argc > 0; argc--, argv++) {
		const char *a = argv[0];

#define NEED(what) do { if (argc < 2) v6fix_usage_error("%s needs %s", a, what); \
			argc--, argv++; } while (0)
		if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			int fam = a[1] == '4' ? AF_INET : AF_INET6;

			if (o->family != AF_UNSPEC && o->family != fam)
				v6fix_usage_error("-4 and -6 exclude each other");
			o->family = fam;
		} else if (!strcmp(a, "--dns")) {
			struct in6_addr x;

			NEED("a server address");
			if (inet_pton(AF_INET6, argv[0], &x) != 1 &&
			    inet_pton(AF_INET, argv[0], &x) != 1)
				v6fix_invarg("--dns (a numeric address)", argv[0]);
			if (o->ndns == 2)
				v6fix_usage_error("--dns at most twice (an IPv6 and an IPv4 server)");
			o->dns[o->ndns++] = argv[0];
		} else if (!strcmp(a, "--dns-name")) {
			NEED("a domain name");
			if (!*argv[0] || strlen(argv[0]) > 253)
				v6fix_invarg("--dns-name", argv[0]);
			o->dns_name = argv[0];
		} else if (!strcmp(a, "--dns-type")) {
			NEED("a record type");
			if (!v6fix_edns_type_ok(argv[0]))
				v6fix_invarg("--dns-type (e.g. TXT, A, AAAA, DNSKEY)", argv[0]);
			o->dns_type = argv[0];
		} else if (!strcmp(a, "--prefix-len")) {
			NEED("a length");
			if (v6fix_parse_u32(argv[0], 127, &o->plen6) || o->plen6 == 0)
				v6fix_invarg("--prefix-len (1-127)", argv[0]);
		} else if (!strcmp(a, "--prefix-len4")) {
			NEED("a length");
			if (v6fix_parse_u32(argv[0], 30, &o->plen4) || o->plen4 == 0)
				v6fix_invarg("--prefix-len4 (1-30)", argv[0]);
		} else if (!strcmp(a, "--port")) {
			NEED("a port");
			if (v6fix_parse_u32(argv[0], 65535, &o->port) || o->port == 0)
				v6fix_invarg("--port (1-65535)", argv[0]);
		} else if (!strcmp(a, "--wait")) {
			NEED("a duration in ms");
			if (v6fix_parse_duration_ms(argv[0], 1, &o->wait_ms) || o->wait_ms < 10 ||
			    o->wait_ms > 60e3)
				v6fix_invarg("--wait (10 ms to 60 s)", argv[0]);
		} else if (!strcmp(a, "--nd-wait")) {
			NEED("a duration in ms");
			if (v6fix_parse_duration_ms(argv[0], 1, &o->nd_ms) || o->nd_ms > 60e3)
				v6fix_invarg("--nd-wait (0 to 60 s)", argv[0]);
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			v6fix_opts.json = true;
			print_init(true, stdout);
		} else if (a[0] == '-' && a[1]) {
			v6fix_usage_error("fwcheck: unknown option \"%s\" (try 'v6fix fwcheck help')", a);
		} else if (o->target) {
			v6fix_usage_error("unexpected argument \"%s\"", a);
		} else {
			if (!*a)
				v6fix_invarg("TARGET", a);
			o->target = a;
		}
#undef NEED
	}
	if (!o->target)
		v6fix_usage_error("fwcheck needs a TARGET (try 'v6fix fwcheck help')");
}

/* One job: a family's four tests, or (@dns) the EDNS0 test of a server. */
static void run_job(struct fam *f, bool dns, const struct fw_opts *o)
{
	if (dns) {
		test_edns(o, f);
		return;
	}
	test_port(f, o);
	test_addr(f, o);
	test_ptb(f, o);
	test_te(f, o);
}

int do_fwcheck(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res = NULL, *ai;
	struct fam fams[4];
	int pipes[4];
	pid_t pids[4];
	size_t nf = 0, njobs;
	struct fw_opts o;
	int filtered = 0, err;
	char port[8];

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	parse(argc, argv, &o);
	snprintf(port, sizeof(port), "%u", o.port);
	hints.ai_family = o.family;
	err = getaddrinfo(o.target, port, &hints, &res);
	if (err) {
		v6fix_err("%s: %s", o.target, gai_strerror(err));
		return 1;
	}
	/* The first address of each family, IPv6 first. */
	for (int want = 0; want < 2; want++) {
		int fam = want ? AF_INET : AF_INET6;

		for (ai = res; ai; ai = ai->ai_next) {
			if (ai->ai_family != fam || ai->ai_addrlen > sizeof(fams[0].dst))
				continue;
			memset(&fams[nf], 0, sizeof(fams[nf]));
			fams[nf].family = fam;
			memcpy(&fams[nf].dst, ai->ai_addr, ai->ai_addrlen);
			fams[nf].dlen = ai->ai_addrlen;
			addr_text(&fams[nf].dst, fams[nf].text, sizeof(fams[nf].text));
			nf++;
			break;
		}
	}
	freeaddrinfo(res);
	if (!nf) {
		v6fix_err("%s: no IPv6 or IPv4 address", o.target);
		return 1;
	}

	print_open_object(NULL);
	print_string(PRINT_ANY, "target", "fwcheck %s", o.target);
	print_open_array("addresses");
	for (size_t i = 0; i < nf; i++)
		print_string(PRINT_ANY, NULL, " %s", fams[i].text);
	print_close_array();
	print_open_array("dns");
	for (size_t i = 0; i < o.ndns; i++)
		print_string(PRINT_ANY, NULL, " dns %s", o.dns[i]);
	print_close_array();
	print_text("\n");
	fflush(stdout);
	for (size_t i = 0; i < o.ndns; i++) {
		struct addrinfo dh = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST };
		struct fam *df = &fams[nf + i];

		memset(df, 0, sizeof(*df));
		df->family = AF_UNSPEC;		/* marks a DNS job */
		if (!getaddrinfo(o.dns[i], "53", &dh, &res)) {
			df->family = res->ai_family;
			memcpy(&df->dst, res->ai_addr, res->ai_addrlen);
			df->dlen = res->ai_addrlen;
			addr_text(&df->dst, df->text, sizeof(df->text));
			freeaddrinfo(res);
			set_port(&df->dst, 53);
		}
	}
	njobs = nf + o.ndns;
	for (size_t j = 0; j < njobs; j++) {
		int p[2];

		pipes[j] = -1;
		pids[j] = -1;
		if (j >= nf && fams[j].family == AF_UNSPEC)
			continue;
		if (pipe2(p, O_CLOEXEC) == 0) {
			pids[j] = fork();
			if (pids[j] == 0) {
				close(p[0]);
				record_fd = p[1];
				run_job(&fams[j], j >= nf, &o);
				_exit(0);
			}
			close(p[1]);
			if (pids[j] > 0) {
				pipes[j] = p[0];
				continue;
			}
			close(p[0]);
		}
		run_job(&fams[j], j >= nf, &o);	/* no fork: here, in turn */
	}
	for (size_t j = 0; j < njobs; j++) {
		struct record x;

		if (pipes[j] < 0)
			continue;
		while (read(pipes[j], &x, sizeof(x)) == (ssize_t)sizeof(x))
			if (nrecords < FW_MAX_RECORDS)
				records[nrecords++] = x;
		close(pipes[j]);
		waitpid(pids[j], NULL, 0);
	}

	print_open_array("tests");
	for (size_t i = 0; i < nrecords; i++) {
		print_record(&records[i]);
		filtered += records[i].r.v == V_FILTERED;
	}
	print_close_array();
	print_uint(PRINT_ANY, "filtered", "%llu filtered\n", (unsigned long long)filtered);
	print_close_object();
	print_end();
	return filtered ? 1 : 0;
}
