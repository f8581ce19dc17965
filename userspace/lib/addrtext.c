// SPDX-License-Identifier: GPL-2.0
/* Socket addresses as RFC 5952 text (see addrtext.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addrtext.h"

int v6fix_addrtext(const struct sockaddr *sa, socklen_t len, bool unmap,
		   struct v6fix_addrtext *out)
{
	struct sockaddr_storage ss;
	char serv[NI_MAXSERV];
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > sizeof(ss) || len < sizeof(sa_family_t))
		return EAI_FAMILY;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, len);
	if (ss.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

		if (unmap && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			struct sockaddr_in s4 = {
				.sin_family = AF_INET,
				.sin_port = s6->sin6_port,
			};

			memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
			memset(&ss, 0, sizeof(ss));
			memcpy(&ss, &s4, sizeof(s4));
			len = sizeof(s4);
			out->mapped = true;
		}
	} else if (!(ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in))) {
		return EAI_FAMILY;
	}
	rc = getnameinfo((struct sockaddr *)&ss, len, out->host, sizeof(out->host),
			 serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	if (rc)
		return rc;
	out->family = ss.ss_family;
	out->port = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
					    : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}
