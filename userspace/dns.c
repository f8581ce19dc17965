// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix dns probe: the survey tool of seed 004 ch. 3.3 (RFC 4074). Ask a
 * server for a name's A, then its AAAA, recursion not desired, and say how
 * it treats AAAA queries; with -f, a whole list with a bounded number of
 * probes outstanding, and the seed's table at the end. The queries, the
 * parsing and the rules are in lib/dns.c; this file is arguments and output.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

#define DNS_MAX_LINES 1000000

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] [-j] dns probe [ --timeout MS ] [ --retries N ]\n"
		"                                       SERVER NAME\n"
		"       v6fix [-n NETNS] [-j] dns probe [ --timeout MS ] [ --retries N ]\n"
		"                                       [ --parallel N ] -f FILE\n"
		"Ask SERVER directly (recursion not desired, UDP, no EDNS; TCP after a truncated\n"
		"reply) for NAME's A, then its AAAA, and classify how it answers AAAA\n"
		"(RFC 4074; the rules in order):\n"
		"  no-answer  no usable reply to A (silent, unreachable, garbage); AAAA not asked\n"
		"  ignore     no reply to AAAA while A was answered                  (RFC 4074 A)\n"
		"  nxdomain   NXDOMAIN for AAAA while A said NOERROR                 (B)\n"
		"  rcode      any other error RCODE for AAAA, with or without AA     (C)\n"
		"  broken     an AAAA whose data is not 16 bytes, an answer of another\n"
		"             type (CNAME, DNAME, RRSIG aside), or a malformed reply (D)\n"
		"  lame       NOERROR without AA, or a referral, for AAAA while A had AA (E)\n"
		"  ok         none of these: AAAA answered, or correctly empty (NODATA)\n"
		"SERVER is an IPv4 or IPv6 address, optionally v4addr:port or [v6addr]:port.\n"
		"  --timeout MS  wait per try (default %d ms, 1-60000)\n"
		"  --retries N   tries after the first (default %d, 0-10)\n"
		"  -f FILE       \"SERVER NAME\" lines (# comments, blank lines; - is stdin);\n"
		"                the results in file order, then the counts per class by\n"
		"                probe, by name and by server (a name or server counts with its\n"
		"                first misbehaving class in rule order, else ok, else no-answer)\n"
		"  --parallel N  probes outstanding at once with -f (default %d, 1-4096)\n"
		"A name that does not exist gets rcode (NXDOMAIN for both). Progress goes to\n"
		"stderr when it is a terminal. Exit status: 0 when every probe is ok, 1 if not.\n",
		DNS_DEFAULT_TIMEOUT_MS, DNS_DEFAULT_RETRIES, DNS_DEFAULT_PARALLEL);
}

struct probe_args {
	struct dns_opts o;
	const char *file;
	bool parallel_set;
	const char *pos[2];
	int npos;
};

