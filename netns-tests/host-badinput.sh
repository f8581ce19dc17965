#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input, table-driven, for every object: each case must exit 2, print
# exactly one line on stderr starting "v6fix: ", nothing on stdout, and
# change nothing. The cases run with -n NS (so a case that wrongly succeeded
# would change only the test namespace); "nothing changed" is checked over
# the whole table by snapshots of that namespace's IPv6 routes (all tables),
# its address labels and the checksums of its /etc/netns/NS files, and of
# the host's /etc/gai.conf.
source "$(dirname "$0")/scenario/lib.sh"

require_root
[ -x "$V6FIX" ] || { log_test "host-badinput: $V6FIX built" 1; exit $ksft_fail; }
setup_ns ns
ip -n "$ns" link set lo up
ip -n "$ns" link add fz0 type veth peer name fz1
ip -n "$ns" link set fz0 up
ip -n "$ns" -6 addr add 2001:db8:1::1/64 dev fz0 nodad
ip -n "$ns" -6 route add default via 2001:db8:1::ff dev fz0
mkdir -p "/etc/netns/$ns"
printf 'precedence ::ffff:0:0/96 100\n# keep me\n' >"/etc/netns/$ns/gai.conf"

snapshot() {
	ip -n "$ns" -6 route show table all
	ip -n "$ns" addrlabel
	(cd "/etc/netns/$ns" && md5sum -- *)
	md5sum /etc/gai.conf 2>/dev/null || echo "no /etc/gai.conf"
}

# One case per line: the arguments, shell-quoted. "@" first: run without
# "-n NS" (the case is about the global options themselves).
cases=$(cat <<'TABLE'
@ nosuchobject
@ --nosuchoption softerr show
@ -n
@ -n v6fix-none-$$ softerr show
@ -n ../etc softerr show
@ -n "" softerr show
@ -n "a b" label show
@ -x
@ --json=1 version
version extra
version help extra
softerr nosuchcommand
softerr show extra
softerr set
softerr set policy
softerr set policy strict
softerr set policy hard retries 128
softerr set policy hard retries -1
softerr set policy hard retries ""
softerr set policy hard retries 1x
softerr set family inet6
softerr set family ipx policy hard
softerr set policy hard bogus 1
softerr set retries
softerr set family
softerr set policy HARD
softerr set errqueue
softerr set errqueue bogus
softerr set errqueue stock errqueue recverr
softerr set errqueue STOCK
onlink nosuchcommand
onlink show extra
onlink on metric
onlink on metric -1
onlink on metric 4294967296
onlink on metric 1x
onlink on metric ""
onlink on dev
onlink on dev nosuchdev0
onlink on dev "bad/name"
onlink on dev aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
onlink on bogus
onlink off metric 5
onlink off bogus
onlink off dev
onlink off --forc
label nosuchcommand
label show extra
label add
label add prefix
label add prefix 2001:db8::/32
label add prefix 2001:db8::/32 label
label add prefix 2001:db8::/32 label 4294967295
label add prefix 2001:db8::/32 label -1
label add prefix 2001:db8::/32 label 4294967296
label add prefix 2001:db8::/32 label 0x
label add prefix 2001:db8::/32 label ten
label add prefix 2001:db8::1/32 label 5
label add prefix 2001:db8::/129 label 5
label add prefix 2001:db8::/-1 label 5
label add prefix zz::/8 label 5
label add prefix "" label 5
label add prefix 2001:db8::/32 label 5 dev
label add prefix 2001:db8::/32 label 5 dev nosuchdev0
label add prefix 2001:db8::/32 label 5 bogus
label add label 5
label del
label del prefix
label del prefix 2001:db8::/33x
label del prefix 2001:db8::/32 label
label flush extra
label reset extra
policy nosuchcommand
policy show extra
policy set
policy set precedence
policy set precedence ::ffff:0:0/96
policy set precedence ::ffff:0:0/96 2147483648
policy set precedence ::ffff:0:0/96 -1
policy set precedence ::ffff:0:0/96 ten
policy set precedence ::ffff:0:0/95x 10
policy set precedence ::ffff:0:0/200 10
policy set precedence 10.0.0.0/33 10
policy set precedence 10.0.0.1/8 10
policy set precedence ::1/127 10
policy set scope ::/0 10
policy set label ::/0
policy set label ::/0 1 extra
policy set precedence ::/0 40 --sytem
policy prefer
policy prefer ipv5
policy prefer ipv4 extra
policy reset extra
policy explain
policy explain host port extra
policy explain localhost notaport
policy explain localhost 65536
connect
connect localhost
connect localhost notaport
connect localhost 65536
connect localhost 0
connect --algo
connect --algo fast localhost 80
connect --delay
connect --delay -5 localhost 80
connect --delay 1x localhost 80
connect --timeout
connect --timeout -1 localhost 80
connect --timeout abc localhost 80
connect --count
connect --count 0 localhost 80
connect --count 10001 localhost 80
connect --count 2x localhost 80
connect -5 localhost 80
connect --bogus localhost 80
connect localhost 80 extra
serve
serve notaport
serve 65536
serve -5 80
serve --exit-with
serve --exit-with 0 80
serve --exit-with abc 80
serve 80 81
delayline
delayline abc
delayline -5
delayline --queue
delayline --queue 65536 10
delayline --queue abc 10
delayline --exit-with 0 10
delayline 10 20
label add prefix $'2001:db8::/32\nlabel' label 5
policy prefer $'ipv4\nipv6'
TABLE
)

before=$(snapshot)
n=0 bad=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	if [[ $line == "@ "* ]]; then
		eval "args=(${line#@ })"
	else
		eval "args=(-n \"\$ns\" $line)"
	fi
	n=$((n + 1))
	err=$(mktemp)
	out=$(timeout 10 "$V6FIX" "${args[@]}" 2>"$err" </dev/null)
	rc=$?
	why=""
	if [ $rc != 2 ]; then
		why="exit $rc, want 2"
	elif [ -n "$out" ]; then
		why="printed on stdout: $out"
	elif [ "$(wc -l <"$err")" != 1 ]; then
		why="$(wc -l <"$err") lines on stderr"
	elif ! grep -q '^v6fix: ' "$err"; then
		why="no 'v6fix: ' prefix"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "    v6fix ${line#@ }: $why: $(head -c 300 "$err")"
	fi
	rm -f "$err"
done <<<"$cases"
[ $bad = 0 ] || fail "$bad of $n cases broke the bad-input contract"
[ $n -ge 80 ] || fail "only $n cases"
log_test "bad input: one line, exit 2 ($n cases over every object)"

after=$(snapshot)
if [ "$before" != "$after" ]; then
	diff <(echo "$before") <(echo "$after")
	fail "the table changed routes, labels or gai.conf files"
fi
log_test "bad input changed nothing (routes, labels, /etc/netns/NS, /etc/gai.conf)"

exit $EXIT_STATUS
