#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix label on this host: the kernel's IPv6 address label table, each
# change checked with `ip addrlabel`, and `reset` compared with the table of
# a namespace nobody touched.
#
#   $FRESH   a new namespace: the kernel's default table, the reference
#   $L       the namespace v6fix changes
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd ip python3 jq
[ -x "$V6FIX" ] || { log_test "host-label: $V6FIX built" 1; exit $ksft_fail; }

setup_ns FRESH L || { log_test "host-label: namespaces" 1; exit $ksft_fail; }

v6() { "$V6FIX" -n "$L" "$@"; }
table() { ip -n "$L" addrlabel list; }
fresh=$(ip -n "$FRESH" addrlabel list)

[ "$(printf '%s\n' "$fresh" | wc -l)" = 10 ] || fail "a new namespace has not 10 labels: $fresh"
# show: the same entries as ip -j addrlabel, compared as sets of (prefix, dev, label).
python3 - "$(v6 -j label show)" "$(ip -n "$L" -j addrlabel list)" <<'EOF' || fail "label show differs from ip addrlabel"
import ipaddress, json, sys
mine = {(str(ipaddress.ip_network(e["prefix"])), e.get("dev"), e["label"])
        for e in json.loads(sys.argv[1])["labels"]}
ip = {(str(ipaddress.ip_network("%s/%d" % (e["address"], e["prefixlen"]))), e.get("dev"), e["label"])
      for e in json.loads(sys.argv[2])}
assert len(mine) == 10 and mine == ip, (mine ^ ip)
EOF
log_test "label show: the kernel's table, as ip addrlabel lists it"

# --- add and del ---------------------------------------------------------------------
v6 label add prefix 2001:db8::/32 label 99
check_err $? "label add failed"
table | grep -q '^prefix 2001:db8::/32 label 99 *$' || fail "ip addrlabel lacks the new entry: $(table)"
v6 label add prefix 2001:db8:1::/48 label 0x64 dev lo
check_err $? "label add dev lo failed"
table | grep -q '^prefix 2001:db8:1::/48 dev lo label 100 *$' || fail "no dev lo entry: $(table)"
[ "$(table | wc -l)" = 12 ] || fail "want 12 entries after two adds: $(table)"
log_test "label add: ip addrlabel shows both entries (one per device)"

err=$(v6 label add prefix 2001:db8::/32 label 5 2>&1)
rc=$?
[ $rc = 1 ] || fail "adding an existing entry exited $rc, want 1"
[[ $err == *"File exists"* ]] || fail "duplicate add: unclear message: $err"
table | grep -q '^prefix 2001:db8::/32 label 99 *$' || fail "a failed add changed the entry"
log_test "label add twice: exit 1, entry unchanged"

v6 label del prefix 2001:db8::/32
check_err $? "label del failed"
table | grep -q '2001:db8::/32' && fail "del left the entry: $(table)"
err=$(v6 label del prefix 2001:db8:1::/48 2>&1)
rc=$?
[ $rc = 1 ] || fail "del without the entry's dev exited $rc, want 1"
[[ $err == *"no such entry"* ]] || fail "del of a missing entry: unclear message: $err"
v6 label del prefix 2001:db8:1::/48 dev lo
check_err $? "label del dev lo failed"
[ "$(table)" = "$fresh" ] || fail "after add and del the table differs from a new namespace"
log_test "label del: entries go, only with the matching dev; table back to the default"

# --- bad input ---------------------------------------------------------------------------
ip -n "$L" addrlabel add prefix 3fff::/20 label 7
before=$(table)
for args in "add prefix 2001:db8::/32 label 4294967295" "add prefix 2001:db8::/32 label -1" \
	    "add prefix 2001:db8::/32 label 1x" "add prefix 2001:db8::1/32 label 1" \
	    "add prefix 2001:db8::/129 label 1" "add prefix 2001:db8::zz/32 label 1" \
	    "add prefix 2001:db8::/32" "add label 1" "add prefix 2001:db8::/32 label 1 dev nosuch" \
	    "add prefix 2001:db8::/32 label 1 color red" "add prefix 2001:db8::/32 label" \
	    "del" "del prefix" "del prefix ::/0 label 1" "flush now" "reset please" "show me" \
	    "frob"; do
	err=$(v6 label $args 2>&1 >/dev/null)
	rc=$?
	[ $rc = 2 ] || fail "'label $args' exited $rc, want 2"
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'label $args': not one line: $err"
done
[ "$before" = "$(table)" ] || fail "bad input changed the table"
log_test "label bad input: one line, exit 2, table unchanged (18 cases)"

# --- flush and reset ---------------------------------------------------------------------
# Not one of the kernel's defaults and not added by v6fix (ip did): flush
# keeps it unless --force.
out=$(v6 label flush)
check_err $? "label flush failed"
[ "$(table | tr -s ' ')" = "prefix 3fff::/20 label 7 " ] || fail "flush without --force: $(table)"
[[ $out == *"kept foreign prefix 3fff::/20 label 7"*"--force removes it"* ]] ||
	fail "flush does not say what it kept: $out"
