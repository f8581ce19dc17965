// SPDX-License-Identifier: GPL-2.0
/*
 * icmp-forge: crafted ICMP and ICMPv6 errors at live TCP connection
 * attempts, for netns-tests/vm-reliability.sh. Python is too slow under TCG
 * for 100,000 packets per policy; this sends pre-built Ethernet frames from
 * an AF_PACKET socket (qdisc bypassed) on the router's side of the client's
 * link, so every frame lands in the client's stack as received traffic.
 *
 *   client eth0 ---- SYN ----> IF (AF_PACKET: learn 4-tuple, ISN, MACs)
 *               <--- forged errors (AF_PACKET send on IF)
 *
 * Usage: icmp-forge --iface IF [options] MODE
 *   --learn N          wait for N distinct SYNs to ports --ports LO-HI
 *                      (the attempts under test; they must stay in SYN-SENT)
 *   --others M         and M SYNs to port --other-port P (other sockets:
 *                      established or TIME-WAIT by the time errors come)
 *   --ready FILE       created once IF is watched
 *   --go FILE          after the mode: wait for FILE, then send one correct
 *                      soft error (the ISN) per learnt attempt ("final")
 *   --stop FILE        flood: stop when FILE exists
 *   --seed S           pseudo-random seed (default 5927)
 *   --strict           the policy is not pass: also send errors that only
 *                      v6fix stops from aborting (inner IPv4 version != 4 or
 *                      non-first fragment, outer IPv6 fragments, all quoting
 *                      the ISN); under pass the stock kernel acts on those
 * Modes:
 *   malformed COUNT    COUNT errors, families alternating, cycling through
 *                      every malformation below; then prints what the
 *                      module must count
 *   spoof COUNT        errors quoting a learnt attempt with a wrong sequence
 *                      number (ISN+1, ISN-1, ISN+2, ISN^2^31, random) or
 *                      the ISN with wrong ports: never an abort
 *   flood SECONDS      ICMPv6 soft errors as fast as possible at every SYN
 *                      seen (to the ports or the other port), wrong sequence
 *                      numbers or wrong ports only, until --stop or SECONDS
 *
 * Output (stdout): "learnt FAM SRC SPORT DST DPORT ISN" per SYN; then
 * "expect FAM:TYPE:CODE:ACTION=N" for every counter the module must show,
 * "chaos FAM N" (random bit flips or bytes: any ignored-* action or none),
 * "sent FAM N", "rate PPS", and "flooded" once the mode is done; "final N"
 * after --go; flood prints "flooding" once it has a first SYN to quote.
 * Exit 0, or 1 on error (learning timed out, a send failed).
 *
 * Malformations (each states the module's verdict; "none" = not counted):
 *   truncated at every offset of the ICMP message (none / malformed, the
 *   ISN as far as it is present; spoofed once complete, with a wrong one);
 *   IPv6 extension-header chains in the quote: complete (spoofed), cut
 *   anywhere (malformed), ending in No Next Header (malformed); inner
 *   fragments: first (spoofed), later (none: no TCP header); wrong inner
 *   protocol with the ISN and ports (none); bad ICMP checksum with the ISN
 *   (malformed); bogus inner lengths (spoofed); outer length too long
 *   (none: IP drops it) or too short (truncated); bad outer IPv4 header
 *   checksum (none); IPv4 quote IHL < 5 (malformed), with options
 *   (spoofed); outer IPv6 extension headers / IPv4 options (spoofed); ports
 *   nobody uses, with the ISN (no-socket); other sockets (not-syn-sent);
 *   hard errors (none); random bit flips and random bytes (chaos).
 *
 * C11, no dependencies; build: make (build/netns-tests/icmp-forge).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 4096
#define FRAME_MAX 1600

struct conn {
	int fam;			/* 4 or 6 */
	uint8_t src[16], dst[16];	/* the SYN's: client, remote */
	uint16_t sport, dport;
	uint32_t isn;
};

/* What the module must do with one forged packet. */
enum exp { E_NONE, E_MALFORMED, E_SPOOFED, E_NOSOCK, E_NOTSYN, E_CHAOS, E_NR };
static const char *const exp_name[E_NR] = {
	[E_MALFORMED] = "ignored-malformed",
	[E_SPOOFED] = "ignored-spoofed",
	[E_NOSOCK] = "ignored-no-socket",
	[E_NOTSYN] = "ignored-not-syn-sent",
};