static void parse(int argc, char **argv, struct probe_args *a)
{
	uint32_t v;

	memset(a, 0, sizeof(*a));
	a->o.timeout_ms = DNS_DEFAULT_TIMEOUT_MS;
	a->o.retries = DNS_DEFAULT_RETRIES;
	a->o.parallel = DNS_DEFAULT_PARALLEL;
	for (; argc > 0; argc--, argv++) {
		const char *s = argv[0];

		if (!strcmp(s, "--timeout")) {
			double ms;

			if (argc < 2)
				v6fix_usage_error("--timeout needs a duration in ms");
			argc--, argv++;
			if (v6fix_parse_duration_ms(argv[0], 1, &ms) || ms < 1 || ms > 60000 ||
			    ms != (double)(unsigned int)ms)
				v6fix_invarg("--timeout (1-60000 ms)", argv[0]);
			a->o.timeout_ms = (unsigned int)ms;
		} else if (!strcmp(s, "--retries")) {
			if (argc < 2)
				v6fix_usage_error("--retries needs a number");
			argc--, argv++;
			if (v6fix_parse_u32(argv[0], 10, &v))
				v6fix_invarg("--retries (0-10)", argv[0]);
			a->o.retries = v;
		} else if (!strcmp(s, "--parallel")) {
			if (argc < 2)
				v6fix_usage_error("--parallel needs a number");
			argc--, argv++;
			if (v6fix_parse_u32(argv[0], 4096, &v) || v == 0)
				v6fix_invarg("--parallel (1-4096)", argv[0]);
			a->o.parallel = v;
			a->parallel_set = true;
		} else if (!strcmp(s, "-f") || !strcmp(s, "--file")) {
			if (argc < 2)
				v6fix_usage_error("-f needs a file");
			argc--, argv++;
			if (!*argv[0])
				v6fix_invarg("file", argv[0]);
			a->file = argv[0];
		} else if (!strcmp(s, "-j") || !strcmp(s, "--json")) {
			v6fix_opts.json = true;
			print_init(true, stdout);
		} else if (!strcmp(s, "--")) {
			for (argc--, argv++; argc > 0; argc--, argv++) {
				if (a->npos == 2)
					v6fix_usage_error("unexpected argument \"%s\"", argv[0]);
				a->pos[a->npos++] = argv[0];
			}
			break;
		} else if (s[0] == '-' && s[1]) {
			v6fix_usage_error("dns probe: unknown option \"%s\" (try 'v6fix dns help')", s);
		} else {
			if (a->npos == 2)
				v6fix_usage_error("unexpected argument \"%s\"", s);
			a->pos[a->npos++] = s;
		}
	}
	if (a->file && a->npos)
		v6fix_usage_error("-f and SERVER NAME exclude each other");
	if (!a->file && a->npos < 2)
		v6fix_usage_error("dns probe needs SERVER and NAME, or -f FILE (try 'v6fix dns help')");
	if (!a->file && a->parallel_set)
		v6fix_usage_error("--parallel applies to -f only");
}

/* --- output ------------------------------------------------------------------------ */

static const char *qstate_name(enum dns_qstate s)
{
	switch (s) {
	case DNS_Q_NOT_SENT: return "not-sent";
	case DNS_Q_REPLY: return "reply";
	case DNS_Q_MALFORMED: return "malformed";
	case DNS_Q_TIMEOUT: return "timeout";
	case DNS_Q_ERROR: return "error";
	}
	return "?";
}

static void print_query(const char *key, const char *label, const struct dns_query *q)
{
	char buf[32];
	unsigned int n = q->ancount < DNS_MAX_RRS ? q->ancount : DNS_MAX_RRS;
	bool header = q->rcode >= 0;

	print_open_object(key);
	print_string(PRINT_FP, NULL, "    %-5s", label);
	print_string(PRINT_ANY, "result", " %s", qstate_name(q->state));
	if (q->state == DNS_Q_ERROR) {
		const char *e = v6fix_errno_name(q->err);

		print_string(PRINT_ANY, "error", " %s", e ? e : strerror(q->err));
	} else if (q->state == DNS_Q_MALFORMED) {
		print_string(PRINT_ANY, "error", " (%s)", q->why);
	} else {
		print_null(PRINT_JSON, "error", NULL);
	}
	if (header) {
		print_string(PRINT_ANY, "rcode", " %s", dns_rcode_name(q->rcode, buf, sizeof(buf)));
		print_bool(PRINT_JSON, "aa", NULL, q->aa);
		print_string(PRINT_FP, NULL, "%s", q->aa ? " aa" : " no-aa");
		print_bool(PRINT_JSON, "tc", NULL, q->tc);
		if (q->tc)
			print_text(" tc");
		print_bool(PRINT_JSON, "tcp", NULL, q->tcp);
		if (q->tcp)
			print_text(" (over TCP: the UDP reply was truncated)");
		print_bool(PRINT_JSON, "referral", NULL, q->referral);
		if (q->referral)
			print_text(" referral");
	} else {
		print_null(PRINT_JSON, "rcode", NULL);
		print_null(PRINT_JSON, "aa", NULL);
		print_null(PRINT_JSON, "tc", NULL);
		print_null(PRINT_JSON, "tcp", NULL);
		print_null(PRINT_JSON, "referral", NULL);
	}
	print_open_array("answers");
	if (header)
		print_text(" answers");
	for (unsigned int i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "type", " %s", dns_type_name(q->ans[i].type, buf, sizeof(buf)));
		if (q->ans[i].rdlen >= 0)
			print_int(PRINT_ANY, "rdlen", "/%lld", q->ans[i].rdlen);
		else
			print_null(PRINT_ANY, "rdlen", "/undecodable");
		print_close_object();
	}
	if (header && q->ancount == 0)
		print_text(" none");
	if (q->ancount > n)
		print_text(" (+%u more)", q->ancount - n);
	print_close_array();
	print_uint(PRINT_JSON, "ancount", NULL, q->ancount);
	if (q->state == DNS_Q_NOT_SENT) {
		print_uint(PRINT_JSON, "tries", NULL, 0);
		print_null(PRINT_JSON, "ms", NULL);
		print_text(" (no usable reply to A)");
	} else {
		print_uint(PRINT_ANY, "tries", ", %llu", q->tries);
		print_text(q->tries == 1 ? " try" : " tries");
		print_float(PRINT_ANY, "ms", ", %.1f ms", 1, q->ms);
	}
	print_text("\n");
	print_close_object();
}

