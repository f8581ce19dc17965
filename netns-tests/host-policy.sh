#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix policy on this host: /etc/netns/NS/gai.conf as glibc reads it for
# `ip netns exec NS`, checked with getent ahosts; `policy explain`'s model
# of glibc checked against getaddrinfo's own order.
#
#   $C (client)                                  $P (peer)
#     veth0 2001:db8:1::1/64, 192.0.2.1/24 ------ p0
#     default routes via 2001:db8:1::2 and 192.0.2.2
#     unreachable 2001:db8:dead::/48 (no source: RFC 6724 rule 1)
#   /etc/netns/$C/hosts: dual.test (one address each), many.test (several)
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd ip python3 getent
[ -x "$V6FIX" ] || { log_test "host-policy: $V6FIX built" 1; exit $ksft_fail; }
if [ ! -e /etc/gai.conf ]; then
	# ip netns exec binds /etc/netns/NS/gai.conf only over an existing file.
	log_test "host-policy: needs /etc/gai.conf (ip netns exec binds over it)" $ksft_skip
	exit $ksft_skip
fi

setup_ns C P || { log_test "host-policy: namespaces" 1; exit $ksft_fail; }
ip -n "$C" link add veth0 type veth peer name p0 netns "$P"
ip -n "$C" link set veth0 up
ip -n "$P" link set p0 up
ip -n "$C" addr add 2001:db8:1::1/64 dev veth0 nodad
ip -n "$C" addr add 192.0.2.1/24 dev veth0
ip -n "$C" -6 route add default via 2001:db8:1::2 dev veth0
ip -n "$C" route add default via 192.0.2.2 dev veth0
ip -n "$C" -6 route add unreachable 2001:db8:dead::/48

ETC=/etc/netns/$C
GAI=$ETC/gai.conf
mkdir -p "$ETC"
cat >"$ETC/hosts" <<EOF
127.0.0.1 localhost
2001:db8:2::10 dual.test
198.51.100.10 dual.test
198.51.100.20 many.test
2001:db8:dead::1 many.test
fd00::10 many.test
2002:c000:201::1 many.test
2001:db8:2::10 many.test
192.0.2.77 many.test
10.9.9.9 many.test
2001:db8:1::99 many.test
EOF

v6() { "$V6FIX" -n "$C" "$@"; }
# order NAME: the addresses getaddrinfo returns in $C, one per line.
order() { ip netns exec "$C" getent ahosts "$1" | awk '$2 == "STREAM" { print $1 }'; }
first() { order "$1" | head -n 1; }
# explained NAME: v6fix's JSON explanation, checked against getent; prints the
# rule of each neighbouring pair ("6 10 ...").
explained() {
	local json
	json=$(v6 -j policy explain "$1") || { fail "policy explain $1 failed"; return 1; }
	python3 - "$json" "$(order "$1")" <<'EOF' || { fail "explain $1 disagrees with getent: $json"; return 1; }
import json, sys
d = json.loads(sys.argv[1])
gai = [a["address"] for a in d["addresses"]]
getent = sys.argv[2].split()
assert gai == getent, (gai, getent)
assert d["model_order"] == getent, (d["model_order"], getent)
assert d["agrees"] and all(x["model_agrees"] for x in d["decisions"]), d
print(" ".join(str(x["rule"]) for x in d["decisions"]))
EOF
}

[ "$(first dual.test)" = 2001:db8:2::10 ] || fail "glibc's default does not put IPv6 first: $(order dual.test)"
rules=$(explained dual.test) && [ "$rules" = 6 ] || fail "default: want rule 6, got '$rules'"
log_test "default policy: IPv6 first for dual.test, by rule 6 (precedence)"

rules=$(explained many.test)
# Each of rules 1, 5, 6, 9 and 10 decides some pair of many.test.
for r in 1 5 6 9 10; do
	[[ " $rules " == *" $r "* ]] || fail "many.test: rule $r decided nothing ('$rules'): $(order many.test)"
done
log_test "explain many.test: model = getaddrinfo order (rules: $rules)"

# --- a file of one's own is kept --------------------------------------------------
cat >"$GAI" <<'EOF'
# a comment of the namespace's owner
reload no
scopev4 ::ffff:169.254.0.0/112  2
EOF
mine() { grep -qxF '# a comment of the namespace'"'"'s owner' "$GAI" && grep -qxF 'reload no' "$GAI" &&
	 grep -qxF 'scopev4 ::ffff:169.254.0.0/112  2' "$GAI"; }
[ "$(first dual.test)" = 2001:db8:2::10 ] || fail "a gai.conf without precedence changed the order"

