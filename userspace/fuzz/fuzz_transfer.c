// SPDX-License-Identifier: GPL-2.0
/*
 * The data phase's request parser (serve's side of connect --transfer,
 * v6fix_transfer_parse_request) on any bytes, and fwcheck's DNS answer
 * wrapper (v6fix_edns_parse, libldns underneath) on the same bytes. A
 * request it accepts must start "GET /", name at most V6FIX_TRANSFER_MAX
 * bytes and parse back to the same number once printed.
 */
#include <stdio.h>

#include "ednsprobe.h"
#include "fuzz.h"
#include "transfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct v6fix_edns_answer a;
	uint64_t bytes, again;
	char req[64];
	int n;

	if (v6fix_transfer_parse_request((const char *)data, size, &bytes)) {
		if (size < 5 || memcmp(data, "GET /", 5) || bytes > V6FIX_TRANSFER_MAX)
			abort();
		n = snprintf(req, sizeof(req), "GET /%llu HTTP/1.0\r\n", (unsigned long long)bytes);
		if (!v6fix_transfer_parse_request(req, (size_t)n, &again) || again != bytes)
			abort();
	}
	if (v6fix_edns_parse(data, size, &a) == 0 && a.rcode < 0)
		abort();
	return 0;
}
