// SPDX-License-Identifier: GPL-2.0
/* The data-phase model (see model_data.h for the kernel rules it uses). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "model_data.h"

#define RTO_MIN_MS 200.0	/* TCP_RTO_MIN */
#define RETRIES1_TIMEOUT_MS ((double)((2 << 3) - 1) * RTO_MIN_MS)	/* tcp_retries1 = 3 */
#define BASE_MSS 1024		/* tcp_base_mss */
#define INIT_CWND 10		/* TCP_INIT_CWND */
#define TCP_HDR_TS 32		/* 20 + the timestamp option, 12 */

static const char *const names[V6FIX_DATA_NR] = {
	[V6FIX_DATA_HEALTHY] = "healthy",
	[V6FIX_DATA_PMTU_BLACKHOLE] = "pmtu_blackhole",
	[V6FIX_DATA_SLOW_TUNNEL] = "slow_tunnel",
};

const char *v6fix_data_fault_name(enum v6fix_data_fault f)
{
	return f < V6FIX_DATA_NR ? names[f] : "?";
}

int v6fix_data_fault_parse(const char *name)
{
	for (int i = 0; i < V6FIX_DATA_NR; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

void v6fix_data_scenario_init(struct v6fix_data_scenario *s)
{
	*s = (struct v6fix_data_scenario){
		.fault = V6FIX_DATA_HEALTHY,
		.link_mtu = 1500,
		.narrow_mtu = 1280,
		.bytes = 262144,
		.limit_ms = INFINITY,
		.algo = V6FIX_DATA_SEQ,
		.he_delay_ms = 250,
		.code = -1,
	};
}

double v6fix_data_detect_ms(double rto_ms)
{
	/* The k-th timeout, k >= 2 (one retransmission must have happened). */
	for (unsigned int k = 2; k < 31; k++)
		if (rto_ms * (double)((1u << k) - 2) >= RETRIES1_TIMEOUT_MS)
			return rto_ms * (double)((1u << k) - 1);
	return INFINITY;
}

unsigned int v6fix_data_rounds_ss(uint64_t segs, unsigned int iw)
{
	unsigned int r = 0;
	uint64_t sent = 0, cwnd = iw ? iw : 1;

	while (sent < segs) {
		sent += cwnd;
		cwnd *= 2;
		r++;
	}
	return r;
}

unsigned int v6fix_data_rounds_ca(uint64_t segs)
{
	unsigned int r = 0;
	uint64_t sent = 0;

	while (sent < segs)
		sent += ++r;
	return r;
}

static unsigned int mss_of(int family, unsigned int mtu)
{
	return mtu - (family == AF_INET6 ? 40 : 20) - TCP_HDR_TS;
}

static uint64_t segments(uint64_t bytes, unsigned int mss)
{
	return (bytes + mss - 1) / mss;
}

int v6fix_data_predict(const struct v6fix_data_scenario *s, struct v6fix_data_prediction *p)
{
	double rtt6 = 2 * s->delay_ms, rtt4 = 2 * s->delay_ms, rtt, ts;
	unsigned int mtu6 = s->link_mtu;
	int code = s->code;

	memset(p, 0, sizeof(*p));
	switch (s->fault) {
	case V6FIX_DATA_HEALTHY:
		if (code > 0)
			return -EINVAL;
		break;
	case V6FIX_DATA_PMTU_BLACKHOLE:
		if (code < 0)
			code = 0;
		if (code > 2)
			return -EINVAL;
		break;
	case V6FIX_DATA_SLOW_TUNNEL:
		if (code < 0)
			code = 6;
		if (code != 4 && code != 6)
			return -EINVAL;
		rtt6 += 2 * s->tunnel_delay_ms;
		mtu6 = s->narrow_mtu;
		break;
	default:
		return -EINVAL;
	}

	/* Who connects: IPv6 first in getaddrinfo's order. */
	p->family = AF_INET6;
	p->connect_ms = rtt6;
	if (s->only_v4 || (s->fault == V6FIX_DATA_SLOW_TUNNEL && code == 4)) {
		p->family = AF_INET;
		p->connect_ms = rtt4;
	} else if (s->algo == V6FIX_DATA_HE && rtt6 > s->he_delay_ms &&
		   s->he_delay_ms + rtt4 < rtt6) {
		p->family = AF_INET;
		p->connect_ms = s->he_delay_ms + rtt4;
	}
	rtt = p->family == AF_INET6 ? rtt6 : rtt4;
	p->mss = mss_of(p->family, p->family == AF_INET6 ? mtu6 : s->link_mtu);
	ts = p->connect_ms + rtt / 2;		/* the server sends */
	p->first_byte_ms = ts + rtt / 2;
	p->complete = true;

	if (s->fault == V6FIX_DATA_PMTU_BLACKHOLE && p->family == AF_INET6 &&
	    s->bytes > s->narrow_mtu - 40 - TCP_HDR_TS) {
		double rto = rtt + RTO_MIN_MS, detect;
		unsigned int mss;

		if (code == 0) {
			p->complete = false;
			p->last_byte_ms = s->limit_ms;
			snprintf(p->why, sizeof(p->why),
				 "segments of %u bytes exceed the %u-byte hop and its Packet Too Big "
				 "is dropped; tcp_mtu_probing 0: no black-hole detection, the "
				 "retransmissions never fit", p->mss, s->narrow_mtu);
			return 0;
		}
		detect = ts + v6fix_data_detect_ms(rto);
		mss = code == 1 ? BASE_MSS : BASE_MSS / 2;
		p->mss = mss;
		p->last_byte_ms = detect + rtt / 2 +
			(v6fix_data_rounds_ca(segments(s->bytes, mss)) - 1) * rtt;
		snprintf(p->why, sizeof(p->why),
			 "black-hole detection at the timeout %.0f ms after the lost segment "
			 "(RTO %.0f ms, tcp_retries1 3), then MSS %u (%s) from cwnd 1 in "
			 "congestion avoidance", detect - ts, rto, mss,
			 code == 1 ? "tcp_base_mss" : "probing 2: half the floor");
	} else {
		p->last_byte_ms = p->first_byte_ms +
			(v6fix_data_rounds_ss(segments(s->bytes, p->mss), INIT_CWND) - 1) * rtt;
		if (s->bytes == 0)
			p->last_byte_ms = p->first_byte_ms;
		snprintf(p->why, sizeof(p->why),
			 "%s: RTT %.0f ms, MSS %u, slow start from 10 segments%s",
			 p->family == AF_INET6 ? "IPv6" : "IPv4", rtt, p->mss,
			 s->fault == V6FIX_DATA_SLOW_TUNNEL && p->family == AF_INET6 ?
			 " (through the tunnel)" :
			 s->fault == V6FIX_DATA_PMTU_BLACKHOLE && p->family == AF_INET6 ?
			 " (small enough for the narrow hop)" : "");
	}
	if (p->last_byte_ms > s->limit_ms) {
		p->complete = false;
		p->last_byte_ms = s->limit_ms;
	}
	return 0;
}
