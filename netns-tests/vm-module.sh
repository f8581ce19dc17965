#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v6fix.ko's life cycle and its per-namespace control plane, against the real
# kernel in the VM (scripts/vm-run):
#
#   init netns            $ns_a               $ns_b
#   +-----------+     +-----------+       +-----------+
#   | v6fix.ko  |     | net.v6fix |       | net.v6fix |   each namespace has
#   | (loaded)  |     | genl GET  |       | genl GET  |   its own settings
#   +-----------+     +-----------+       +-----------+
#
# load; sysctls in a fresh namespace; each namespace answers the family with
# its own settings; sysctl and netlink are one state; strict validation with
# extack; permissions; module parameters; unload with no reference left.
source "$(dirname "$0")/scenario/lib.sh"

require_root
in_vm || { log_test "vm-module: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }

KO=$TOP/build/$(uname -r)/v6fix.ko
GENL=$TOP/netns-tests/tools/genl.py
[ -r "$KO" ] || { log_test "vm-module: $KO built" 1; exit $ksft_fail; }

# uapi numbers (kmod/uapi/v6fix.h)
CMD_GET=1 CMD_SET=2
A_VERSION=1 A_NETNS_INUM=2 A_POLICY_INET6=3 A_POLICY_INET=4 A_BSD_RETRIES=5

unload() { ! grep -q '^v6fix ' /proc/modules || rmmod v6fix; }
defer unload

# --- load --------------------------------------------------------------------
insmod "$KO"
check_err $? "insmod failed"
grep -q '^v6fix ' /proc/modules
check_err $? "v6fix not in /proc/modules"
log_test "module loads ($(uname -r))"

# --- sysctls in a fresh namespace ------------------------------------------------
setup_ns ns_a ns_b
v=$(ip netns exec "$ns_a" sysctl -n net.v6fix.softerr_policy 2>&1)
[ "$v" = hard ] || fail "softerr_policy in fresh ns is '$v', want hard"
v=$(ip netns exec "$ns_a" sysctl -n net.v6fix.softerr_policy_v4 2>&1)
[ "$v" = hard ] || fail "softerr_policy_v4 in fresh ns is '$v', want hard"
v=$(ip netns exec "$ns_a" sysctl -n net.v6fix.softerr_bsd_retries 2>&1)
[ "$v" = 3 ] || fail "softerr_bsd_retries in fresh ns is '$v', want 3"
log_test "net.v6fix sysctls exist in a fresh namespace with the defaults"

ip netns exec "$ns_a" sysctl -qw net.v6fix.softerr_policy=bogus 2>/dev/null
check_fail $? "sysctl accepted policy 'bogus'"
v=$(ip netns exec "$ns_a" sysctl -n net.v6fix.softerr_policy)
[ "$v" = hard ] || fail "a rejected write changed the policy to '$v'"
ip netns exec "$ns_a" sysctl -qw net.v6fix.softerr_bsd_retries=128 2>/dev/null
check_fail $? "sysctl accepted softerr_bsd_retries=128"
log_test "sysctl rejects bad values and keeps the old ones"

# --- each namespace gets its own answer ------------------------------------------
ip netns exec "$ns_a" sysctl -qw net.v6fix.softerr_policy=rfc1122
check_err $? "sysctl write in $ns_a"
"$V6FIX" -n "$ns_b" softerr set policy bsd retries 5
check_err $? "v6fix softerr set in $ns_b"
"$V6FIX" -n "$ns_b" softerr set family inet policy pass
check_err $? "v6fix softerr set family inet in $ns_b"

for ns in "$ns_a" "$ns_b"; do
	ino=$(stat -L -c %i "/run/netns/$ns")
	got=$("$V6FIX" -n "$ns" -j softerr show)
	check_err $? "softerr show in $ns"
	python3 - "$got" "$ino" "$ns" "$ns_a" <<'PY' || fail "wrong answer in $ns: $got"
import json, sys
d = json.loads(sys.argv[1]); ino = int(sys.argv[2]); ns, ns_a = sys.argv[3], sys.argv[4]
want = ({"inet6": "rfc1122", "inet": "hard", "bsd_retries": 3} if ns == ns_a else
        {"inet6": "bsd", "inet": "pass", "bsd_retries": 5})
assert d["netns_inode"] == ino, (d["netns_inode"], ino)
for k, v in want.items():
    assert d[k] == v, (k, d[k], v)
PY
done
log_test "GET from two namespaces: each answers with its own inode and settings"

v=$(ip netns exec "$ns_b" sysctl -n net.v6fix.softerr_policy)
[ "$v" = bsd ] || fail "netlink set bsd, sysctl reads '$v'"
v=$(ip netns exec "$ns_b" sysctl -n net.v6fix.softerr_policy_v4)
[ "$v" = pass ] || fail "netlink set inet pass, sysctl reads '$v'"
v=$(ip netns exec "$ns_b" sysctl -n net.v6fix.softerr_bsd_retries)
[ "$v" = 5 ] || fail "netlink set retries 5, sysctl reads '$v'"
v=$(sysctl -n net.v6fix.softerr_policy)
[ "$v" = hard ] || fail "the init namespace changed to '$v'"
log_test "sysctl and netlink are one state; other namespaces untouched"

# net.v6fix.softerr_errqueue: stock by default, one state with netlink.
v=$(ip netns exec "$ns_a" sysctl -n net.v6fix.softerr_errqueue)
[ "$v" = stock ] || fail "softerr_errqueue in a fresh ns is '$v', want stock"
"$V6FIX" -n "$ns_b" softerr set errqueue recverr
check_err $? "softerr set errqueue recverr"
v=$(ip netns exec "$ns_b" sysctl -n net.v6fix.softerr_errqueue)
[ "$v" = recverr ] || fail "netlink set recverr, sysctl reads '$v'"
ip netns exec "$ns_b" sysctl -qw net.v6fix.softerr_errqueue=bogus 2>/dev/null
check_fail $? "sysctl accepted errqueue 'bogus'"
ip netns exec "$ns_b" sysctl -qw net.v6fix.softerr_errqueue=stock
v=$("$V6FIX" -n "$ns_b" -j softerr show | jq -r .errqueue)
[ "$v" = stock ] || fail "sysctl set stock, softerr show says '$v'"
v=$("$V6FIX" -n "$ns_b" softerr show | grep '^errqueue ')
[ "$v" = "errqueue stock" ] || fail "softerr show text: '$v'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET 7:u32:2)
[[ $out == *"ERANGE"* ]] || fail "errqueue 2 accepted: '$out'"
log_test "softerr_errqueue: stock by default; sysctl, netlink and show agree"

# --- strict validation with the kernel's extack text -----------------------------
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET $A_POLICY_INET6:u32:9)
[ $? = 34 ] && [[ $out == *"ERANGE"* ]] || fail "policy 9: '$out'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_GET $A_POLICY_INET6:u32:1)
[ $? != 0 ] && [[ $out == *"EINVAL"* ]] || fail "GET with an attribute accepted: '$out'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET)
[[ $out == "error EINVAL: no setting given" ]] || fail "empty SET: '$out'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET 99:u32:1)
[[ $out == *"EINVAL"* ]] || fail "unknown attribute accepted: '$out'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET $A_BSD_RETRIES:u8:1)
[[ $out == *"EINVAL"* || $out == *"ERANGE"* ]] || fail "short u32 accepted: '$out'"
v=$(ip netns exec "$ns_a" sysctl -n net.v6fix.softerr_policy)
[ "$v" = rfc1122 ] || fail "a rejected request changed the policy to '$v'"
log_test "strict per-command policies; rejected requests change nothing"

