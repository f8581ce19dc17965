// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix connect: reach HOST PORT the way a dual-stack client does and show
 * every attempt with its timing: the classic sequential loop or Happy
 * Eyeballs v2. getaddrinfo() runs here, after main() entered -n NETNS, so
 * that namespace's /etc/netns/NETNS/hosts and gai.conf apply.
 */
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attempt.h"
#include "he.h"
#include "print.h"
#include "transfer.h"
#include "resolve.h"
#include "resolve_cares.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] connect [ --algo { seq | he | first } ] [ --delay MS ]\n"
		"                                     [ -4 | -6 ] [ --addrconfig ] [ --timeout S ]\n"
		"                                     [ --count N ] [ --transfer BYTES ]\n"
		"                                     [ --resolve { getaddrinfo | rfc8305 | kame } ]\n"
		"                                     [ --resolution-delay MS ] [ --aaaa-only-with-global ]\n"
		"                                     [ -j ] HOST PORT\n"
		"  --algo seq   getaddrinfo(), then a blocking connect() to each address in\n"
		"               turn until one succeeds (the default)\n"
		"  --algo he    Happy Eyeballs v2 (RFC 8305): families interleaved, the next\n"
		"               attempt after the Connection Attempt Delay or at once when one\n"
		"               fails; the first to connect wins, the others are closed\n"
		"  --algo first only the first address getaddrinfo() returns, one blocking\n"
		"               connect(), no fallback (what Asterisk does in most paths)\n"
		"  --delay MS   the Connection Attempt Delay of he (default 250 ms; values below\n"
		"               10 ms are raised to 10 ms, as RFC 8305 section 5 requires)\n"
		"  -4, -6       use only IPv4 or only IPv6 addresses\n"
		"  --addrconfig getaddrinfo() with AI_ADDRCONFIG, as many applications do: no\n"
		"               AAAA query when the host has no IPv6 address (glibc counts\n"
		"               link-local ones)\n"
		"  --timeout S  bound the run from the first attempt's start (name resolution\n"
		"               is not counted; default: no bound); an attempt still running\n"
		"               then ends with ETIME (the kernel's own timeout is ETIMEDOUT)\n"
		"  --count N    do it all N times in a row (1-10000, default 1), one result\n"
		"               each (with -j one JSON object a line): repeated measurements\n"
		"               without a process start each\n"
		"  --transfer BYTES  then send \"GET /BYTES HTTP/1.0\" on the connection and\n"
		"               read the answer (v6fix serve sends BYTES bytes): times of the\n"
		"               first and last byte, body bytes; --timeout bounds it too\n"
		"  --resolve S  how the name is resolved: getaddrinfo (glibc, the default);\n"
		"               rfc8305: A and AAAA at once (c-ares), attempts start when AAAA\n"
		"               answers or the Resolution Delay after A, late addresses join\n"
		"               the race; kame: A, then AAAA, waiting for it at most\n"
		"               max(1 s, 2 x the A query's time), IPv6 first (the seed's 3.4.2)\n"
		"  --resolution-delay MS  rfc8305's Resolution Delay (default 50 ms)\n"
		"  --aaaa-only-with-global  ask for AAAA only when this host has an IPv6\n"
		"               address other than link-local or loopback (the seed's 3.4.1;\n"
		"               its own check of the addresses, not AI_ADDRCONFIG)\n"
		"With rfc8305 and kame, queries lists each query (type, server, sent_ms,\n"
		"answered_ms, rcode, answers: ms from the start of resolution) and resolve\n"
		"is the time until the first attempt; -6 needs --resolve getaddrinfo.\n"
		"Times are ms on CLOCK_MONOTONIC from the start of the first attempt;\n"
		"resolve is getaddrinfo()'s own time, elapsed resolve + total (what a user\n"
		"waits); a failed lookup shows its error and no attempt.\n"
		"Exit status: 0 when an attempt connected (in every run), 1 otherwise\n"
		"(with --transfer: also when the body is incomplete).\n");
}

struct connect_opts {
	bool he;
	bool first;	/* --algo first: the first address only */
	double delay_ms;
	bool delay_set;
	int family;
	double timeout_ms;
	uint32_t count;
	int gai_flags;
	const char *host, *port;
	bool transfer;
	uint64_t transfer_bytes;
	int strategy;		/* enum v6fix_strategy; -1: not given (getaddrinfo) */
	double rd_ms;
	bool rd_set, aaaa_global;
};

