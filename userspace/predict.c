// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix predict: what the model (lib/model.c) says a fault costs under a
 * policy, client algorithm and kernel, printed in the shape of `v6fix
 * connect` plus the reason, so the matrix compares like with like.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "attempt.h"
#include "genl.h"
#include "model.h"
#include "model_clients.h"
#include "model_dns.h"
#include "model_data.h"
#include "model_resolve.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-j] predict fault FAULT [ code N ] [ policy POLICY ] [ policy4 POLICY ]\n"
		"              [ algo { seq | he | first } ] [ he-delay MS ] [ delay MS ] [ kernel RELEASE ]\n"
		"              [ syn-retries N ] [ syn-linear N ] [ bsd-retries N ]\n"
		"              [ nd-solicit N ] [ nd-retrans MS ] [ -4 | -6 ]\n"
		"              [ resolver { cache | direct } ] [ resolv-options \"OPT...\" ]\n"
		"              [ addrconfig ] [ do-ip6 { yes | no } ]\n"
		"              [ resolve { getaddrinfo | rfc8305 | kame } ] [ resolution-delay MS ]\n"
		"              [ aaaa-only-with-global ] [ aaaa-delay MS ]\n"
		"              [ client CLIENT [ client-version MAJOR ] [ tries N ] ]\n"
		"              [ bytes N ] [ limit S ] [ tunnel-delay MS ] [ mtu N ]\n"
		"FAULT  := { healthy | no_v6_listener | icmp6_unreach | icmp6_time_exceeded |\n"
		"            v6_blackhole | no_v6_route | onlink | icmp6_filtered | client_reject |\n"
		"            v4_unreach | pmtu_blackhole | slow_tunnel | DNSFAULT[+FAULT] }\n"
		"            (as in netns-tests/scenario/faults.sh)\n"
		"DNSFAULT := { dns_ok | dns_ignore_aaaa | dns_nxdomain_aaaa | dns_rcode_aaaa (code 1|2|4) |\n"
		"            dns_broken_aaaa | dns_lame_aaaa | dns_v6_transport (code blackhole|reject) }\n"
		"            optionally +client_no_v6:disable|linklocal and/or +CONNECTFAULT[:CODE]\n"
		"A DNS fault adds the lookup (resolve_ms, elapsed_ms = resolve + connect): glibc 2.36\n"
		"against unbound (resolver cache, default) or the server itself (direct), with the\n"
		"resolv.conf options (timeout:N attempts:N single-request single-request-reopen\n"
		"no-aaaa) and AI_ADDRCONFIG (addrconfig); the connect part starts when it ends.\n"
		"resolve: a strategy of 'v6fix connect --resolve' (lib/model_resolve.h): the\n"
		"queries (sent_ms, answered_ms), when the first attempt starts (resolve_ms) and\n"
		"the race; aaaa-delay adds a delay to every AAAA answer (a slow AAAA).\n"
		"POLICY := { stock | pass | hard | rfc1122 | bsd | retries }   (default stock: no module)\n"
		"CLIENT := { curl | python | python-asyncio | wget | ssh | node | node-defaults | go }\n"
		"client: a real client's resolver order, algorithm, delays and retries instead of\n"
		"algo (lib/model_clients.h; he-delay overrides its delay); client-version the\n"
		"program's major version where its defaults changed (node-defaults: 18, Debian\n"
		"12's, or 20+); tries the passes over the addresses (wget's --tries, default 20).\n"
		"delay is one way (RTT = 2 x delay, default 0); kernel defaults to the running one\n"
		"and decides whether tcp_syn_linear_timeouts exists (6.5+, default 4);\n"
		"syn-retries default 6, bsd-retries 3, nd-solicit 3, nd-retrans 1000, he-delay 250.\n"
		"The data-phase faults (pmtu_blackhole code 0-2 = tcp_mtu_probing, slow_tunnel\n"
		"code 6 or 4 = the family measured) take code, algo (seq or he), he-delay, delay,\n"
		"-4 and, only they, the last line's bytes N (default 262144), limit S (the run's\n"
		"--timeout), tunnel-delay MS and mtu N (default 1280); they print the transfer's\n"
		"first and last byte (lib/model_data.h).\n");
}

