#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SET_CONFIG is all or none (issue #12, item 1), against the real kernel in
# the VM (scripts/vm-run):
#
#   $ns_a: genl.py SET_CONFIG { good, bad }  ->  ERANGE, extack names "bad",
#          every setting as before (either order of the two attributes)
#   $ns_b: one writer alternates two whole configurations with single
#          requests while a reader polls GET_CONFIG: every reply is one of
#          the two, never a mix (the settings change under one seqlock)
#
# The second part can only fail by chance: without the seqlock a reader had
# to land between two stores of one request.
source "$(dirname "$0")/scenario/lib.sh"

require_root
in_vm || { log_test "vm-config: runs only inside scripts/vm-run" $ksft_skip; exit $ksft_skip; }

KO=$TOP/build/$(uname -r)/v6fix.ko
GENL=$TOP/netns-tests/tools/genl.py
[ -r "$KO" ] || { log_test "vm-config: $KO built" 1; exit $ksft_fail; }

# uapi numbers (kmod/uapi/v6fix.h)
CMD_SET=2
A_POLICY_INET6=3 A_POLICY_INET=4 A_BSD_RETRIES=5 A_ERRQUEUE=7

unload() { ! grep -q '^v6fix ' /proc/modules || rmmod v6fix; }
defer unload
insmod "$KO" || { log_test "vm-config: insmod" 1; exit $ksft_fail; }
setup_ns ns_a ns_b

settings() {
	ip netns exec "$1" sysctl -n net.v6fix.softerr_policy net.v6fix.softerr_policy_v4 \
		net.v6fix.softerr_bsd_retries net.v6fix.softerr_errqueue | tr '\n' ' '
}

# --- a bad second attribute leaves the first unchanged ---------------------------
before=$(settings "$ns_a")
[ "$before" = "hard hard 3 stock " ] || fail "fresh namespace: '$before'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET $A_POLICY_INET6:u32:2 $A_BSD_RETRIES:u32:500)
[ $? = 34 ] || fail "policy rfc1122 + retries 500 not refused with ERANGE: '$out'"
[[ $out == "error ERANGE: "*"[attribute $A_BSD_RETRIES]" ]] ||
	fail "extack does not name the retries attribute: '$out'"
v=$(settings "$ns_a")
[ "$v" = "$before" ] || fail "a refused request changed '$before' to '$v'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET $A_BSD_RETRIES:u32:7 $A_ERRQUEUE:u32:1 \
	$A_POLICY_INET:u32:9)
[[ $out == "error ERANGE: "*"[attribute $A_POLICY_INET]" ]] ||
	fail "policy_v4 9 after two good values: '$out'"
v=$(settings "$ns_a")
[ "$v" = "$before" ] || fail "a refused request changed '$before' to '$v'"
out=$(ip netns exec "$ns_a" python3 "$GENL" $CMD_SET $A_POLICY_INET6:u32:2 $A_POLICY_INET:u32:3 \
	$A_BSD_RETRIES:u32:7 $A_ERRQUEUE:u32:1)
[ "$out" = ok ] || fail "a valid request of four settings: '$out'"
v=$(settings "$ns_a")
[ "$v" = "rfc1122 bsd 7 recverr " ] || fail "four settings applied as '$v'"
log_test "SET_CONFIG: a bad attribute fails the request (extack on it), nothing applied"

# --- readers never see half of a request -------------------------------------------
out=$(ip netns exec "$ns_b" python3 -B - "$GENL" <<'PY'
import os, struct, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import genl
A = {3: 1, 4: 1, 5: 1, 7: 0}        # hard, hard, 1, stock
B = {3: 2, 4: 3, 5: 7, 7: 1}        # rfc1122, bsd, 7, recverr
def req(cfg):
    return b"".join(genl.attr(t, struct.pack("=I", v)) for t, v in sorted(cfg.items()))
g = genl.Genl()
fam = g.family("v6fix")
# Start from A: before the writer's first request the namespace's own
# settings (hard, hard, 3, stock) are neither.
err, text, _ = g.request(fam, 2, req(A))
if err:
    print("set A failed", err, text)
    sys.exit(1)
pid = os.fork()
if pid == 0:
    w = genl.Genl()
    end = time.monotonic() + 8
    n = 0
    while time.monotonic() < end:
        for cfg in (A, B):
            err, text, _ = w.request(fam, 2, req(cfg))
            if err:
                print("set failed", err, text)
                os._exit(1)
        n += 2
    os._exit(0)
reads = mixed = 0
seen = set()
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    err, text, rep = g.request(fam, 1, b"")
    if err:
        print("get failed", err, text)
        sys.exit(1)
    got = {t: struct.unpack("=I", rep[0][t][:4])[0] for t in (3, 4, 5, 7)}
    reads += 1
    if got == A:
        seen.add("A")
    elif got == B:
        seen.add("B")
    else:
        mixed += 1
        print("mixed:", got)
    if done:
        break
print("reads %d mixed %d seen %s writer %d" % (reads, mixed, "".join(sorted(seen)), status))
PY
)
echo "      $out" | tail -1
[[ $out == *"mixed 0 seen AB writer 0" ]] || fail "concurrent SET/GET: '$(echo $out | tail -c 300)'"
log_test "SET_CONFIG: concurrent readers see the old settings or the new, never a mix"

exit $EXIT_STATUS
