// SPDX-License-Identifier: GPL-2.0
/* EDNS0 queries and answers on libldns (see ednsprobe.h). */
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "ednsprobe.h"

int v6fix_edns_query(const char *name, const char *type, uint16_t bufsize, uint16_t id,
		     uint8_t **wire, size_t *len)
{
	ldns_rr_type t = ldns_get_rr_type_by_name(type);
	ldns_rdf *dname;
	ldns_pkt *pkt;
	ldns_status st;

	*wire = NULL;
	*len = 0;
	if (!t || !*name)
		return -1;
	dname = ldns_dname_new_frm_str(name);
	if (!dname)
		return -1;
	/* ldns_pkt_query_new takes the owner name. */
	pkt = ldns_pkt_query_new(dname, t, LDNS_RR_CLASS_IN, LDNS_RD);
	if (!pkt)
		return -1;
	ldns_pkt_set_id(pkt, id);
	ldns_pkt_set_edns_udp_size(pkt, bufsize);
	ldns_pkt_set_edns_do(pkt, false);	/* a non-zero size makes ldns add the OPT */
	st = ldns_pkt2wire(wire, pkt, len);
	ldns_pkt_free(pkt);
	return st == LDNS_STATUS_OK ? 0 : -1;
}

int v6fix_edns_parse(const uint8_t *wire, size_t len, struct v6fix_edns_answer *a)
{
	ldns_pkt *pkt = NULL;

	memset(a, 0, sizeof(*a));
	if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK)
		return -1;
	a->id = ldns_pkt_id(pkt);
	a->tc = ldns_pkt_tc(pkt);
	a->rcode = ldns_pkt_get_rcode(pkt);
	a->ancount = ldns_pkt_ancount(pkt);
	a->edns = ldns_pkt_edns(pkt);
	a->udp_size = a->edns ? ldns_pkt_edns_udp_size(pkt) : 0;
	ldns_pkt_free(pkt);
	return 0;
}

const char *v6fix_edns_rcode_name(int rcode)
{
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);

	return lt ? lt->name : "RCODE?";
}

bool v6fix_edns_type_ok(const char *type)
{
	return ldns_get_rr_type_by_name(type) != 0;
}