static int parse_policy(const char *arg)
{
	int p;

	if (!strcmp(arg, "stock"))
		return V6FIX_POLICY_STOCK;
	p = v6fix_policy_parse(arg);
	if (p < 0)
		v6fix_invarg("policy (stock, pass, hard, rfc1122, bsd or retries)", arg);
	return p;
}

static uint32_t need_u32(const char *what, const char *arg, uint32_t max)
{
	uint32_t v;

	if (v6fix_parse_u32(arg, max, &v))
		v6fix_invarg(what, arg);
	return v;
}

static double need_ms(const char *what, const char *arg)
{
	double ms;

	if (v6fix_parse_duration_ms(arg, 1, &ms) || ms > 3600 * 1000.0)
		v6fix_invarg(what, arg);
	return ms;
}

/*
 * FAULT is a connect-phase fault, or parts joined by "+" (faults.sh): at
 * most one DNS fault, client_no_v6[:how], at most one connect fault
 * ("name[:code]"). CODE (the "code" argument) goes to the first part.
 * Fills @s and @ds; true when a DNS part (or client_no_v6) is present.
 */
static bool parse_fault(const char *fault, const char *code, struct v6fix_scenario *s,
			struct v6fix_dns_scenario *ds)
{
	char buf[128], *save = NULL, *part;
	bool dns = false, conn = false, first = true;

	if (strlen(fault) >= sizeof(buf))
		v6fix_invarg("fault (see 'v6fix predict help')", fault);
	strcpy(buf, fault);
	for (part = strtok_r(buf, "+", &save); part; part = strtok_r(NULL, "+", &save)) {
		char *colon = strchr(part, ':');
		const char *arg = first ? code : NULL;
		int f;

		if (colon) {
			*colon = '\0';
			arg = colon + 1;
		}
		first = false;
		if (!strncmp(part, "dns_", 4)) {
			if (dns && ds->mode != V6FIX_DNS_OK)
				v6fix_invarg("fault (one DNS fault at most)", fault);
			if (v6fix_dns_fault_parse(part, arg, ds))
				v6fix_invarg("DNS fault or its code", fault);
			dns = true;
		} else if (!strcmp(part, "client_no_v6")) {
			if (!arg || !strcmp(arg, "disable"))
				ds->client_v6 = V6FIX_CLIENT_V6_DISABLED;
			else if (!strcmp(arg, "linklocal"))
				ds->client_v6 = V6FIX_CLIENT_V6_LINKLOCAL;
			else
				v6fix_invarg("client_no_v6 (disable or linklocal)", arg);
			dns = true;
		} else {
			if (conn || (f = v6fix_fault_parse(part)) < 0)
				v6fix_invarg("fault (see 'v6fix predict help')", fault);
			s->fault = f;
			if (arg)
				s->code = (int)need_u32("code (0-15)", arg, 15);
			conn = true;
		}
	}
	/* Without a global IPv6 address an IPv6 connect fails at once. */
	if (ds->client_v6 != V6FIX_CLIENT_V6_GLOBAL && !conn)
		s->fault = V6FIX_FAULT_NO_V6_ROUTE;
	return dns;
}

/* One family's connect outcome under @s (the connect model, that family alone). */
static struct he_outcome family_outcome(const struct v6fix_scenario *s, bool v6)
{
	struct v6fix_scenario f = *s;
	struct v6fix_prediction p;
	struct he_outcome o = { INFINITY, ETIMEDOUT };

	f.only_v6 = v6;
	f.only_v4 = !v6;
	f.algo = V6FIX_ALGO_SEQ;
	if (!v6fix_predict(&f, &p) && p.n == 1)
		o = (struct he_outcome){ p.att[0].end_ms - p.att[0].start_ms, p.att[0].err };
	return o;
}

