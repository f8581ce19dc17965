// SPDX-License-Identifier: GPL-2.0
/*
 * The small number parsers behind every CLI value: v6fix_parse_u32 (retries,
 * metric, queue, pid), v6fix_parse_duration_ms (connect --delay, delayline),
 * iproute2-style keyword matching. The first byte picks a maximum / unit so
 * both branches are explored; results are checked against the contract.
 */
#include <math.h>

#include "fuzz.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t maxes[] = { 0, 1, 127, 65535, INT32_MAX, UINT32_MAX };
	uint32_t max, v;
	double ms;
	char *s;

	if (size < 1)
		return 0;
	max = maxes[data[0] % (sizeof(maxes) / sizeof(maxes[0]))];
	s = fuzz_strdup(data + 1, size - 1);
	if (!s)
		return 0;
	if (v6fix_parse_u32(s, max, &v) == 0 && v > max)
		abort();
	if (v6fix_parse_duration_ms(s, (data[0] & 0x80) ? 1000 : 1, &ms) == 0 &&
	    !(isfinite(ms) && ms >= 0))
		abort();
	(void)v6fix_matches(s, "policy");
	free(s);
	return 0;
}
