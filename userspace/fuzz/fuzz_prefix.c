// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 prefixes (label, policy, onlink arguments and gai.conf lines), address
 * labels and gai.conf values. A prefix that parses must print back to text
 * that parses to the same prefix, with no host bits set.
 */
#include "fuzz.h"
#include "prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct v6fix_prefix p, q, m;
	char buf[V6FIX_PREFIX_STRLEN];
	const char *why;
	unsigned int flags;
	uint32_t v;
	char *s;

	if (size < 1)
		return 0;
	flags = data[0] & (V6FIX_PREFIX_ALLOW_BARE | V6FIX_PREFIX_ALLOW_V4);
	s = fuzz_strdup(data + 1, size - 1);
	if (!s)
		return 0;
	if (v6fix_prefix_parse(s, flags, &p, &why) == 0) {
		if (p.len > 128)
			abort();
		m = p;
		v6fix_prefix_mask(&m.addr, m.len);
		if (!v6fix_prefix_equal(&m, &p) || !v6fix_prefix_contains(&p, &p.addr))
			abort();
		v6fix_prefix_str(&p, buf, sizeof(buf));
		if (v6fix_prefix_parse(buf, 0, &q, NULL) || !v6fix_prefix_equal(&p, &q))
			abort();
		if (v6fix_common_prefix_len(&p.addr, &q.addr) != 128)
			abort();
	} else if (!why) {
		abort();	/* the user must be told why */
	}
	if (v6fix_parse_addrlabel(s, &v) == 0 && v == 0xffffffffu)
		abort();
	if (v6fix_parse_gai_value(s, &v) == 0 && v > 0x7fffffffu)
		abort();
	free(s);
	return 0;
}