static int fd = -1, ifindex;
static uint8_t cmac[6], rmac[6];
static bool have_mac;
static struct conn targets[MAX_CONN], others[MAX_CONN];
static int ntargets, nothers;
static uint64_t rng_state = 5927;
static bool strict;
static uint64_t sent[2];		/* [0] IPv4, [1] IPv6 */
static uint64_t chaos[2];
/* expected[fam6][type][code][exp] */
static uint64_t expected[2][256][256][E_NR];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("icmp-forge: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from --seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* --- the quoted packet ------------------------------------------------------ */

/* A TCP header as the client sent it (20 bytes), with the given fields. */
static void tcp_hdr(uint8_t *t, uint16_t sport, uint16_t dport, uint32_t seq)
{
	memset(t, 0, 20);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	t[12] = 5 << 4;
	t[13] = 0x02;		/* SYN */
	put16(t + 14, 64240);
}

/* IPv6 header of the quote; payload length and next header as given. */
static void ip6_hdr(uint8_t *h, const uint8_t *src, const uint8_t *dst,
		    uint16_t plen, uint8_t nh, uint8_t hlim)
{
	memset(h, 0, 40);
	h[0] = 0x60;
	put16(h + 4, plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}

static void ip4_hdr(uint8_t *h, const uint8_t *src, const uint8_t *dst,
		    uint16_t totlen, uint8_t proto, uint8_t ttl, int ihl)
{
	memset(h, 0, (size_t)ihl * 4);
	h[0] = (uint8_t)(0x40 | ihl);
	put16(h + 2, totlen);
	put16(h + 4, (uint16_t)rnd());
	put16(h + 6, 0x4000);	/* DF */
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	/* Options, if any: NOPs. */
	memset(h + 20, 1, (size_t)ihl * 4 - 20);
}

static void ip4_csum(uint8_t *h)
{
	int hl = (h[0] & 15) * 4;

	h[10] = h[11] = 0;
	put16(h + 10, fold(sum16(h, (size_t)hl, 0)));
}

/* --- the frame ---------------------------------------------------------------- */

static uint8_t frame[FRAME_MAX];

static void send_frame(size_t len)
{
	for (;;) {
		if (send(fd, frame, len, 0) == (ssize_t)len)
			return;
		if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			poll(&p, 1, 10);
			continue;
		}
		die("send: %s", strerror(errno));
	}
}

static size_t eth(uint16_t type)
{
	memcpy(frame, cmac, 6);
	memcpy(frame + 6, rmac, 6);
	put16(frame + 12, type);
	return 14;
}

/*
 * One ICMPv6 error to the client: outer IPv6 header (from the quote's
 * destination to its source), @oext bytes of outer extension headers (a
 * hop-by-hop header with PadN), the ICMPv6 header and @msg (the quote) cut
 * to @msglen bytes of ICMP message. @plen_delta skews the outer payload
 * length; @badsum breaks the checksum.
 */
static void send6(const struct conn *c, uint8_t type, uint8_t code,
		  const uint8_t *quote, size_t qlen, size_t msglen,
		  bool oext, int plen_delta, bool badsum)
{
	size_t off = eth(0x86dd), ip = off, ext = oext ? 8 : 0, icmp;
	uint8_t *m;
	uint32_t s;

	if (msglen > 8 + qlen)
		msglen = 8 + qlen;
	ip6_hdr(frame + ip, c->dst, c->src, (uint16_t)(ext + msglen + plen_delta),
		oext ? 0 : 58, 64);
	off += 40;
	if (oext) {
		uint8_t *h = frame + off;

		h[0] = 58;
		h[1] = 0;
		h[2] = 1;	/* PadN, 4 bytes */
		h[3] = 4;
		memset(h + 4, 0, 4);
		off += 8;
	}
	icmp = off;
	m = frame + icmp;
	memset(m, 0, 8);
	m[0] = type;
	m[1] = code;
	if (type == 2)
		put32(m + 4, 1280);	/* Packet Too Big: an MTU */
	memcpy(m + 8, quote, qlen);
	/* Checksum over what is sent: pseudo-header, then the message. */
	if (msglen >= 4) {
		s = sum16(frame + ip + 8, 32, 0);
		s += (uint32_t)msglen;
		s += 58;
		s = sum16(m, msglen, s);
		put16(m + 2, fold(s) ^ (badsum ? 0x5555 : 0));
	}
	send_frame(icmp + msglen);
}

/*
 * The same message split into two outer IPv6 fragments (48 bytes of ICMP
 * message in the first): the hook sees neither whole.
 */
static void send6_frag(const struct conn *c, uint8_t type, uint8_t code,
		       const uint8_t *quote, size_t qlen)
{
	uint8_t msg[FRAME_MAX];
	size_t msglen = 8 + qlen, first = 48, off;
	uint32_t s, id = rnd();
	uint8_t pseudo[40];
	int part;

	memset(msg, 0, 8);
	msg[0] = type;
	msg[1] = code;
	memcpy(msg + 8, quote, qlen);
	ip6_hdr(pseudo, c->dst, c->src, 0, 0, 0);
	s = sum16(pseudo + 8, 32, 0) + (uint32_t)msglen + 58;
	put16(msg + 2, fold(sum16(msg, msglen, s)));

	for (part = 0; part < 2; part++) {
		size_t from = part ? first : 0, n = part ? msglen - first : first;

		off = eth(0x86dd);
		ip6_hdr(frame + off, c->dst, c->src, (uint16_t)(8 + n), 44, 64);
		off += 40;
		frame[off] = 58;
		frame[off + 1] = 0;
		put16(frame + off + 2, (uint16_t)((from / 8) << 3 | (part ? 0 : 1)));
		put32(frame + off + 4, id);
		off += 8;
		memcpy(frame + off, msg + from, n);
		send_frame(off + n);
	}
}

/* One ICMP error; @ooptions: outer IPv4 options; length skew; checksums. */
static void send4(const struct conn *c, uint8_t type, uint8_t code,
		  const uint8_t *quote, size_t qlen, size_t msglen,
		  bool ooptions, int totlen_delta, bool badsum, bool badipsum)
{
	size_t off = eth(0x0800), ip = off;
	int ihl = ooptions ? 6 : 5;
	uint8_t *m;

	if (msglen > 8 + qlen)
		msglen = 8 + qlen;
	ip4_hdr(frame + ip, c->dst, c->src,
		(uint16_t)(ihl * 4 + (int)msglen + totlen_delta), 1, 64, ihl);
	ip4_csum(frame + ip);
	if (badipsum)
		frame[ip + 10] ^= 0x55;
	off += (size_t)ihl * 4;
	m = frame + off;
	memset(m, 0, 8);
	m[0] = type;
	m[1] = code;
	if (type == 12)
		m[4] = 20;	/* Parameter Problem: a pointer */
	memcpy(m + 8, quote, qlen);
	if (msglen >= 4)
		put16(m + 2, fold(sum16(m, msglen, 0)) ^ (badsum ? 0x5555 : 0));
	send_frame(off + msglen);
}

/* --- soft and hard errors (kmod/policy.c) -------------------------------------- */

static const uint8_t soft6[][2] = { {1, 0}, {1, 2}, {1, 3}, {3, 0}, {3, 1} };
static const uint8_t soft4[][2] = {
	{3, 0}, {3, 1}, {3, 5}, {3, 11}, {3, 12}, {11, 0},
};
static const uint8_t hard6[][2] = {
	{1, 1}, {1, 4}, {1, 5}, {1, 6}, {1, 7}, {2, 0}, {4, 0}, {4, 1}, {4, 2},
};
static const uint8_t hard4[][2] = {
	{3, 2}, {3, 3}, {3, 4}, {3, 9}, {3, 10}, {3, 13}, {4, 0}, {11, 1},
	{12, 0}, {12, 1}, {12, 2}, {12, 3},
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void pick(const struct conn *c, bool hard, uint8_t *type, uint8_t *code)
{
	const uint8_t (*t)[2];
	size_t n;

	if (c->fam == 6) {
		t = hard ? hard6 : soft6;
		n = hard ? N(hard6) : N(soft6);
	} else {
		t = hard ? hard4 : soft4;
		n = hard ? N(hard4) : N(soft4);
	}
	n = rnd_below((uint32_t)n);
	*type = t[n][0];
	*code = t[n][1];
}

static void expect(const struct conn *c, uint8_t type, uint8_t code, enum exp e)
{
	int f = c->fam == 6;

	sent[f]++;
	if (e == E_CHAOS)
		chaos[f]++;
	else if (e != E_NONE)
		expected[f][type][code][e]++;
}

/* A sequence number outside [ISN, ISN + 1] that few bit flips cannot reach. */
static uint32_t far_seq(const struct conn *c)
{
	return ~c->isn;
}

/* --- malformed: one packet of kind @k at attempt @c ---------------------------- */

enum { K6_TRUNC, K6_EXT_OK, K6_EXT_CUT, K6_EXT_NONE, K6_OTHER_PROTO,
	K6_FRAG_FIRST, K6_FRAG_LATER, K6_BADSUM, K6_BADLEN_INNER,
	K6_OUTER_LONG, K6_OUTER_SHORT, K6_NOSOCK, K6_OTHER_SOCK, K6_HARD,
	K6_OUTER_EXT, K6_CHAOS_FLIP, K6_CHAOS_RANDOM, K6_OUTER_FRAG, K6_NR };

enum { K4_TRUNC, K4_OPTIONS, K4_BAD_IHL, K4_FRAG_FIRST, K4_OTHER_PROTO,
	K4_BADSUM, K4_BADLEN_INNER, K4_OUTER_LONG, K4_OUTER_SHORT,
	K4_OUTER_BADIPSUM, K4_NOSOCK, K4_OTHER_SOCK, K4_HARD, K4_OUTER_OPTS,
	K4_CHAOS_FLIP, K4_CHAOS_RANDOM, K4_VERSION, K4_FRAG_LATER, K4_NR };

/* The kinds that only v6fix keeps from aborting (--strict) come last. */
#define K6_LOOSE_NR K6_OUTER_FRAG
#define K4_LOOSE_NR K4_VERSION

static unsigned int trunc6, trunc4;

/* Truncated at @len bytes of ICMPv6 message: what the hook makes of it. */
static enum exp trunc6_exp(size_t len)
{
	if (len < 8)
		return E_NONE;		/* no ICMPv6 header */
	if (len < 8 + 40 + 8)
		return E_MALFORMED;	/* no IPv6 header or no 8 bytes of TCP */
	return E_SPOOFED;
}

static enum exp trunc4_exp(size_t len)
{
	if (len < 8)
		return E_NONE;
	if (len < 8 + 20 + 8)
		return E_MALFORMED;
	return E_SPOOFED;
}

static void flip_bits(uint8_t *q, size_t n)
{
	int i, k = 1 + (int)rnd_below(4);

	for (i = 0; i < k; i++) {
		size_t j = rnd_below((uint32_t)n);

		q[j] ^= (uint8_t)(1u << rnd_below(8));
	}
}

static const uint8_t other_protos6[] = { 17, 58, 132, 50, 47 };
static const uint8_t other_protos4[] = { 17, 1, 132, 50, 47 };

/* One of the other sockets of family @fam, or NULL. */
static const struct conn *other_of(int fam)
{
	int i, start = nothers ? (int)rnd_below((uint32_t)nothers) : 0;

	for (i = 0; i < nothers; i++)
		if (others[(start + i) % nothers].fam == fam)
			return &others[(start + i) % nothers];
	return NULL;
}

static void malformed6(const struct conn *c, int k)
{
	uint8_t q[512], type, code;
	size_t ql, len, i, nhoff;
	const struct conn *o;
	uint32_t seq;
	int n;

	pick(c, false, &type, &code);
	switch (k) {
	case K6_TRUNC:
		/* Every offset of the 8 + 60 byte message, in turn. */
		len = trunc6++ % 68;
		seq = len < 56 ? c->isn : far_seq(c);
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, seq);
		send6(c, type, code, q, 60, len, false, 0, false);
		expect(c, type, code, trunc6_exp(len));
		return;
	case K6_EXT_OK:
	case K6_EXT_CUT:
	case K6_EXT_NONE:
		/* 1..8 extension headers: hop-by-hop, routing, destination
		 * options (8 or 16 bytes), authentication (8 or 16). */
		n = 1 + (int)rnd_below(8);
		ql = 40;
		nhoff = 6;
		for (i = 0; i < (size_t)n; i++) {
			static const uint8_t types[] = { 0, 43, 60, 51 };
			uint8_t t = types[rnd_below(4)];
			bool big = rnd() & 1;
			size_t hl = big ? 16 : 8;

			q[nhoff] = t;
			memset(q + ql, 0, hl);
			q[ql + 1] = t == 51 ? (big ? 2 : 0) : (big ? 1 : 0);
			if (t == 0 || t == 60) {
				q[ql + 2] = 1;	/* PadN */
				q[ql + 3] = (uint8_t)(hl - 4);
			}
			nhoff = ql;
			ql += hl;
		}
		ip6_hdr(q, c->src, c->dst, (uint16_t)(ql - 40 + 20), q[6], 63);
		if (k == K6_EXT_NONE) {
			q[nhoff] = 59;
			tcp_hdr(q + ql, c->sport, c->dport, c->isn);
			ql += 20;
			send6(c, type, code, q, ql, 8 + ql, false, 0, false);
			expect(c, type, code, E_MALFORMED);
			return;
		}
		q[nhoff] = 6;
		if (k == K6_EXT_OK) {
			tcp_hdr(q + ql, c->sport, c->dport, far_seq(c));
			ql += 20;
			send6(c, type, code, q, ql, 8 + ql, false, 0, false);
			expect(c, type, code, E_SPOOFED);
			return;
		}
		/* Cut anywhere from the end of the IPv6 header to the 8th
		 * byte of TCP: the ISN, as far as it is there. */
		tcp_hdr(q + ql, c->sport, c->dport, c->isn);
		len = 40 + rnd_below((uint32_t)(ql - 40 + 8));
		send6(c, type, code, q, ql + 20, 8 + len, false, 0, false);
		expect(c, type, code, E_MALFORMED);
		return;
	case K6_OTHER_PROTO:
		/* UDP, ICMPv6, SCTP, ESP, GRE with the attempt's ports and
		 * ISN where TCP's would be: none of TCP's business. */
		ip6_hdr(q, c->src, c->dst, 20,
			other_protos6[rnd_below(N(other_protos6))], 63);
		tcp_hdr(q + 40, c->sport, c->dport, c->isn);
		send6(c, type, code, q, 60, 68, false, 0, false);
		expect(c, type, code, E_NONE);
		return;
	case K6_FRAG_FIRST:
	case K6_FRAG_LATER:
		ip6_hdr(q, c->src, c->dst, 28, 44, 63);
		q[40] = 6;
		q[41] = 0;
		put16(q + 42, k == K6_FRAG_FIRST ? 1 :
		      (uint16_t)((1 + rnd_below(8190)) << 3 | (rnd() & 1)));
		put32(q + 44, rnd());
		tcp_hdr(q + 48, c->sport, c->dport,
			k == K6_FRAG_FIRST ? far_seq(c) : c->isn);
		send6(c, type, code, q, 68, 76, false, 0, false);
		/* A later fragment: ipv6_skip_exthdr() stops at its header,
		 * so the quote is not TCP (nor for icmpv6_notify()). */
		expect(c, type, code, k == K6_FRAG_FIRST ? E_SPOOFED : E_NONE);
		return;
	case K6_BADSUM:
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, c->isn);
		send6(c, type, code, q, 60, 68, false, 0, true);
		expect(c, type, code, E_MALFORMED);
		return;
	case K6_BADLEN_INNER: {
		static const uint16_t lens[] = { 0, 1, 19, 21, 0xffff };

		ip6_hdr(q, c->src, c->dst, lens[rnd_below(N(lens))], 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, far_seq(c));
		send6(c, type, code, q, 60, 68, false, 0, false);
		expect(c, type, code, E_SPOOFED);
		return;
	}
	case K6_OUTER_LONG:
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, c->isn);
		send6(c, type, code, q, 60, 68, false, 1 + (int)rnd_below(200), false);
		expect(c, type, code, E_NONE);	/* ipv6_rcv() drops it */
		return;
	case K6_OUTER_SHORT:
		/* The stack trims the frame to the payload length. */
		len = rnd_below(56);
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, c->isn);
		send6(c, type, code, q, 60, 68, false, (int)len - 68, false);
		expect(c, type, code, trunc6_exp(len));
		return;
	case K6_NOSOCK:
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		if (rnd() & 1)
			tcp_hdr(q + 40, c->sport ^ 0x8000, c->dport, c->isn);
		else
			tcp_hdr(q + 40, c->sport, (uint16_t)(c->dport + 5000), c->isn);
		send6(c, type, code, q, 60, 68, false, 0, false);
		expect(c, type, code, E_NOSOCK);
		return;
	case K6_OTHER_SOCK:
		o = other_of(6);
		if (!o) {
			malformed6(c, K6_NOSOCK);
			return;
		}
		ip6_hdr(q, o->src, o->dst, 20, 6, 63);
		tcp_hdr(q + 40, o->sport, o->dport, far_seq(o));
		send6(o, type, code, q, 60, 68, false, 0, false);
		expect(o, type, code, E_NOTSYN);
		return;
	case K6_HARD:
		pick(c, true, &type, &code);
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, far_seq(c));
		send6(c, type, code, q, 60, 68, false, 0, false);
		expect(c, type, code, E_NONE);
		return;
	case K6_OUTER_EXT:
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, far_seq(c));
		send6(c, type, code, q, 60, 68, true, 0, false);
		expect(c, type, code, E_SPOOFED);
		return;
	case K6_CHAOS_FLIP:
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, far_seq(c));
		flip_bits(q, 60);
		send6(c, type, code, q, 60, 68, false, 0, false);
		expect(c, type, code, E_CHAOS);
		return;
	case K6_CHAOS_RANDOM:
		ql = rnd_below(101);
		for (i = 0; i < ql; i++)
			q[i] = (uint8_t)rnd();
		send6(c, type, code, q, ql, 8 + ql, false, 0, false);
		expect(c, type, code, E_CHAOS);
		return;
	case K6_OUTER_FRAG:
		/* The whole error is never seen by the hook: without
		 * conntrack, IPv6 reassembles after LOCAL_IN. */
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, c->isn);
		send6_frag(c, type, code, q, 60);
		expect(c, type, code, E_MALFORMED);
		return;
	}
}

