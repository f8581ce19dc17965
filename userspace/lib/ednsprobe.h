/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS messages of fwcheck's EDNS0 test, built and parsed with libldns
 * (no DNS wire format by hand): a query with an EDNS0 OPT record
 * advertising a UDP buffer size, and what its answer says. Small on
 * purpose, so a shared lib/dns.[ch] can take it over.
 */
#ifndef V6FIX_EDNSPROBE_H
#define V6FIX_EDNSPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 9715 / DNS flag day 2020: answers above this need a large buffer. */
#define V6FIX_EDNS_SAFE_SIZE 1232

/*
 * A query for @name, type @type ("TXT", "A", ...: ldns's names), RD set,
 * EDNS0 with UDP payload size @bufsize, message id @id. *@wire is
 * malloc'ed. Returns 0, or -1 when @name or @type is not valid.
 */
int v6fix_edns_query(const char *name, const char *type, uint16_t bufsize, uint16_t id,
		     uint8_t **wire, size_t *len);

struct v6fix_edns_answer {
	uint16_t id;
	bool tc;		/* truncated: the server wants TCP */
	int rcode;
	unsigned int ancount;
	bool edns;		/* the answer has an OPT record */
	uint16_t udp_size;	/* the server's advertised size, if edns */
};

/* Parse an answer; -1 when it is not a DNS message. */
int v6fix_edns_parse(const uint8_t *wire, size_t len, struct v6fix_edns_answer *a);

/* Whether ldns knows record type @type ("TXT", "TYPE65", ...). */
bool v6fix_edns_type_ok(const char *type);

/* "NOERROR", "SERVFAIL", ... */
const char *v6fix_edns_rcode_name(int rcode);

#endif