/* predict ... resolve STRATEGY: the queries, then the race (model_resolve.h). */
static int predict_resolve(const struct v6fix_scenario *s, const struct v6fix_dns_scenario *ds,
			   struct v6fix_resolve_model *rm)
{
	struct he_outcome c6 = family_outcome(s, true), c4 = family_outcome(s, false);
	static const char *const qstate[] = { "unsent", "pending", "NOERROR", "negative", NULL };
	struct v6fix_rsim r;
	char why[256], buf[32];

	if (s->only_v4 || s->only_v6)
		v6fix_usage_error("resolve: -4 and -6 do not apply (the strategy asks for both)");
	rm->he_delay_ms = s->algo == V6FIX_ALGO_HE ? he_clamp_delay(s->he_delay_ms) : -1;
	if (s->algo == V6FIX_ALGO_FIRST)
		v6fix_usage_error("resolve: algo first takes getaddrinfo()'s first address only");
	if (v6fix_model_resolve(rm, ds, &c6, &c4, &r, why, sizeof(why)))
		v6fix_usage_error("inconsistent DNS scenario");

	print_open_object(NULL);
	print_string(PRINT_ANY, "strategy", "strategy %s\n", v6fix_strategy_name(rm->strategy));
	print_open_array("queries");
	for (int i = 0; i < 2; i++) {
		const struct v6fix_rquery *q = i ? &r.plan.aaaa : &r.plan.a;

		if (q->state == V6FIX_Q_UNSENT)
			continue;
		print_open_object(NULL);
		print_string(PRINT_ANY, "type", "query %-4s", i ? "AAAA" : "A");
		print_float(PRINT_ANY, "sent_ms", " sent %.1f ms", 1, q->sent_ms);
		if (q->state == V6FIX_Q_PENDING || q->state == V6FIX_Q_FAILED)
			print_null(PRINT_ANY, "answered_ms", " no answer\n");
		else
			print_float(PRINT_ANY, "answered_ms", " answered %.1f ms\n", 1, q->answered_ms);
		if (qstate[q->state])
			print_string(PRINT_JSON, "answer", NULL, qstate[q->state]);
		print_close_object();
	}
	print_close_array();
	print_open_array("attempts");
	for (size_t i = 0; i < r.h.n; i++) {
		const struct he_attempt *a = &r.att[i];

		if (a->state == HE_PENDING)
			continue;
		print_open_object(NULL);
		print_string(PRINT_ANY, "family", "attempt %-5s", v6fix_family_name(r.family[i]));
		print_float(PRINT_ANY, "start_ms", " start %.1f ms", 1, a->start_ms);
		print_float(PRINT_ANY, "end_ms", " end %.1f ms", 1, a->end_ms);
		print_string(PRINT_ANY, "result", " %s\n", v6fix_result_name(a->err, buf, sizeof(buf)));
		print_close_object();
	}
	print_close_array();
	if (r.winner >= 0) {
		print_open_object("winner");
		print_string(PRINT_ANY, "family", "winner %s", v6fix_family_name(r.family[r.winner]));
		print_close_object();
	} else {
		print_null(PRINT_ANY, "winner", "no winner");
	}
	print_float(PRINT_ANY, "total_ms", " total %.1f ms\n", 1, r.h.n ? r.h.end_ms : 0);
	if (isnan(r.resolve_ms))
		print_null(PRINT_ANY, "resolve_ms", "resolve -");
	else
		print_float(PRINT_ANY, "resolve_ms", "resolve %.1f ms", 1, r.resolve_ms);
	print_float(PRINT_ANY, "elapsed_ms", " elapsed %.1f ms\n", 1, r.elapsed_ms);
	print_string(PRINT_ANY, "why", "why: %s\n", why);
	print_close_object();
	print_end();
	return 0;
}

