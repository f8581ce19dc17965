// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver model's parsers (model_dns.h): resolv.conf options as
 * `predict resolv-options` and the matrix pass them, and DNS fault names with
 * their argument. The first byte picks the fault and the resolver; a parsed
 * scenario must be one the model accepts, with a finite, non-negative
 * lookup time and options within their documented ranges.
 */
#include <math.h>

#include "fuzz.h"
#include "model_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const faults[] = {
		"dns_ok", "dns_ignore_aaaa", "dns_nxdomain_aaaa", "dns_rcode_aaaa",
		"dns_broken_aaaa", "dns_lame_aaaa", "dns_v6_transport",
	};
	struct v6fix_dns_scenario s;
	struct v6fix_dns_prediction p;
	const char *fault;
	char *str;

	if (size < 1)
		return 0;
	fault = faults[(data[0] & 0x7f) % (sizeof(faults) / sizeof(faults[0]))];
	str = fuzz_strdup(data + 1, size - 1);
	if (!str)
		return 0;
	v6fix_dns_scenario_init(&s);
	s.resolver = (data[0] & 0x80) ? V6FIX_DNS_DIRECT : V6FIX_DNS_CACHE;
	s.delay_ms = 10;
	/* The same bytes as the fault's argument: most are refused. */
	if (v6fix_dns_fault_parse(fault, str, &s) && v6fix_dns_fault_parse(fault, NULL, &s))
		abort();
	if (v6fix_dns_options_parse(str, &s) == 0) {
		if (s.timeout_s < 1 || s.timeout_s > 30 || s.attempts < 1 || s.attempts > 5)
			abort();
		if (v6fix_dns_predict(&s, &p) || !isfinite(p.resolve_ms) || p.resolve_ms < 0 ||
		    (p.failed && !p.error) || (!p.failed && !p.have_a && !p.have_aaaa))
			abort();
	}
	free(str);
	return 0;
}