v6 label flush --force
check_err $? "label flush --force failed"
[ -z "$(table)" ] || fail "flush --force left entries: $(table)"
[ "$(v6 -j label show)" = '{"labels":[]}' ] || fail "label show -j after flush: $(v6 -j label show)"
log_test "label flush: defaults go, the other entry only with --force"

v6 label reset
check_err $? "label reset failed"
[ "$(table)" = "$fresh" ] || fail "reset after flush differs from a new namespace: $(diff <(echo "$fresh") <(table))"
v6 label add prefix 2001:db8::/32 label 42 >/dev/null
v6 label add prefix ::1/128 label 9 dev lo >/dev/null
ip -n "$L" addrlabel del prefix ::/0 label 1
ip -n "$L" addrlabel add prefix ::/0 label 8
json=$(v6 -j label reset)
check_err $? "label reset of a changed table failed"
[ "$(jq -c '[.kept[] | [.prefix, .dev, .label]] | sort' <<<"$json")" = '[["::/0",null,8]]' ] ||
	fail "reset -j does not list exactly the foreign entry: $json"
[ "$(table | grep -v '^prefix ::/0 ')" = "$(grep -v '^prefix ::/0 ' <<<"$fresh")" ] ||
	fail "reset without --force: $(diff <(echo "$fresh") <(table) | tr '\n' ' ')"
table | grep -q '^prefix ::/0 label 8 ' || fail "reset replaced a foreign ::/0 entry"
v6 label reset --force
check_err $? "label reset --force failed"
[ "$(table)" = "$fresh" ] || fail "reset --force of a changed table differs from a new namespace"
log_test "label reset: a new namespace's table; foreign entries kept but with --force"

# --- v6fix undoes exactly its own entries (the record in /run/v6fix/netns) ------------
# Byte for byte: `ip addrlabel list` of a fresh namespace.
rec_dir() { ip netns exec "$L" python3 -c 'import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); print("/run/v6fix/netns/%d" % int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))'; }
rec=$(rec_dir)/labels
v6 label add prefix 2001:db8::/32 label 42 >/dev/null
v6 label add prefix 2001:db8:1::/48 label 43 dev lo >/dev/null
grep -qx 'prefix 2001:db8::/32 dev 0 label 42' "$rec" 2>/dev/null || fail "label add left no record line in $rec"
v6 label reset >/dev/null
check_err $? "label reset after add failed"
[ "$(table)" = "$fresh" ] || fail "add then reset differs from a new namespace: $(diff <(echo "$fresh") <(table) | tr '\n' ' ')"
[ ! -e "$rec" ] && [ ! -e "$(dirname "$rec")" ] || fail "reset left the record: $(ls -R "$(dirname "$rec")" 2>&1 | tr '\n' ' ')"
log_test "label add, then reset: a new namespace's table byte for byte, no record left"

ip -n "$L" addrlabel add prefix 2001:db8:f::/48 label 77
v6 label add prefix 2001:db8::/32 label 42 >/dev/null
v6 label add prefix 2001:db8:2::/48 label 44 >/dev/null
# One of v6fix's entries replaced by someone else (same slot, other label):
# no longer v6fix's.
ip -n "$L" addrlabel del prefix 2001:db8:2::/48 label 44
ip -n "$L" addrlabel add prefix 2001:db8:2::/48 label 45
out=$(v6 label flush)
check_err $? "label flush failed"
[ "$(table | tr -s ' ' | sort)" = "$(printf 'prefix 2001:db8:2::/48 label 45 \nprefix 2001:db8:f::/48 label 77 \n' | sort)" ] ||
	fail "flush: $(table | tr '\n' ' ')"
v6 label reset >/dev/null
[ "$(table | grep -v '^prefix 2001:db8:\(f::\|2::\)/48 ')" = "$fresh" ] || fail "reset with foreign entries: $(table | tr '\n' ' ')"
table | grep -q '^prefix 2001:db8:f::/48 label 77' || fail "the foreign label did not survive"
log_test "label flush/reset: v6fix's entries go, foreign ones (and a replaced one) stay"

v6 label add prefix 2001:db8:3::/48 label 46 >/dev/null
v6 label del prefix 2001:db8:3::/48 >/dev/null
[ ! -e "$rec" ] || fail "label del left its line: $(cat "$rec")"
v6 label add prefix 2001:db8:3::/48 label 46 >/dev/null
ip -n "$L" addrlabel del prefix 2001:db8:3::/48 label 46
v6 label reset --force >/dev/null
check_err $? "reset with a stale record line failed"
[ "$(table)" = "$fresh" ] || fail "reset --force: $(table | tr '\n' ' ')"
[ ! -e "$rec" ] || fail "reset --force left the record"
log_test "label del and reset --force keep the record exact (stale lines dropped)"

v6 label help | grep -q '^Usage: v6fix .*label show'
check_err $? "label help"
log_test "label help"

exit $EXIT_STATUS