/* The attempts of a prediction and its winner, in the card's one printer. */
static void print_attempts(const struct v6fix_prediction *p)
{
	char buf[32];

	print_open_array("attempts");
	for (int i = 0; i < p->n; i++) {
		const struct v6fix_pred_attempt *a = &p->att[i];

		if (isnan(a->start_ms))
			continue;	/* never started */
		print_open_object(NULL);
		print_string(PRINT_ANY, "family", "attempt %-5s", v6fix_family_name(a->family));
		print_float(PRINT_ANY, "start_ms", " start %.1f ms", 1, a->start_ms);
		print_float(PRINT_ANY, "end_ms", " end %.1f ms", 1, a->end_ms);
		print_string(PRINT_ANY, "result", " %s\n", v6fix_result_name(a->err, buf, sizeof(buf)));
		print_close_object();
	}
	print_close_array();
	if (p->winner >= 0) {
		print_open_object("winner");
		print_string(PRINT_ANY, "family", "winner %s",
			     v6fix_family_name(p->att[p->winner].family));
		print_close_object();
	} else {
		print_null(PRINT_ANY, "winner", "no winner");
	}
}

/* A real client's prediction (model_clients.h): connect's shape plus the client. */
static int print_prediction(const struct v6fix_prediction *p, const struct v6fix_client *c,
			    unsigned int passes)
{

	print_open_object(NULL);
	print_string(PRINT_ANY, "client", "client %s", c->name);
	print_string(PRINT_ANY, "program", " (%s)\n", c->program);
	print_attempts(p);
	print_float(PRINT_ANY, "total_ms", " total %.1f ms", 1, p->total_ms);
	print_uint(PRINT_ANY, "passes", " passes %u\n", passes);
	print_string(PRINT_ANY, "why", "why: %s\n", p->why);
	print_close_object();
	print_end();
	return 0;
}

