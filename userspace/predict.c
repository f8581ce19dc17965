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
#include "print.h"
#include "util.h"
#include "v6fix.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-j] predict fault FAULT [ code N ] [ policy POLICY ] [ policy4 POLICY ]\n"
		"              [ algo { seq | he } ] [ he-delay MS ] [ delay MS ] [ kernel RELEASE ]\n"
		"              [ syn-retries N ] [ syn-linear N ] [ bsd-retries N ]\n"
		"              [ nd-solicit N ] [ nd-retrans MS ] [ -4 | -6 ]\n"
		"FAULT  := { healthy | no_v6_listener | icmp6_unreach | icmp6_time_exceeded |\n"
		"            v6_blackhole | no_v6_route | onlink | icmp6_filtered | client_reject |\n"
		"            v4_unreach }   (as in netns-tests/scenario/faults.sh)\n"
		"POLICY := { stock | pass | hard | rfc1122 | bsd | retries }   (default stock: no module)\n"
		"delay is one way (RTT = 2 x delay, default 0); kernel defaults to the running one\n"
		"and decides whether tcp_syn_linear_timeouts exists (6.5+, default 4);\n"
		"syn-retries default 6, bsd-retries 3, nd-solicit 3, nd-retrans 1000, he-delay 250.\n");
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

int do_predict(int argc, char **argv)
{
	struct v6fix_scenario s;
	struct v6fix_prediction p;
	const char *kernel = NULL;
	bool have_fault = false, have_linear = false;
	unsigned int major, minor;
	struct utsname u;
	char buf[32];
	int f;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	v6fix_scenario_init(&s);
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
		if (argc < 2)
			v6fix_usage_error("\"%s\" needs a value (try 'v6fix predict help')", key);
		argc--, argv++;
		if (!strcmp(key, "fault")) {
			f = v6fix_fault_parse(argv[0]);
			if (f < 0)
				v6fix_invarg("fault (see 'v6fix predict help')", argv[0]);
			s.fault = f;
			have_fault = true;
		} else if (!strcmp(key, "code")) {
			s.code = (int)need_u32("code (0-15)", argv[0], 15);
		} else if (!strcmp(key, "policy")) {
			s.policy6 = parse_policy(argv[0]);
		} else if (!strcmp(key, "policy4")) {
			s.policy4 = parse_policy(argv[0]);
		} else if (!strcmp(key, "algo")) {
			if (!strcmp(argv[0], "seq"))
				s.algo = V6FIX_ALGO_SEQ;
			else if (!strcmp(argv[0], "he"))
				s.algo = V6FIX_ALGO_HE;
			else
				v6fix_invarg("algo (seq or he)", argv[0]);
		} else if (!strcmp(key, "he-delay")) {
			s.he_delay_ms = need_ms("he-delay", argv[0]);
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
	if (v6fix_predict(&s, &p))
		v6fix_usage_error("code %d does not exist for fault %s", s.code,
				  v6fix_fault_name(s.fault));

	print_open_object(NULL);
	print_open_array("attempts");
	for (int i = 0; i < p.n; i++) {
		const struct v6fix_pred_attempt *a = &p.att[i];

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
	if (p.winner >= 0) {
		print_open_object("winner");
		print_string(PRINT_ANY, "family", "winner %s",
			     v6fix_family_name(p.att[p.winner].family));
		print_close_object();
	} else {
		print_null(PRINT_ANY, "winner", "no winner");
	}
	print_float(PRINT_ANY, "total_ms", " total %.1f ms\n", 1, p.total_ms);
	print_string(PRINT_ANY, "why", "why: %s\n", p.why);
	print_close_object();
	print_end();
	return 0;
}