static void print_probe(const struct dns_probe *p)
{
	print_open_object(NULL);
	print_string(PRINT_ANY, "server", "%s", p->server);
	print_string(PRINT_ANY, "name", " %s", p->name);
	print_string(PRINT_ANY, "class", ": %s", dns_class_name(p->cls));
	print_string(PRINT_ANY, "reason", " (%s)\n", p->reason);
	print_query("a", "A", &p->a);
	print_query("aaaa", "AAAA", &p->aaaa);
	print_close_object();
	print_end();
}

/* --- the summary ------------------------------------------------------------------- */

/* A group's class: its first misbehaving class in rule order, else ok, else no-answer. */
static enum dns_class merge(enum dns_class have, enum dns_class c)
{
	bool bad_have = have >= DNS_IGNORE && have <= DNS_LAME;
	bool bad_c = c >= DNS_IGNORE && c <= DNS_LAME;

	if (bad_have && bad_c)
		return c < have ? c : have;
	if (bad_have || bad_c)
		return bad_have ? have : c;
	return have == DNS_OK || c == DNS_OK ? DNS_OK : DNS_NO_ANSWER;
}

static struct dns_probe *sort_base;

static int by_name(const void *x, const void *y)
{
	return strcasecmp(sort_base[*(const size_t *)x].name, sort_base[*(const size_t *)y].name);
}

static int by_server(const void *x, const void *y)
{
	return strcmp(sort_base[*(const size_t *)x].server, sort_base[*(const size_t *)y].server);
}

/* Count groups of equal key per class into @cnt; returns the number of groups. */
static size_t group(struct dns_probe *p, size_t n, size_t *idx,
		    int (*cmp)(const void *, const void *), size_t cnt[DNS_NCLASSES])
{
	size_t groups = 0;

	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_base = p;
	qsort(idx, n, sizeof(*idx), cmp);
	for (size_t i = 0; i < n;) {
		enum dns_class c = p[idx[i]].cls;
		size_t j = i + 1;

		for (; j < n && cmp(&idx[i], &idx[j]) == 0; j++)
			c = merge(c, p[idx[j]].cls);
		cnt[c]++;
		groups++;
		i = j;
	}
	return groups;
}

static double pct(size_t k, size_t total)
{
	return total ? 100.0 * (double)k / (double)total : 0.0;
}

static void print_counts(const char *key, const size_t cnt[DNS_NCLASSES], size_t total)
{
	print_open_object(key);
	for (int c = 0; c < DNS_NCLASSES; c++) {
		print_open_object(dns_class_name(c));
		print_uint(PRINT_JSON, "count", NULL, cnt[c]);
		print_float(PRINT_JSON, "percent", NULL, 1, pct(cnt[c], total));
		print_close_object();
	}
	print_close_object();
}