int do_predict(int argc, char **argv)
{
	struct v6fix_scenario s;
	struct v6fix_prediction p;
	const char *kernel = NULL;
	bool have_fault = false, have_linear = false, dns = false;
	struct v6fix_dns_scenario ds;
	struct v6fix_dns_prediction dp;
	const char *fault_arg = NULL, *code_arg = NULL;
	struct v6fix_resolve_model rm = { .resolution_delay_ms = V6FIX_RESOLUTION_DELAY_MS };
	int strategy = -1;
	const char *client_arg = NULL;
	unsigned int client_major = 0, tries = 0, passes;
	bool have_he_delay = false;
	unsigned int major, minor;
	struct utsname u;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	/* The data-phase faults have their own model (predict_data.c). */
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], "fault") && v6fix_data_fault_parse(argv[i + 1]) > 0)
			return do_predict_data(argc, argv);
	v6fix_scenario_init(&s);
	v6fix_dns_scenario_init(&ds);
	for (; argc > 0; argc--, argv++) {
		const char *key = argv[0];

		if (!strcmp(key, "-4")) {
			s.only_v4 = true;
			continue;
		}
		if (!strcmp(key, "-6")) {
			s.only_v6 = true;
			continue;
		}
		if (!strcmp(key, "addrconfig")) {
			ds.addrconfig = true;
			continue;
		}
		if (!strcmp(key, "aaaa-only-with-global")) {
			rm.aaaa_only_with_global = true;
			continue;
		}
		if (argc < 2)
			v6fix_usage_error("\"%s\" needs a value (try 'v6fix predict help')", key);
		argc--, argv++;
		if (!strcmp(key, "fault")) {
			fault_arg = argv[0];
			have_fault = true;
		} else if (!strcmp(key, "code")) {
			code_arg = argv[0];
		} else if (!strcmp(key, "resolver")) {
			if (!strcmp(argv[0], "cache"))
				ds.resolver = V6FIX_DNS_CACHE;
			else if (!strcmp(argv[0], "direct"))
				ds.resolver = V6FIX_DNS_DIRECT;
			else
				v6fix_invarg("resolver (cache or direct)", argv[0]);
		} else if (!strcmp(key, "resolv-options")) {
			if (v6fix_dns_options_parse(argv[0], &ds))
				v6fix_invarg("resolv-options (timeout:1-30 attempts:1-5 single-request "
					     "single-request-reopen no-aaaa)", argv[0]);
		} else if (!strcmp(key, "do-ip6")) {
			if (strcmp(argv[0], "yes") && strcmp(argv[0], "no"))
				v6fix_invarg("do-ip6 (yes or no)", argv[0]);
			ds.do_ip6 = argv[0][0] == 'y';
		} else if (!strcmp(key, "resolve")) {
			strategy = v6fix_strategy_parse(argv[0]);
			if (strategy < 0)
				v6fix_invarg("resolve (getaddrinfo, rfc8305 or kame)", argv[0]);
		} else if (!strcmp(key, "resolution-delay")) {
			rm.resolution_delay_ms = need_ms("resolution-delay", argv[0]);
		} else if (!strcmp(key, "aaaa-delay")) {
			rm.aaaa_delay_ms = need_ms("aaaa-delay", argv[0]);
		} else if (!strcmp(key, "policy")) {
			s.policy6 = parse_policy(argv[0]);
		} else if (!strcmp(key, "policy4")) {
			s.policy4 = parse_policy(argv[0]);
		} else if (!strcmp(key, "algo")) {
			if (!strcmp(argv[0], "seq"))
				s.algo = V6FIX_ALGO_SEQ;
			else if (!strcmp(argv[0], "he"))
				s.algo = V6FIX_ALGO_HE;
			else if (!strcmp(argv[0], "first"))
				s.algo = V6FIX_ALGO_FIRST;
			else
				v6fix_invarg("algo (seq, he or first)", argv[0]);
		} else if (!strcmp(key, "he-delay")) {
			s.he_delay_ms = need_ms("he-delay", argv[0]);
			have_he_delay = true;
		} else if (!strcmp(key, "client")) {
			if (!v6fix_client_find(argv[0], 0))
				v6fix_invarg("client (see 'v6fix predict help')", argv[0]);
			client_arg = argv[0];
		} else if (!strcmp(key, "client-version")) {
			/* "20", "v20.20.2", "1.19.8": the major number. */
			const char *v = argv[0][0] == 'v' ? argv[0] + 1 : argv[0];
			char maj[16];

			snprintf(maj, sizeof(maj), "%.*s", (int)strcspn(v, "."), v);
			client_major = need_u32("client-version (a major number, e.g. 20)", maj, 1000);
			if (!client_major)
				v6fix_invarg("client-version (a major number, e.g. 20)", argv[0]);
		} else if (!strcmp(key, "tries")) {
			tries = need_u32("tries (1-1000)", argv[0], 1000);
			if (!tries)
				v6fix_invarg("tries (1-1000)", argv[0]);
		} else if (!strcmp(key, "delay")) {
			s.delay_ms = need_ms("delay", argv[0]);
		} else if (!strcmp(key, "kernel")) {
			kernel = argv[0];
			if (v6fix_kernel_version(kernel, &major, &minor))
				v6fix_invarg("kernel release (like 6.12.117)", kernel);
		} else if (!strcmp(key, "syn-retries")) {
			s.syn.syn_retries = need_u32("syn-retries (1-127)", argv[0], 127);
			if (!s.syn.syn_retries)
				v6fix_invarg("syn-retries (1-127)", argv[0]);
		} else if (!strcmp(key, "syn-linear")) {
			s.syn.linear_timeouts = (int)need_u32("syn-linear (0-127)", argv[0], 127);
			have_linear = true;
		} else if (!strcmp(key, "bsd-retries")) {
			s.bsd_retries = need_u32("bsd-retries (0-127)", argv[0], V6FIX_BSD_RETRIES_MAX);
		} else if (!strcmp(key, "nd-solicit")) {
			s.nd_solicit = need_u32("nd-solicit (1-100)", argv[0], 100);
			if (!s.nd_solicit)
				v6fix_invarg("nd-solicit (1-100)", argv[0]);
		} else if (!strcmp(key, "nd-retrans")) {
			s.nd_retrans_ms = need_u32("nd-retrans (ms)", argv[0], 3600000);
		} else {
			v6fix_usage_error("unknown argument \"%s\" (try 'v6fix predict help')", key);
		}
	}
	if (!have_fault)
		v6fix_usage_error("predict needs a fault (try 'v6fix predict help')");
	dns = parse_fault(fault_arg, code_arg, &s, &ds);
	if (s.only_v4 && s.only_v6)
		v6fix_usage_error("-4 and -6 exclude each other");

	if (!kernel) {
		if (uname(&u) || v6fix_kernel_version(u.release, &major, &minor))
			major = 6, minor = 12;
		kernel = u.release;
	}
	if (!v6fix_kernel_has_syn_linear(major, minor)) {
		if (have_linear)
			v6fix_usage_error("kernel %u.%u has no tcp_syn_linear_timeouts", major, minor);
		s.syn.linear_timeouts = -1;
	}
	ds.delay_ms = s.delay_ms;
	if ((client_major || tries) && !client_arg)
		v6fix_usage_error("client-version and tries need a client");
	if (client_arg && (strategy >= 0 || dns))
		v6fix_usage_error("client: connect-phase faults only (the clients' lookups are "
				  "not modelled)");
	if (client_arg) {
		const struct v6fix_client *c = v6fix_client_find(client_arg, client_major);
		struct v6fix_client own;

		if (!c)
			v6fix_usage_error("client %s has no version %u in the model", client_arg,
					  client_major);
		own = *c;
		if (have_he_delay)
			own.delay_ms = s.he_delay_ms;
		if (v6fix_client_predict(&own, &s, tries, &p, &passes))
			v6fix_usage_error("code %d does not exist for fault %s", s.code,
					  v6fix_fault_name(s.fault));
		return print_prediction(&p, &own, passes);
	}
	if (strategy >= 0) {
		rm.strategy = strategy;
		return predict_resolve(&s, &ds, &rm);
	}
	if (dns) {
		if (v6fix_dns_predict(&ds, &dp))
			v6fix_usage_error("inconsistent DNS scenario for fault %s", fault_arg);
		/* The connect part sees what the lookup returned. */
		if (!dp.have_aaaa)
			s.only_v4 = true;
		if (!dp.have_a)
			s.only_v6 = true;
	}
	if (dns && dp.failed)
		s.only_v6 = false, s.fault = V6FIX_FAULT_HEALTHY;
	if (v6fix_predict(&s, &p))
		v6fix_usage_error("code %d does not exist for fault %s", s.code,
				  v6fix_fault_name(s.fault));
	if (dns) {
		char why[2 * sizeof(p.why) + 16];
		size_t l;

		if (dp.failed) {
			p.n = 0;
			p.winner = -1;
			p.total_ms = 0;
			snprintf(why, sizeof(why), "lookup fails: %s", dp.why);
		} else if (!dp.have_aaaa) {
			snprintf(why, sizeof(why), "%s; then IPv4 alone (no AAAA): %.0f ms", dp.why,
				 p.total_ms);
		} else {
			snprintf(why, sizeof(why), "%s; then %s", dp.why, p.why);
		}
		l = strlen(why);
		if (l >= sizeof(p.why))
			l = sizeof(p.why) - 1;
		memcpy(p.why, why, l);
		p.why[l] = '\0';
	}

	print_open_object(NULL);
	print_attempts(&p);
	print_float(PRINT_ANY, "total_ms", " total %.1f ms\n", 1, p.total_ms);
	if (dns) {
		print_float(PRINT_ANY, "resolve_ms", "resolve %.1f ms", 1, dp.resolve_ms);
		print_float(PRINT_ANY, "elapsed_ms", " elapsed %.1f ms\n", 1,
			    dp.resolve_ms + p.total_ms);
		if (dp.failed)
			print_string(PRINT_ANY, "resolve_error", "lookup failed: %s\n", dp.error);
	}
	print_string(PRINT_ANY, "why", "why: %s\n", p.why);
	print_close_object();
	print_end();
	return 0;
}
