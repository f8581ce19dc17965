/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the libFuzzer targets: the input as a NUL-terminated
 * string, or as a netlink message with nlmsg_len set to the input's size,
 * the way mnl_cb_run() and libnl hand messages to parsers after checking it
 * against what recv() returned. The buffer ends at the message's 4-byte
 * alignment (zero padding), as the kernel pads every message it sends:
 * libmnl's attribute walk trusts the aligned end (mnl_nlmsg_get_payload_tail),
 * so an exact-size buffer reports reads of the padding, which a real receive
 * buffer always holds. Anything further is caught.
 */
#ifndef V6FIX_FUZZ_H
#define V6FIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* malloc'd copy of @data with a NUL after it (embedded NULs cut it short). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* malloc'd netlink message of @size bytes (plus padding), or NULL if too short for a header. */
static inline struct nlmsghdr *fuzz_nlmsg(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;

	if (size < NLMSG_HDRLEN || size > UINT32_MAX)
		return NULL;
	nlh = calloc(1, NLMSG_ALIGN(size));
	if (nlh) {
		memcpy(nlh, data, size);
		nlh->nlmsg_len = (uint32_t)size;
	}
	return nlh;
}

#endif