/* The seed's order: the healthy, the misbehaving A-E, the unknown. */
static const enum dns_class table_order[] = {
	DNS_OK, DNS_IGNORE, DNS_NXDOMAIN, DNS_RCODE, DNS_BROKEN, DNS_LAME, DNS_NO_ANSWER,
};

static int print_summary(struct dns_probe *p, size_t n)
{
	size_t cp[DNS_NCLASSES] = { 0 }, cn[DNS_NCLASSES] = { 0 }, cs[DNS_NCLASSES] = { 0 };
	size_t names, servers, bad_s = 0, bad_n = 0, bad_p = 0;
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));

	if (!idx) {
		v6fix_err("out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		cp[p[i].cls]++;
	names = group(p, n, idx, by_name, cn);
	servers = group(p, n, idx, by_server, cs);
	free(idx);
	for (int c = DNS_IGNORE; c <= DNS_LAME; c++) {
		bad_p += cp[c];
		bad_n += cn[c];
		bad_s += cs[c];
	}

	if (print_is_json()) {
		print_open_object(NULL);
		print_open_object("summary");
		print_uint(PRINT_JSON, "probes", NULL, n);
		print_uint(PRINT_JSON, "names", NULL, names);
		print_uint(PRINT_JSON, "servers", NULL, servers);
		print_uint(PRINT_JSON, "misbehaving_probes", NULL, bad_p);
		print_uint(PRINT_JSON, "misbehaving_names", NULL, bad_n);
		print_uint(PRINT_JSON, "misbehaving_servers", NULL, bad_s);
		print_counts("by_probe", cp, n);
		print_counts("by_name", cn, names);
		print_counts("by_server", cs, servers);
		print_close_object();
		print_close_object();
		print_end();
		return 0;
	}
	print_text("\n%-12s %16s %16s %16s %14s\n", "class", "probes", "names", "servers",
		   "of misbehaving");
	for (size_t k = 0; k < sizeof(table_order) / sizeof(table_order[0]); k++) {
		enum dns_class c = table_order[k];

		print_text("%-12s %7zu %6.2f %% %7zu %6.2f %% %7zu %6.2f %%", dns_class_name(c),
			   cp[c], pct(cp[c], n), cn[c], pct(cn[c], names), cs[c], pct(cs[c], servers));
		if (c >= DNS_IGNORE && c <= DNS_LAME)
			print_text(" %11.1f %%", pct(cs[c], bad_s));
		print_text("\n");
	}
	print_text("%-12s %7zu %6.2f %% %7zu %6.2f %% %7zu %6.2f %%\n", "misbehaving", bad_p,
		   pct(bad_p, n), bad_n, pct(bad_n, names), bad_s, pct(bad_s, servers));
	print_text("%-12s %7zu %16zu %16zu\n", "total", n, names, servers);
	print_text("(\"of misbehaving\": share of the misbehaving servers, the seed's second table)\n");
	print_end();
	return 0;
}

/* --- the file ------------------------------------------------------------------------ */

/* Read every line first: a bad line is bad input, before anything is sent. */
static struct dns_probe *read_file(const char *path, size_t *np)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct dns_probe *p = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;

	if (!f)
		v6fix_usage_error("%s: %s", path, strerror(errno));
	while ((len = getline(&line, &linecap, f)) >= 0) {
		char *server, *name, *extra, *save = NULL;

		lineno++;
		if (memchr(line, '\0', (size_t)len))
			v6fix_usage_error("%s:%zu: a NUL byte", path, lineno);
		if ((server = strchr(line, '#')))
			*server = '\0';
		server = strtok_r(line, " \t\r\n", &save);
		if (!server)
			continue;
		name = strtok_r(NULL, " \t\r\n", &save);
		extra = strtok_r(NULL, " \t\r\n", &save);
		if (!name || extra)
			v6fix_usage_error("%s:%zu: want \"SERVER NAME\"", path, lineno);
		if (n == DNS_MAX_LINES)
			v6fix_usage_error("%s: more than %d probes", path, DNS_MAX_LINES);
		if (n == cap) {
			struct dns_probe *q;

			cap = cap ? 2 * cap : 64;
			q = realloc(p, cap * sizeof(*p));
			if (!q) {
				v6fix_err("out of memory");
				exit(1);
			}
			p = q;
		}
		memset(&p[n], 0, sizeof(p[n]));
		if (dns_parse_server(server, &p[n]))
			v6fix_usage_error("%s:%zu: invalid server: \"%s\"", path, lineno, server);
		if (dns_parse_name(name, &p[n]))
			v6fix_usage_error("%s:%zu: invalid name: \"%s\"", path, lineno, name);
		n++;
	}
	if (ferror(f))
		v6fix_usage_error("%s: %s", path, strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	if (n == 0)
		v6fix_usage_error("%s: no \"SERVER NAME\" line", path);
	*np = n;
	return p;
}

struct run_state {
	struct dns_probe *p;
	size_t n, done, printed;
	bool progress;
	double last;
};

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_done(struct dns_probe *p, void *ctx)
{
	struct run_state *s = ctx;
	double t;

	(void)p;
	s->done++;
	/* In file order: print what is finished from the front. */
	if (s->progress)
		fputs("\r\033[K", stderr);
	while (s->printed < s->n && s->p[s->printed].phase == 3)
		print_probe(&s->p[s->printed++]);
	if (s->progress) {
		t = mono_ms();
		if (t - s->last >= 100 || s->done == s->n) {
			s->last = t;
			fprintf(stderr, "v6fix: dns probe: %zu/%zu done", s->done, s->n);
		}
		fflush(stderr);
	}
}

static int do_probe(int argc, char **argv)
{
	struct probe_args a;
	struct run_state s = { 0 };
	struct dns_probe *p;
	struct rlimit rl;
	size_t n, ok = 0;
	int err;

	parse(argc, argv, &a);
	if (a.file) {
		p = read_file(a.file, &n);
	} else {
		n = 1;
		p = calloc(1, sizeof(*p));
		if (!p) {
			v6fix_err("out of memory");
			return 1;
		}
		if (dns_parse_server(a.pos[0], p))
			v6fix_invarg("SERVER (an IPv4 or IPv6 address, [addr]:port)", a.pos[0]);
		if (dns_parse_name(a.pos[1], p))
			v6fix_invarg("NAME", a.pos[1]);
	}
	/* One socket per outstanding probe: stay inside the descriptor limit. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > 32 && a.o.parallel > rl.rlim_cur - 32)
		a.o.parallel = (unsigned int)(rl.rlim_cur - 32);

	s.p = p;
	s.n = n;
	s.progress = a.file && isatty(STDERR_FILENO);
	s.last = -1e9;
	err = dns_run(p, n, &a.o, on_done, &s);
	if (s.progress)
		fputs("\r\033[K", stderr);
	if (err) {
		v6fix_err("dns probe: %s", strerror(-err));
		free(p);
		return 1;
	}
	if (a.file && print_summary(p, n)) {
		free(p);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		ok += p[i].cls == DNS_OK;
	free(p);
	return ok == n ? 0 : 1;
}

int do_dns(int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return V6FIX_EXIT_USAGE;
	}
	if (v6fix_is_help(argv[0])) {
		if (argc > 1)
			v6fix_usage_error("unexpected argument \"%s\"", argv[1]);
		usage(stdout);
		return 0;
	}
	if (v6fix_matches(argv[0], "probe")) {
		if (argc > 1 && v6fix_is_help(argv[1])) {
			usage(stdout);
			return 0;
		}
		return do_probe(argc - 1, argv + 1);
	}
	v6fix_usage_error("dns: unknown command \"%s\" (try 'v6fix dns help')", argv[0]);
}