static void parse(int argc, char **argv, struct connect_opts *o)
{
	const char *pos[2];
	int npos = 0;

	o->he = false;
	o->first = false;
	o->delay_ms = HE_DEFAULT_DELAY_MS;
	o->delay_set = false;
	o->family = AF_UNSPEC;
	o->timeout_ms = INFINITY;
	o->count = 1;
	o->strategy = -1;
	o->rd_ms = V6FIX_RESOLUTION_DELAY_MS;
	o->rd_set = o->aaaa_global = false;
	o->gai_flags = 0;
	o->transfer = false;

	for (; argc > 0; argc--, argv++) {
		const char *a = argv[0];

		if (!strcmp(a, "--algo")) {
			if (argc < 2)
				v6fix_usage_error("--algo needs seq, he or first");
			argc--, argv++;
			o->he = o->first = false;
			if (!strcmp(argv[0], "seq"))
				o->he = false;
			else if (!strcmp(argv[0], "he"))
				o->he = true;
			else if (!strcmp(argv[0], "first"))
				o->first = true;
			else
				v6fix_invarg("--algo (seq, he or first)", argv[0]);
		} else if (!strcmp(a, "--delay")) {
			if (argc < 2)
				v6fix_usage_error("--delay needs a duration in ms");
			argc--, argv++;
			if (v6fix_parse_duration_ms(argv[0], 1, &o->delay_ms) || o->delay_ms > 3600e3)
				v6fix_invarg("--delay", argv[0]);
			o->delay_set = true;
		} else if (!strcmp(a, "--timeout")) {
			if (argc < 2)
				v6fix_usage_error("--timeout needs a duration in seconds");
			argc--, argv++;
			if (v6fix_parse_duration_ms(argv[0], 1000, &o->timeout_ms) ||
			    o->timeout_ms <= 0 || o->timeout_ms > 86400e3)
				v6fix_invarg("--timeout", argv[0]);
		} else if (!strcmp(a, "--count")) {
			if (argc < 2)
				v6fix_usage_error("--count needs a number of runs");
			argc--, argv++;
			if (v6fix_parse_u32(argv[0], 10000, &o->count) || o->count == 0)
				v6fix_invarg("--count (1-10000)", argv[0]);
		} else if (!strcmp(a, "--resolve")) {
			if (argc < 2)
				v6fix_usage_error("--resolve needs getaddrinfo, rfc8305 or kame");
			argc--, argv++;
			o->strategy = v6fix_strategy_parse(argv[0]);
			if (o->strategy < 0)
				v6fix_invarg("--resolve (getaddrinfo, rfc8305 or kame)", argv[0]);
		} else if (!strcmp(a, "--resolution-delay")) {
			if (argc < 2)
				v6fix_usage_error("--resolution-delay needs a duration in ms");
			argc--, argv++;
			if (v6fix_parse_duration_ms(argv[0], 1, &o->rd_ms) || o->rd_ms > 60e3)
				v6fix_invarg("--resolution-delay (0-60000 ms)", argv[0]);
			o->rd_set = true;
		} else if (!strcmp(a, "--aaaa-only-with-global")) {
			o->aaaa_global = true;
		} else if (!strcmp(a, "--addrconfig")) {
			o->gai_flags |= AI_ADDRCONFIG;
		} else if (!strcmp(a, "--transfer")) {
			uint32_t b;

			if (argc < 2)
				v6fix_usage_error("--transfer needs a number of bytes");
			argc--, argv++;
			if (v6fix_parse_u32(argv[0], UINT32_MAX, &b))
				v6fix_invarg("--transfer (bytes, 0-4294967295)", argv[0]);
			o->transfer = true;
			o->transfer_bytes = b;
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			int f = a[1] == '4' ? AF_INET : AF_INET6;

			if (o->family != AF_UNSPEC && o->family != f)
				v6fix_usage_error("-4 and -6 exclude each other");
			o->family = f;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			/* Global -j is parsed by main; this one may follow the object. */
			v6fix_opts.json = true;
			print_init(true, stdout);
		} else if (!strcmp(a, "--")) {
			for (argc--, argv++; argc > 0; argc--, argv++) {
				if (npos == 2)
					v6fix_usage_error("unexpected argument \"%s\"", argv[0]);
				pos[npos++] = argv[0];
			}
			break;
		} else if (a[0] == '-' && a[1]) {
			v6fix_usage_error("connect: unknown option \"%s\" (try 'v6fix connect help')", a);
		} else {
			if (npos == 2)
				v6fix_usage_error("unexpected argument \"%s\"", a);
			pos[npos++] = a;
		}
	}
	if (npos < 2)
		v6fix_usage_error("connect needs HOST and PORT (try 'v6fix connect help')");
	if (o->delay_set && !o->he)
		v6fix_usage_error("--delay applies to --algo he only");
	if (o->first && o->strategy > V6FIX_RESOLVE_GETADDRINFO)
		v6fix_usage_error("--algo first takes getaddrinfo()'s first address: --resolve getaddrinfo only");
	if (o->rd_set && o->strategy != V6FIX_RESOLVE_RFC8305)
		v6fix_usage_error("--resolution-delay applies to --resolve rfc8305 only");
	if (o->family == AF_INET6 && o->strategy > V6FIX_RESOLVE_GETADDRINFO)
		v6fix_usage_error("-6 needs --resolve getaddrinfo (rfc8305 and kame always ask for A)");
	if (!*pos[0])
		v6fix_invarg("HOST", pos[0]);
	{
		uint32_t port;

		if (v6fix_parse_u32(pos[1], 65535, &port) || port == 0)
			v6fix_invarg("PORT (1-65535)", pos[1]);
	}
	o->host = pos[0];
	o->port = pos[1];
	o->delay_ms = he_clamp_delay(o->delay_ms);
}

