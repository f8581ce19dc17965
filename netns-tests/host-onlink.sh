#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix onlink on this host: the on-link assumption as a gateway-less IPv6
# default route marked proto 118 (v6fix), checked with ip -6 route.
#
#   $C (client)                               $P (peer, silent)
#     veth0 2001:db8:1::1/64 ----------------- p0
#           default via 2001:db8:1::2 (a normal default, must survive)
#     veth1 (no address) --------------------- p1
#           default dev veth1 metric 2048 (a foreign on-link default)
#     veth2 (down)
#
#   $T (timing) veth0 2001:db8:5::1/64 ------- $P: p5; no default route.
#   A connect to 2001:db8:99::1 waits for neighbour discovery with the
#   on-link default ((mcast_solicit + app_solicit) x retrans_time, then
#   EHOSTUNREACH) and fails at once without it (ENETUNREACH).
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd ip python3 timeout
[ -x "$V6FIX" ] || { log_test "host-onlink: $V6FIX built" 1; exit $ksft_fail; }

setup_ns C P T || { log_test "host-onlink: namespaces" 1; exit $ksft_fail; }
ip -n "$C" link add veth0 type veth peer name p0 netns "$P"
ip -n "$C" link add veth1 type veth peer name p1 netns "$P"
ip -n "$C" link add veth2 type veth peer name p2 netns "$P"
ip -n "$T" link add veth0 type veth peer name p5 netns "$P"
for d in p0 p1 p2 p5; do ip -n "$P" link set "$d" up; done
ip -n "$C" link set veth0 up
ip -n "$C" link set veth1 up
ip -n "$T" link set veth0 up
ip -n "$C" addr add 2001:db8:1::1/64 dev veth0 nodad
ip -n "$T" addr add 2001:db8:5::1/64 dev veth0 nodad
ip -n "$C" -6 route add default via 2001:db8:1::2 dev veth0
ip -n "$C" -6 route add default dev veth1 metric 2048

v6() { "$V6FIX" -n "$C" "$@"; }
routes() { ip -n "$C" -6 route show default; }
normal_default() { routes | grep -q '^default via 2001:db8:1::2 dev veth0 '; }
foreign_default() { routes | grep -q '^default dev veth1 .*metric 2048'; }
ours() { ip -n "$C" -6 route show default proto 118; }

# --- on --------------------------------------------------------------------------
out=$(v6 onlink on 2>&1)
check_err $? "onlink on failed: $out"
[ "$(ours | wc -l)" = 1 ] || fail "want one proto 118 default, got: $(ours)"
ours | grep -q '^default dev veth0 ' || fail "the v6fix default is not on veth0: $(ours)"
ip -n "$C" -6 route show default proto 118 | grep -q ' via ' && fail "the v6fix default has a gateway"
normal_default || fail "the normal default is gone: $(routes)"
foreign_default || fail "the foreign on-link default is gone: $(routes)"
[[ $out == *"dev veth1: skipped"* ]] || fail "on does not say veth1 was skipped: $out"
[[ $out == *veth2* ]] && fail "on touched the down veth2: $out"
log_test "onlink on: ::/0 dev veth0 proto 118; veth1 (foreign) and down veth2 left alone"

out=$(v6 onlink on 2>&1)
check_err $? "second onlink on failed: $out"
[ "$(ours | wc -l)" = 1 ] || fail "second on changed the routes: $(ours)"
[[ $out == *"dev veth0: already on"* ]] || fail "second on does not say 'already': $out"
log_test "onlink on again: nothing added"

# --- show: routes and the ND timers, against the namespace's sysctls -------------
ip netns exec "$C" sysctl -qw net.ipv6.neigh.veth0.mcast_solicit=4 \
	net.ipv6.neigh.veth0.retrans_time_ms=500 net.ipv6.neigh.veth0.ucast_solicit=5
sysctls=$(ip netns exec "$C" sysctl -n net.ipv6.neigh.veth0.mcast_solicit \
	  net.ipv6.neigh.veth0.retrans_time_ms net.ipv6.neigh.veth0.ucast_solicit)
json=$(v6 -j onlink show)
check_err $? "onlink show -j failed"
python3 - "$json" $sysctls <<'EOF' || fail "onlink show -j does not match ip and sysctl"
import json, sys
want = tuple(int(x) for x in sys.argv[2:5])
assert want == (4, 500, 5), want
d = {i["ifname"]: i for i in json.loads(sys.argv[1])["interfaces"]}
assert set(d) == {"veth0", "veth1"}, d.keys()
r0 = d["veth0"]["onlink_defaults"]
assert len(r0) == 1 and r0[0]["v6fix"] and r0[0]["protocol_num"] == 118, r0
r1 = d["veth1"]["onlink_defaults"]
assert len(r1) == 1 and not r1[0]["v6fix"] and r1[0]["metric"] == 2048, r1
nd = d["veth0"]["nd"]
assert (nd["mcast_solicit"], nd["retrans_time_ms"], nd["ucast_solicit"]) == want, nd
assert nd["expected_delay_ms"] == 2000, nd
assert d["veth1"]["nd"]["retrans_time_ms"] == 1000, d["veth1"]["nd"]
EOF
v6 onlink show | grep -q 'expected delay 2000 ms' || fail "text show lacks the expected delay"
log_test "onlink show: v6fix's and the foreign default, ND timers as in sysctl"

