/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A socket address as text, the way the v6pc guide's servers print their
 * peer: getnameinfo(NI_NUMERICHOST | NI_NUMERICSERV) on a sockaddr_storage,
 * so one code path serves either family. glibc's getnameinfo() formats IPv6
 * with inet_ntop(), which follows RFC 5952 (lower case, leading zeros
 * dropped, the longest run of two or more zero fields, the first of equal
 * runs, compressed to "::"), writes a v4-mapped address as ::ffff:a.b.c.d and
 * appends a link-local scope as %IFNAME (%N when no interface has index N).
 */
#ifndef V6FIX_ADDRTEXT_H
#define V6FIX_ADDRTEXT_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct v6fix_addrtext {
	int family;		/* AF_INET or AF_INET6, after unmapping */
	bool mapped;		/* it arrived as ::ffff:a.b.c.d on an AF_INET6 socket */
	uint16_t port;
	char host[NI_MAXHOST];
};

/*
 * Format @sa (@len bytes). With @unmap, a v4-mapped IPv6 address is turned
 * into the AF_INET address it stands for first (family AF_INET, mapped
 * true); without, it is printed as getnameinfo() prints it. Returns 0, or
 * an EAI_* code (the family is not AF_INET/AF_INET6, @len too short).
 */
int v6fix_addrtext(const struct sockaddr *sa, socklen_t len, bool unmap,
		   struct v6fix_addrtext *out);

#endif