static void print_result(const struct v6fix_target *t, const struct he *h,
			 double resolve_ms, const char *resolve_err,
			 const struct v6fix_transfer *x,
			 const struct v6fix_resolve_run *rr, int strategy)
{
	char buf[32];

	print_open_object(NULL);
	if (rr) {
		v6fix_print_queries(rr);
	} else if (strategy == V6FIX_RESOLVE_GETADDRINFO) {
		/* glibc's own queries are not visible from here. */
		print_string(PRINT_ANY, "strategy", "strategy %s\n", "getaddrinfo");
		print_null(PRINT_JSON, "queries", NULL);
	}
	print_open_array("attempts");
	for (size_t i = 0; i < h->n; i++) {
		const struct he_attempt *a = &h->att[i];

		if (a->state == HE_PENDING)
			continue;
		print_open_object(NULL);
		print_string(PRINT_ANY, "family", "attempt %-5s", v6fix_family_name(t[i].family));
		print_string(PRINT_ANY, "address", " %s", t[i].text);
		print_float(PRINT_ANY, "start_ms", " start %.1f ms", 1, a->start_ms);
		print_float(PRINT_ANY, "end_ms", " end %.1f ms", 1, a->end_ms);
		print_string(PRINT_ANY, "result", " %s\n", v6fix_result_name(a->err, buf, sizeof(buf)));
		print_close_object();
	}
	print_close_array();
	if (h->winner >= 0) {
		const struct v6fix_target *w = &t[h->winner];

		print_open_object("winner");
		print_string(PRINT_ANY, "family", "winner %s", v6fix_family_name(w->family));
		print_string(PRINT_ANY, "address", " %s", w->text);
		print_close_object();
	} else {
		print_null(PRINT_ANY, "winner", "no winner");
	}
	print_float(PRINT_ANY, "total_ms", " total %.1f ms\n", 1, h->end_ms);
	if (isnan(resolve_ms)) {
		print_null(PRINT_ANY, "resolve_ms", "resolve -");
		print_null(PRINT_ANY, "elapsed_ms", " elapsed -\n");
	} else {
		print_float(PRINT_ANY, "resolve_ms", "resolve %.1f ms", 1, resolve_ms);
		print_float(PRINT_ANY, "elapsed_ms", " elapsed %.1f ms\n", 1, resolve_ms + h->end_ms);
	}
	if (resolve_err)
		print_string(PRINT_ANY, "resolve_error", "lookup failed: %s\n", resolve_err);
	if (x)
		v6fix_transfer_print(x);
	print_close_object();
	print_end();
}

