// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix predict for the data-phase faults (lib/model_data.c): printed in
 * the shape of `v6fix connect --transfer`, plus the reason. Entered from
 * do_predict() when the fault is one of faults-data.sh.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "attempt.h"
#include "model_data.h"
#include "print.h"
#include "util.h"
#include "v6fix.h"

static double need_ms(const char *what, const char *arg, double unit)
{
	double ms;

	if (v6fix_parse_duration_ms(arg, unit, &ms) || ms > 86400 * 1000.0)
		v6fix_invarg(what, arg);
	return ms;
}

int do_predict_data(int argc, char **argv)
{
	struct v6fix_data_scenario s;
	struct v6fix_data_prediction p;
	uint32_t v;

	v6fix_data_scenario_init(&s);
	for (; argc > 0; argc--, argv++) {
		const char *key = argv[0];

		if (!strcmp(key, "-4")) {
			s.only_v4 = true;
			continue;
		}
		if (argc < 2)
			v6fix_usage_error("\"%s\" needs a value (try 'v6fix predict help')", key);
		argc--, argv++;
		if (!strcmp(key, "fault")) {
			s.fault = v6fix_data_fault_parse(argv[0]);
		} else if (!strcmp(key, "code")) {
			if (v6fix_parse_u32(argv[0], 6, &v))
				v6fix_invarg("code (pmtu_blackhole: 0-2, slow_tunnel: 4 or 6)", argv[0]);
			s.code = (int)v;
		} else if (!strcmp(key, "algo")) {
			if (!strcmp(argv[0], "seq"))
				s.algo = V6FIX_DATA_SEQ;
			else if (!strcmp(argv[0], "he"))
				s.algo = V6FIX_DATA_HE;
			else
				v6fix_invarg("algo (seq or he)", argv[0]);
		} else if (!strcmp(key, "he-delay")) {
			s.he_delay_ms = need_ms("he-delay", argv[0], 1);
		} else if (!strcmp(key, "delay")) {
			s.delay_ms = need_ms("delay", argv[0], 1);
		} else if (!strcmp(key, "tunnel-delay")) {
			s.tunnel_delay_ms = need_ms("tunnel-delay", argv[0], 1);
		} else if (!strcmp(key, "bytes")) {
			if (v6fix_parse_u32(argv[0], UINT32_MAX, &v))
				v6fix_invarg("bytes", argv[0]);
			s.bytes = v;
		} else if (!strcmp(key, "limit")) {
			s.limit_ms = need_ms("limit (s)", argv[0], 1000);
		} else if (!strcmp(key, "mtu")) {
			if (v6fix_parse_u32(argv[0], 1500, &v) || v < 1280)
				v6fix_invarg("mtu (1280-1500)", argv[0]);
			s.narrow_mtu = v;
		} else if (!strcmp(key, "kernel") || !strcmp(key, "policy") ||
			   !strcmp(key, "policy4") || !strcmp(key, "syn-retries") ||
			   !strcmp(key, "syn-linear") || !strcmp(key, "bsd-retries") ||
			   !strcmp(key, "nd-solicit") || !strcmp(key, "nd-retrans")) {
			/* The connect phase's settings: no effect after the handshake. */
		} else {
			v6fix_usage_error("unknown argument \"%s\" (try 'v6fix predict help')", key);
		}
	}
	if (v6fix_data_predict(&s, &p))
		v6fix_usage_error("code %d does not exist for fault %s", s.code,
				  v6fix_data_fault_name(s.fault));

	print_open_object(NULL);
	print_open_array("attempts");
	print_open_object(NULL);
	print_string(PRINT_ANY, "family", "attempt %-5s", v6fix_family_name(p.family));
	print_float(PRINT_ANY, "start_ms", " start %.1f ms", 1, 0);
	print_float(PRINT_ANY, "end_ms", " end %.1f ms", 1, p.connect_ms);
	print_string(PRINT_ANY, "result", " %s\n", "ok");
	print_close_object();
	print_close_array();
	print_open_object("winner");
	print_string(PRINT_ANY, "family", "winner %s", v6fix_family_name(p.family));
	print_close_object();
	print_float(PRINT_ANY, "total_ms", " total %.1f ms\n", 1, p.connect_ms);
	print_open_object("transfer");
	print_uint(PRINT_ANY, "bytes", "transfer %llu bytes", (unsigned long long)s.bytes);
	print_uint(PRINT_ANY, "mss", " mss %llu", p.mss);
	print_float(PRINT_ANY, "first_byte_ms", " first byte %.1f ms", 1, p.first_byte_ms);
	if (isfinite(p.last_byte_ms))
		print_float(PRINT_ANY, "last_byte_ms", " last byte %.1f ms", 1, p.last_byte_ms);
	else
		print_null(PRINT_ANY, "last_byte_ms", " last byte never");
	print_bool(PRINT_ANY, "complete", " complete %s\n", p.complete);
	print_close_object();
	print_string(PRINT_ANY, "why", "why: %s\n", p.why);
	print_close_object();
	print_end();
	return 0;
}