static void malformed4(const struct conn *c, int k)
{
	uint8_t q[512], type, code;
	size_t len, i;
	const struct conn *o;
	int ihl;

	pick(c, false, &type, &code);
	switch (k) {
	case K4_TRUNC:
		len = trunc4++ % 48;
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, len < 36 ? c->isn : far_seq(c));
		send4(c, type, code, q, 40, len, false, 0, false, false);
		expect(c, type, code, trunc4_exp(len));
		return;
	case K4_OPTIONS:
		ihl = 6 + (int)rnd_below(10);
		ip4_hdr(q, c->src, c->dst, (uint16_t)(ihl * 4 + 20), 6, 63, ihl);
		tcp_hdr(q + ihl * 4, c->sport, c->dport, far_seq(c));
		send4(c, type, code, q, (size_t)ihl * 4 + 20, 8 + (size_t)ihl * 4 + 20,
		      false, 0, false, false);
		expect(c, type, code, E_SPOOFED);
		return;
	case K4_BAD_IHL:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		q[0] = (uint8_t)(0x40 | rnd_below(5));
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, E_MALFORMED);
		return;
	case K4_VERSION:
	case K4_FRAG_LATER:
	case K4_FRAG_FIRST:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		if (k == K4_VERSION) {
			static const uint8_t v[] = { 0, 1, 5, 6, 15 };

			q[0] = (uint8_t)(v[rnd_below(N(v))] << 4 | 5);
		} else if (k == K4_FRAG_LATER) {
			put16(q + 6, (uint16_t)((1 + rnd_below(8190)) | (rnd() & 0x2000)));
		} else {
			put16(q + 6, 0x2000);	/* MF, offset 0 */
		}
		tcp_hdr(q + 20, c->sport, c->dport, k == K4_FRAG_FIRST ? far_seq(c) : c->isn);
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, k == K4_FRAG_FIRST ? E_SPOOFED : E_MALFORMED);
		return;
	case K4_OTHER_PROTO:
		ip4_hdr(q, c->src, c->dst, 40,
			other_protos4[rnd_below(N(other_protos4))], 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, E_NONE);
		return;
	case K4_BADSUM:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, type, code, q, 40, 48, false, 0, true, false);
		expect(c, type, code, E_MALFORMED);
		return;
	case K4_BADLEN_INNER: {
		static const uint16_t lens[] = { 0, 1, 20, 39, 41, 0xffff };

		ip4_hdr(q, c->src, c->dst, lens[rnd_below(N(lens))], 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, far_seq(c));
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, E_SPOOFED);
		return;
	}
	case K4_OUTER_LONG:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, type, code, q, 40, 48, false, 1 + (int)rnd_below(200), false, false);
		expect(c, type, code, E_NONE);	/* ip_rcv() drops it */
		return;
	case K4_OUTER_SHORT:
		len = rnd_below(36);
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, type, code, q, 40, 48, false, (int)len - 48, false, false);
		expect(c, type, code, trunc4_exp(len));
		return;
	case K4_OUTER_BADIPSUM:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, type, code, q, 40, 48, false, 0, false, true);
		expect(c, type, code, E_NONE);
		return;
	case K4_NOSOCK:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		if (rnd() & 1)
			tcp_hdr(q + 20, c->sport ^ 0x8000, c->dport, c->isn);
		else
			tcp_hdr(q + 20, c->sport, (uint16_t)(c->dport + 5000), c->isn);
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, E_NOSOCK);
		return;
	case K4_OTHER_SOCK:
		o = other_of(4);
		if (!o) {
			malformed4(c, K4_NOSOCK);
			return;
		}
		ip4_hdr(q, o->src, o->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, o->sport, o->dport, far_seq(o));
		send4(o, type, code, q, 40, 48, false, 0, false, false);
		expect(o, type, code, E_NOTSYN);
		return;
	case K4_HARD:
		pick(c, true, &type, &code);
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, far_seq(c));
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, E_NONE);
		return;
	case K4_OUTER_OPTS:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, far_seq(c));
		send4(c, type, code, q, 40, 48, true, 0, false, false);
		expect(c, type, code, E_SPOOFED);
		return;
	case K4_CHAOS_FLIP:
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, far_seq(c));
		flip_bits(q, 40);
		send4(c, type, code, q, 40, 48, false, 0, false, false);
		expect(c, type, code, E_CHAOS);
		return;
	case K4_CHAOS_RANDOM:
		len = rnd_below(101);
		for (i = 0; i < len; i++)
			q[i] = (uint8_t)rnd();
		send4(c, type, code, q, len, 8 + len, false, 0, false, false);
		expect(c, type, code, E_CHAOS);
		return;
	}
}