/* One run with an asynchronous strategy (resolve_cares.h). */
static int connect_async(const struct connect_opts *o, bool ask_aaaa)
{
	struct v6fix_resolve_run *r = calloc(1, sizeof(*r));
	double delay = o->he ? o->delay_ms : -1;
	long w;

	struct v6fix_transfer x;
	int ret = 1;

	if (!r) {
		v6fix_err("out of memory");
		return 1;
	}
	/* The race's own loop (resolve_cares.c) hands the winner over too. */
	v6fix_attempt_keep.enabled = o->transfer;
	w = v6fix_resolve_connect(o->host, (unsigned int)strtoul(o->port, NULL, 10), o->strategy,
				  o->rd_ms, ask_aaaa, delay, o->timeout_ms, r);
	if (r->h.n == 0)
		v6fix_err("%s: %s", o->host, r->error ? r->error : "no usable address");
	if (o->transfer && w >= 0 && v6fix_attempt_keep.fd >= 0) {
		ret = v6fix_transfer_get(v6fix_attempt_keep.fd, o->host, o->transfer_bytes,
					 v6fix_attempt_keep.t0_ms, o->timeout_ms, &x) ? 1 : 0;
		close(v6fix_attempt_keep.fd);
		v6fix_attempt_keep.fd = -1;
	} else {
		ret = w >= 0 ? 0 : 1;
	}
	print_result(r->t, &r->h, r->resolve_ms, r->h.n ? NULL : (r->error ? r->error : "no address"),
		     o->transfer && w >= 0 ? &x : NULL, r, o->strategy);
	free(r);
	return ret;
}

/* One run: resolve, connect, print; 0 when an attempt connected. */
static int connect_once(const struct connect_opts *o)
{
	struct v6fix_target *t = NULL;
	struct he_attempt *att;
	struct v6fix_transfer x;
	struct he h;
	const char *rerr = NULL;
	size_t n = 0;
	double r0;
	int err, family = o->family;
	bool ask_aaaa = family != AF_INET;

	if (o->aaaa_global && ask_aaaa) {
		int g = v6fix_host_has_global6();

		if (g < 0)
			v6fix_err("cannot read this host's addresses: %s", strerror(-g));
		else if (g == 0)
			ask_aaaa = false;	/* 3.4.1: no AAAA query at all */
		if (g == 0 && family == AF_INET6) {
			v6fix_err("-6 and --aaaa-only-with-global: this host has no global IPv6 address");
			return 1;
		}
	}
	if (o->strategy > V6FIX_RESOLVE_GETADDRINFO)
		return connect_async(o, ask_aaaa);
	if (!ask_aaaa)
		family = AF_INET;

	v6fix_attempt_keep.enabled = o->transfer;
	r0 = v6fix_now_ms();
	err = v6fix_resolve_flags(o->host, o->port, family, o->gai_flags, &t, &n);
	r0 = v6fix_now_ms() - r0;
	if (err || n == 0) {
		rerr = err ? gai_strerror(err) : "no usable address";
		v6fix_err("%s: %s", o->host, err ? gai_strerror(err) : "no usable address");
		free(t);
		t = NULL;
		n = 0;
	}
	if (o->he)
		v6fix_targets_interleave(t, n);
	if (o->first && n > 1)
		n = 1;	/* no fallback: the rest of the list is never tried */

	att = calloc(n ? n : 1, sizeof(*att));
	if (!att) {
		v6fix_err("out of memory");
		free(t);
		return 1;
	}
	if (n == 0)
		he_init(&h, att, 0, -1, INFINITY), he_next(&h, 0);
	else if (o->he)
		v6fix_connect_he(t, n, o->delay_ms, o->timeout_ms, &h, att);
	else
		v6fix_connect_seq(t, n, o->timeout_ms, &h, att);

	if (o->transfer && h.winner >= 0 && v6fix_attempt_keep.fd >= 0) {
		err = v6fix_transfer_get(v6fix_attempt_keep.fd, o->host, o->transfer_bytes,
					 v6fix_attempt_keep.t0_ms, o->timeout_ms, &x);
		close(v6fix_attempt_keep.fd);
		v6fix_attempt_keep.fd = -1;
		print_result(t, &h, r0, rerr, &x, NULL, o->strategy);
		err = err ? 1 : 0;
	} else {
		print_result(t, &h, r0, rerr, NULL, NULL, o->strategy);
		err = h.winner >= 0 ? 0 : 1;
	}
	free(att);
	free(t);
	return err;
}

int do_connect(int argc, char **argv)
{
	struct connect_opts o;
	int ret = 0;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	parse(argc, argv, &o);
	for (uint32_t i = 0; i < o.count; i++)
		ret |= connect_once(&o);
	return ret;
}