# --- off -------------------------------------------------------------------------
out=$(v6 onlink off 2>&1)
check_err $? "onlink off failed: $out"
[ -z "$(ours)" ] || fail "a proto 118 default is left: $(ours)"
normal_default || fail "off removed the normal default: $(routes)"
foreign_default || fail "off removed the foreign on-link default: $(routes)"
[[ $out == *"dev veth1: kept foreign"* ]] || fail "off does not report the foreign default: $out"
log_test "onlink off: only v6fix's route goes; foreign and normal defaults survive"

v6 onlink on dev veth0 veth1 metric 77 >/dev/null
ours | grep -q '^default dev veth0 .*metric 77' || fail "on dev veth0 veth1 metric 77: $(ours)"
[ "$(ours | wc -l)" = 1 ] || fail "on dev veth0 veth1 added on veth1 despite its foreign default"
out=$(v6 onlink off --force 2>&1)
check_err $? "onlink off --force failed: $out"
[ -z "$(ours)" ] || fail "--force left a proto 118 default: $(ours)"
foreign_default && fail "--force kept the foreign on-link default"
normal_default || fail "--force removed the normal default (it has a gateway): $(routes)"
[[ $out == *"dev veth1: removed foreign on-link default"*"--force"* ]] ||
	fail "--force does not say which foreign route it removed: $out"
log_test "onlink off --force: the foreign on-link default goes too, the normal one stays"

# --- errors: bad input changes nothing; kernel errors carry its words -------------
before=$(ip -n "$C" -6 route show table all)
for args in "on dev nosuch" "on dev" "on metric" "on metric -1" "on metric 4294967296" \
	    "on bogus" "off --forc" "off metric 5" "on --force" "show extra" "flip"; do
	err=$(v6 onlink $args 2>&1 >/dev/null)
	rc=$?
	[ $rc = 2 ] || fail "'onlink $args' exited $rc, want 2"
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'onlink $args': not one line: $err"
done
[ "$before" = "$(ip -n "$C" -6 route show table all)" ] || fail "bad input changed the routes"
log_test "onlink bad input: one line, exit 2, routes unchanged"

err=$(v6 onlink on dev veth2 2>&1 >/dev/null)
rc=$?
[ $rc = 1 ] || fail "on a down interface exited $rc, want 1"
[[ $err == *"dev veth2"*"not up"* ]] || fail "no kernel extack text: $err"
log_test "onlink on a down interface: exit 1 with the kernel's message"

v6 onlink help | grep -q '^Usage: v6fix .*onlink show'
check_err $? "onlink help"
log_test "onlink help"

# The name `make install` registers, seen by ip in a private mount namespace
# (the host's /etc/iproute2 stays as it is).
if command -v unshare >/dev/null; then
	protos=$(mktemp -d)
	defer rm -rf "$protos"
	cp /etc/iproute2/rt_protos.d/* "$protos"/ 2>/dev/null
	cp "$TOP/userspace/v6fix.rt_protos" "$protos/v6fix.conf"
	v6 onlink on dev veth0 >/dev/null
	named=$(unshare -m sh -c 'mount --make-rprivate / &&
		mount --bind "$1" /etc/iproute2/rt_protos.d && ip -n "$2" -6 route show default' \
		sh "$protos" "$C")
	[[ $named == *"default dev veth0 proto v6fix "* ]] || fail "ip does not name proto 118 v6fix: $named"
	v6 onlink off >/dev/null
	log_test "rt_protos.d/v6fix.conf: ip -6 route says proto v6fix"
else
	log_test "rt_protos.d/v6fix.conf: needs unshare" $ksft_skip
fi

# --- timing: the on-link assumption costs ND's timeout; without it, nothing -------
# (mcast_solicit + app_solicit) x retrans_time = 2 x 400 ms, below TCP's 1 s SYN RTO.
ip netns exec "$T" sysctl -qw net.ipv6.neigh.veth0.mcast_solicit=2 \
	net.ipv6.neigh.veth0.app_solicit=0 net.ipv6.neigh.veth0.retrans_time_ms=400
# connect_ms: time a TCP connect to an off-link address; prints "MS ERRORTEXT".
connect_ms() {
	local t0 t1 err
	t0=$(now_ms)
	err=$(ip netns exec "$T" timeout 10 bash -c 'exec 3<>/dev/tcp/2001:db8:99::1/80' 2>&1)
	t1=$(now_ms)
	echo "$((t1 - t0)) $err"
}

"$V6FIX" -n "$T" onlink on >/dev/null
expect=$("$V6FIX" -n "$T" -j onlink show |
	 python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["nd"]["expected_delay_ms"])')
[ "$expect" = 800 ] || fail "onlink show expects $expect ms, want 800"
read -r ms err < <(connect_ms)
[[ $err == *"No route to host"* ]] || fail "with the on-link default: '$err', want EHOSTUNREACH"
{ [ "$ms" -ge $((expect * 3 / 4)) ] && [ "$ms" -le $((expect + 1500)) ]; } ||
	fail "with the on-link default the connect took $ms ms, want about $expect"
log_test "timing, on-link default on: EHOSTUNREACH after $ms ms (ND expects $expect)"

"$V6FIX" -n "$T" onlink off >/dev/null
read -r ms err < <(connect_ms)
[[ $err == *"Network is unreachable"* ]] || fail "without the on-link default: '$err', want ENETUNREACH"
[ "$ms" -le 500 ] || fail "without the on-link default the connect took $ms ms, want at once"
log_test "timing, on-link default off: ENETUNREACH after $ms ms"

exit $EXIT_STATUS
