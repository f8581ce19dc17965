// SPDX-License-Identifier: GPL-2.0
/*
 * NLMSG_ERROR messages and their extended-ack text. Here nlmsg_len is the
 * fuzzer's, not the input size: v6fix_nlerr_parse() promises to check it
 * against the length it is given. Any text it returns must lie inside the
 * message and be NUL-terminated there.
 */
#include <string.h>

#include "extack.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	const char *msg = NULL;
	const char *end;

	if (size < NLMSG_HDRLEN)
		return 0;
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	(void)v6fix_nlerr_parse(nlh, size, &msg);
	if (msg) {
		end = (const char *)nlh + size;
		if (msg < (const char *)nlh || msg >= end || !memchr(msg, '\0', (size_t)(end - msg)))
			abort();
	}
	free(nlh);
	return 0;
}