/* --- spoofed: right 4-tuple and wrong sequence number, or the reverse ---------- */

static void spoof_one(const struct conn *c, unsigned int i)
{
	uint8_t q[64], type, code;
	uint16_t sport = c->sport, dport = c->dport;
	uint32_t seq = c->isn;
	enum exp e = E_SPOOFED;

	pick(c, false, &type, &code);
	switch (i % 8) {
	case 0: seq = c->isn + 1; break;	/* the stack itself accepts it */
	case 1: seq = c->isn - 1; break;
	case 2: seq = c->isn + 2; break;
	case 3: seq = c->isn ^ 0x80000000u; break;
	case 4:
		do
			seq = rnd();
		while (seq - c->isn <= 1);
		break;
	case 5: sport ^= 0x8000; e = E_NOSOCK; break;
	case 6: dport = (uint16_t)(dport + 5000); e = E_NOSOCK; break;
	case 7: sport = c->dport; dport = c->sport; e = E_NOSOCK; break;
	}
	if (c->fam == 6) {
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, sport, dport, seq);
		send6(c, type, code, q, 60, 68, false, 0, false);
	} else {
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, sport, dport, seq);
		send4(c, type, code, q, 40, 48, false, 0, false, false);
	}
	expect(c, type, code, e);
}

/* The correct error: the ISN, the ports, a soft ENETUNREACH. */
static void final_one(const struct conn *c)
{
	uint8_t q[64];

	if (c->fam == 6) {
		ip6_hdr(q, c->src, c->dst, 20, 6, 63);
		tcp_hdr(q + 40, c->sport, c->dport, c->isn);
		send6(c, 1, 0, q, 60, 68, false, 0, false);
	} else {
		ip4_hdr(q, c->src, c->dst, 40, 6, 63, 5);
		tcp_hdr(q + 20, c->sport, c->dport, c->isn);
		send4(c, 3, 0, q, 40, 48, false, 0, false, false);
	}
}