out=$("$V6FIX" -n "$ns_a" softerr set policy nosuch 2>&1)
[ $? = 2 ] || fail "bad policy name: exit not 2"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET $A_POLICY_INET6:u32:9)
[[ $out == "error ERANGE: "?* ]] || fail "no extack text in '$out'"
log_test "errors carry the kernel's extack text"

# --- permissions -------------------------------------------------------------------
# Refusals (every change request, sysctl and the events group, for an
# unprivileged user and user namespaces that do not own the netns) are
# tested in vm-reliability.sh. Here: the owner of a netns is not refused.
out=$(unshare -U -r -n sh -c "python3 $GENL $CMD_SET $A_POLICY_INET6:u32:2 && sysctl -n net.v6fix.softerr_policy")
[[ $out == *rfc1122 ]] || fail "owner of a new netns could not SET: '$out'"
out=$(unshare -U -r -n sh -c "sysctl -qw net.v6fix.softerr_policy=bsd net.v6fix.softerr_bsd_retries=5 &&
	sysctl -n net.v6fix.softerr_policy net.v6fix.softerr_bsd_retries" 2>&1)
[ "$(echo $out)" = "bsd 5" ] || fail "owner of a new netns could not write the sysctls: '$out'"
log_test "a user namespace that owns the netns can change it (netlink and sysctl)"

# --- unload: no reference left ------------------------------------------------------
for i in $(seq 20); do ip netns add "v6fix-churn-$$-$i"; done
for i in $(seq 20); do ip netns del "v6fix-churn-$$-$i"; done
refs=$(cat /sys/module/v6fix/refcnt)
[ "$refs" = 0 ] || fail "module refcnt is $refs while idle"
rmmod v6fix
check_err $? "rmmod failed"
[ ! -e /proc/sys/net/v6fix ] || fail "/proc/sys/net/v6fix still there"
ip netns exec "$ns_a" test ! -e /proc/sys/net/v6fix || fail "net.v6fix still in $ns_a"
out=$("$V6FIX" softerr show 2>&1)
[ $? = 1 ] && [[ $out == *"not registered"* ]] || fail "family still answers: '$out'"
log_test "unload: refcnt 0, sysctls and family gone"

# --- module parameters: defaults of new namespaces --------------------------------
insmod "$KO" default_policy=bsd default_policy_v4=rfc1122 default_bsd_retries=7
check_err $? "insmod with parameters"
setup_ns ns_c
v=$(ip netns exec "$ns_c" sysctl -n net.v6fix.softerr_policy net.v6fix.softerr_policy_v4 \
	net.v6fix.softerr_bsd_retries | tr '\n' ' ')
[ "$v" = "bsd rfc1122 7 " ] || fail "new namespace got '$v'"
v=$(cat /sys/module/v6fix/parameters/default_policy)
[ "$v" = bsd ] || fail "parameter reads '$v'"
rmmod v6fix
insmod "$KO" default_policy=nonsense 2>/dev/null
check_fail $? "insmod accepted default_policy=nonsense"
unload
log_test "module parameters set new namespaces' defaults; bad ones refused"

insmod "$KO" && rmmod v6fix
check_err $? "second load/unload cycle"
log_test "load and unload again"

exit $EXIT_STATUS
