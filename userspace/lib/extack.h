/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink error messages: the errno of an NLMSG_ERROR and the kernel's
 * extended-ack text, read the same way for rtnetlink (libmnl) and for the
 * v6fix family (libnl), so both show users the kernel's own words.
 */
#ifndef V6FIX_EXTACK_H
#define V6FIX_EXTACK_H

#include <stddef.h>
#include <linux/netlink.h>

/*
 * @nlh is a whole NLMSG_ERROR message of @len bytes (len >= nlmsg_len is
 * checked). Returns the (negative) error, 0 for an ACK, or -EBADMSG when the
 * message is malformed; *@msg is set to the extack text inside @nlh, or NULL.
 */
int v6fix_nlerr_parse(const struct nlmsghdr *nlh, size_t len, const char **msg);

/* A per-process copy of the last extack text, "" if none. */
extern char v6fix_extack[256];

#endif