/* --- learning SYNs ------------------------------------------------------------- */

static int port_lo = 2000, port_hi = 2999, other_port = -1;

/* Parse one received frame; a SYN to a watched port fills *c. */
static bool parse_syn(const uint8_t *f, size_t n, struct conn *c)
{
	const uint8_t *t;
	uint16_t et;

	if (n < 14)
		return false;
	et = (uint16_t)(f[12] << 8 | f[13]);
	f += 14;
	n -= 14;
	memset(c, 0, sizeof(*c));
	if (et == 0x86dd && n >= 60 && f[6] == 6) {
		c->fam = 6;
		memcpy(c->src, f + 8, 16);
		memcpy(c->dst, f + 24, 16);
		t = f + 40;
	} else if (et == 0x0800 && n >= 40 && f[9] == 6 && (f[0] & 15) == 5) {
		c->fam = 4;
		memcpy(c->src, f + 12, 4);
		memcpy(c->dst, f + 16, 4);
		t = f + 20;
	} else {
		return false;
	}
	if ((t[13] & 0x12) != 0x02)	/* SYN without ACK */
		return false;
	c->sport = (uint16_t)(t[0] << 8 | t[1]);
	c->dport = (uint16_t)(t[2] << 8 | t[3]);
	c->isn = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	return true;
}