out=$(v6 policy prefer ipv4 2>&1)
check_err $? "policy prefer ipv4 failed: $out"
grep -qx 'precedence ::ffff:0:0/96 100' "$GAI" || fail "no 'precedence ::ffff:0:0/96 100' in $GAI"
mine || fail "prefer ipv4 lost the owner's lines: $(cat "$GAI")"
[ "$(first dual.test)" = 198.51.100.10 ] || fail "prefer ipv4 did not flip getaddrinfo: $(order dual.test)"
rules=$(explained dual.test) && [ "$rules" = 6 ] || fail "prefer ipv4: want rule 6, got '$rules'"
explained many.test >/dev/null
log_test "policy prefer ipv4: getent ahosts puts IPv4 first; own lines kept"

v6 policy set precedence 2001:db8:2::/48 200 >/dev/null
check_err $? "policy set precedence failed"
[ "$(first dual.test)" = 2001:db8:2::10 ] || fail "precedence 200 for 2001:db8:2::/48 did not win"
json=$(v6 -j policy explain dual.test 443)
python3 - "$json" <<'EOF' || fail "explain after set: $json"
import json, sys
d = json.loads(sys.argv[1])
assert d["port"] == "443" and d["policy_file"].endswith("/gai.conf"), d
x = d["decisions"][0]
assert x["rule"] == 6 and "200 > 100" in x["detail"], x
EOF
v6 policy show | grep -qE '^ +2001:db8:2::/48 +200$' || fail "policy show lacks the new entry"
log_test "policy set precedence 2001:db8:2::/48 200: that address first again"

out=$(v6 policy reset 2>&1)
check_err $? "policy reset failed: $out"
grep -qE '^(label|precedence)' "$GAI" && fail "reset left label or precedence lines: $(cat "$GAI")"
grep -q 'v6fix' "$GAI" && fail "reset left v6fix's comments: $(cat "$GAI")"
mine || fail "reset lost the owner's lines: $(cat "$GAI")"
[ "$(first dual.test)" = 2001:db8:2::10 ] || fail "reset did not bring IPv6 back first"
log_test "policy reset: glibc's defaults again, own lines kept"

rm -f "$GAI"
v6 policy prefer ipv4 >/dev/null && v6 policy prefer ipv6 >/dev/null
[ "$(first dual.test)" = 2001:db8:2::10 ] || fail "prefer ipv6 after ipv4: $(order dual.test)"
v6 policy reset >/dev/null
[ -e "$GAI" ] && fail "reset of v6fix's own file left it: $(cat "$GAI")"
log_test "policy prefer ipv6; reset removes a file only v6fix wrote"

# --- without -n: a dry run unless --system ------------------------------------------
sum=$(sha256sum /etc/gai.conf)
out=$("$V6FIX" policy prefer ipv4 2>/tmp/v6fix-policy-err.$$)
rc=$?
err=$(cat /tmp/v6fix-policy-err.$$)
rm -f /tmp/v6fix-policy-err.$$
[ $rc = 0 ] || fail "dry run exited $rc"
[[ $out == *"precedence ::ffff:0:0/96 100"* ]] || fail "dry run does not print the new file: $out"
[[ $err == *"--system"* ]] || fail "dry run does not say how to write: $err"
[ "$sum" = "$(sha256sum /etc/gai.conf)" ] || fail "the dry run changed /etc/gai.conf"
log_test "policy without -n: prints the file, /etc/gai.conf untouched"

# --- bad input: one line, exit 2, nothing changed ------------------------------------
v6 policy prefer ipv4 >/dev/null
sum=$(sha256sum "$GAI")
for args in "set precedence 2001:db8::/129 5" "set precedence 2001:db8::1/32 5" \
	    "set precedence ::/0 -1" "set precedence ::/0 2147483648" "set label ::/0 x" \
	    "set weight ::/0 1" "set precedence ::/0" "set" "prefer ipv5" "prefer" \
	    "reset now" "show all" "explain" "explain dual.test nosuchport" \
	    "explain a b c" "reset --system" "frob"; do
	err=$(v6 policy $args 2>&1 >/dev/null)
	rc=$?
	[ $rc = 2 ] || fail "'policy $args' exited $rc, want 2"
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'policy $args': not one line: $err"
done
[ "$sum" = "$(sha256sum "$GAI")" ] || fail "bad input changed $GAI"
log_test "policy bad input: one line, exit 2, file unchanged (17 cases)"

v6 policy help | grep -q '^Usage: v6fix .*policy show'
check_err $? "policy help"
log_test "policy help"

exit $EXIT_STATUS
