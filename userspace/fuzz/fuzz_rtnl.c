// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink replies: the first byte picks the parser (route, address label,
 * link, address, neighbour table), the rest is the message. Each parser must
 * either refuse it or fill its struct without reading past the message.
 */
#include <string.h>

#include "fuzz.h"
#include "rtnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	union {
		struct v6fix_route rt;
		struct v6fix_addrlabel al;
		struct v6fix_link l;
		struct v6fix_addr a;
		struct v6fix_nd_parms p;
	} u;

	if (size < 1)
		return 0;
	nlh = fuzz_nlmsg(data + 1, size - 1);
	if (!nlh)
		return 0;
	memset(&u, 0, sizeof(u));
	switch (data[0] % 5) {
	case 0:
		if (v6fix_rtnl_parse_route(nlh, &u.rt) == 0)
			(void)v6fix_route_is_onlink_default(&u.rt);
		break;
	case 1:
		(void)v6fix_rtnl_parse_addrlabel(nlh, &u.al);
		break;
	case 2:
		if (v6fix_rtnl_parse_link(nlh, &u.l) == 0 &&
		    !memchr(u.l.name, '\0', sizeof(u.l.name)))
			abort();	/* the name must be a C string */
		break;
	case 3:
		(void)v6fix_rtnl_parse_addr(nlh, &u.a);
		break;
	case 4:
		(void)v6fix_rtnl_parse_neightbl(nlh, &u.p);
		break;
	}
	free(nlh);
	return 0;
}