static bool same(const struct conn *a, const struct conn *b)
{
	return a->fam == b->fam && a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16);
}

static void print_conn(const char *what, const struct conn *c)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = c->fam == 6 ? AF_INET6 : AF_INET;

	inet_ntop(af, c->src, s, sizeof(s));
	inet_ntop(af, c->dst, d, sizeof(d));
	printf("%s %d %s %u %s %u %u\n", what, c->fam, s, c->sport, d, c->dport, c->isn);
	fflush(stdout);
}

/*
 * Read one frame, waiting at most @ms; returns 1 and fills *c for a new SYN
 * to a watched port (*other: to --other-port), 0 otherwise.
 */
static int read_syn(int ms, struct conn *c, bool *other)
{
	uint8_t f[FRAME_MAX];
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int i;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = recvfrom(fd, f, sizeof(f), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
		return 0;
	if (!parse_syn(f, (size_t)n, c))
		return 0;
	if (!have_mac) {
		memcpy(cmac, f + 6, 6);
		memcpy(rmac, f, 6);
		have_mac = true;
	}
	*other = c->dport == other_port;
	if (!*other && (c->dport < port_lo || c->dport > port_hi))
		return 0;
	for (i = 0; i < ntargets; i++)
		if (same(&targets[i], c))
			return 0;
	for (i = 0; i < nothers; i++)
		if (same(&others[i], c))
			return 0;
	return 1;
}

static void learn(int want, int want_others)
{
	double end = now() + 60;
	struct conn c;
	bool other;

	while (ntargets < want || nothers < want_others) {
		if (now() > end)
			die("learnt %d of %d attempts and %d of %d others in 60 s",
			    ntargets, want, nothers, want_others);
		if (read_syn(100, &c, &other) != 1)
			continue;
		if (other && nothers < want_others) {
			others[nothers++] = c;
			print_conn("other", &c);
		} else if (!other && ntargets < want) {
			targets[ntargets++] = c;
			print_conn("learnt", &c);
		}
	}
}

/* --- flood ------------------------------------------------------------------------ */

static bool exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

static void flood(double seconds, const char *stop)
{
	struct conn ring[256], c;
	unsigned int nring = 0, i = 0;
	double end = now() + seconds;
	bool other;
	uint8_t q[64], type, code;

	bool started = false;

	for (;;) {
		if (nring && !started) {
			printf("flooding\n");
			fflush(stdout);
			started = true;
		}
		/* Take every SYN that came meanwhile. */
		while (read_syn(0, &c, &other) == 1)
			if (c.fam == 6)
				ring[nring++ % 256] = c;
		if (nring == 0) {
			if (now() > end || exists(stop))
				break;
			if (read_syn(50, &c, &other) == 1 && c.fam == 6)
				ring[nring++ % 256] = c;
			continue;
		}
		for (int b = 0; b < 64; b++, i++) {
			const struct conn *t = &ring[rnd_below(nring < 256 ? nring : 256)];
			uint16_t sp = t->sport;

			pick(t, false, &type, &code);
			ip6_hdr(q, t->src, t->dst, 20, 6, 63);
			/* Wrong sequence numbers, or wrong ports: never the
			 * stock kernel's window [ISN, ISN + 1] either. */
			if (i % 4 == 3)
				sp ^= 0x8000;
			tcp_hdr(q + 40, sp, t->dport, i % 4 == 3 ? t->isn : far_seq(t) - (i & 0xff));
			send6(t, type, code, q, 60, 68, false, 0, false);
			sent[1]++;
		}
		if (now() > end || exists(stop))
			break;
	}
}

int main(int argc, char **argv)
{
	const char *iface = NULL, *ready = NULL, *go = NULL, *stop = NULL, *mode;
	int learn_n = 0, others_n = 0, one = 1, i, f;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	double t0, t1;
	unsigned long count;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--strict")) {
			strict = true;
			continue;
		}
		if (!v)
			die("%s needs a value", a);
		i++;
		if (!strcmp(a, "--iface"))
			iface = v;
		else if (!strcmp(a, "--learn"))
			learn_n = atoi(v);
		else if (!strcmp(a, "--others"))
			others_n = atoi(v);
		else if (!strcmp(a, "--ports")) {
			if (sscanf(v, "%d-%d", &port_lo, &port_hi) != 2)
				die("--ports LO-HI");
		} else if (!strcmp(a, "--other-port"))
			other_port = atoi(v);
		else if (!strcmp(a, "--ready"))
			ready = v;
		else if (!strcmp(a, "--go"))
			go = v;
		else if (!strcmp(a, "--stop"))
			stop = v;
		else if (!strcmp(a, "--seed"))
			rng_state = strtoull(v, NULL, 0) | 1;
		else
			die("unknown option %s", a);
	}
	if (!iface || i + 2 != argc)
		die("usage: icmp-forge --iface IF [options] malformed|spoof|flood N (see the source)");
	mode = argv[i];
	count = strtoul(argv[i + 1], NULL, 0);
	if (learn_n > MAX_CONN || others_n > MAX_CONN)
		die("at most %d connections", MAX_CONN);

	ifindex = (int)if_nametoindex(iface);
	if (!ifindex)
		die("no interface %s", iface);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("AF_PACKET socket: %s", strerror(errno));
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind %s: %s", iface, strerror(errno));
	/* Straight to the device: no qdisc (netem) to queue or drop. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (ready) {
		FILE *r = fopen(ready, "w");

		if (!r)
			die("%s: %s", ready, strerror(errno));
		fclose(r);
	}

	if (strcmp(mode, "flood"))
		learn(learn_n, others_n);
	t0 = now();
	if (!strcmp(mode, "malformed")) {
		unsigned long n6 = K6_LOOSE_NR, n4 = K4_LOOSE_NR;

		if (strict) {
			n6 = K6_NR;
			n4 = K4_NR;
		}
		/* Each attempt in turn; each gets every kind in turn. */
		for (unsigned long j = 0; j < count; j++) {
			const struct conn *c = &targets[j % (unsigned long)ntargets];
			unsigned long round = j / (unsigned long)ntargets;

			if (c->fam == 6)
				malformed6(c, (int)(round % n6));
			else
				malformed4(c, (int)(round % n4));
		}
	} else if (!strcmp(mode, "spoof")) {
		for (unsigned long j = 0; j < count; j++)
			spoof_one(&targets[j % (unsigned long)ntargets],
				  (unsigned int)(j / (unsigned long)ntargets));
	} else if (!strcmp(mode, "flood")) {
		flood((double)count, stop);
	} else {
		die("unknown mode %s", mode);
	}
	t1 = now();

	for (f = 0; f < 2; f++) {
		const char *fam = f ? "inet6" : "inet";

		for (int t = 0; t < 256; t++)
			for (int c = 0; c < 256; c++)
				for (int e = 0; e < E_NR; e++)
					if (expected[f][t][c][e])
						printf("expect %s:%d:%d:%s=%llu\n", fam, t, c,
						       exp_name[e],
						       (unsigned long long)expected[f][t][c][e]);
		printf("chaos %s %llu\n", fam, (unsigned long long)chaos[f]);
		printf("sent %s %llu\n", fam, (unsigned long long)sent[f]);
	}
	printf("rate %.0f\n", (sent[0] + sent[1]) / (t1 - t0 > 0 ? t1 - t0 : 1e-9));
	printf("flooded\n");
	fflush(stdout);

	if (go) {
		double end = now() + 600;

		while (!exists(go)) {
			if (now() > end)
				die("no %s in 600 s", go);
			usleep(20000);
		}
		for (i = 0; i < ntargets; i++)
			final_one(&targets[i]);
		printf("final %d\n", ntargets);
	}
	return 0;
}
