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
policy --system
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
connect --algo first --delay 100 localhost 80
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
connect --resolve
connect --resolve bind localhost 80
connect --resolution-delay 10 localhost 80
connect --resolve rfc8305 --resolution-delay
connect --resolve rfc8305 --resolution-delay -1 localhost 80
connect --resolve rfc8305 --resolution-delay 61s localhost 80
connect --resolve kame -6 localhost 80
connect --resolve rfc8305 --algo first localhost 80
predict fault healthy resolve bind
predict fault healthy resolve rfc8305 -4
predict fault healthy resolve kame algo first
predict fault healthy resolve rfc8305 aaaa-delay x
clientprobe
clientprobe --runs 0 -- true
clientprobe --runs
clientprobe --runs 16 -- true
clientprobe --timeout 0 -- true
clientprobe --timeout x -- true
clientprobe true
clientprobe --bogus -- true
clientprobe --
clientprobe --only bogus -- true
clientprobe --only , -- true
clientprobe --only
clientprobe --sweep 0:400 -- true
clientprobe --sweep 0:4000:5 -- true
clientprobe --sweep 0:400:0 -- true
clientprobe --sweep 400:0:5 -- true
clientprobe --sweep
connect --addrconfig localhost
predict fault dns_rcode_aaaa code 3
predict fault dns_bogus_aaaa
predict fault dns_ignore_aaaa resolver bogus
predict fault dns_ignore_aaaa resolver
predict fault dns_ignore_aaaa resolv-options timeout:0
predict fault dns_ignore_aaaa resolv-options rotate
predict fault dns_ignore_aaaa do-ip6 maybe
predict fault dns_ignore_aaaa+dns_lame_aaaa
predict fault dns_ignore_aaaa+client_no_v6:sometimes
predict fault dns_ignore_aaaa+v6_blackhole+onlink
predict fault dns_v6_transport code drop
connect --transfer
connect --transfer -1 localhost 80
connect --transfer 1x localhost 80
connect --transfer 10 --resolve kame -6 localhost 80
predict fault healthy client lynx
predict fault healthy tries 2
predict fault healthy client wget tries 0
predict fault healthy client wget tries 1001
predict fault dns_ok client wget
predict fault healthy client node-defaults client-version x
predict fault healthy client node-defaults client-version 0
predict fault healthy client go resolve rfc8305
connect --transfer 4294967296 localhost 80
fwcheck
fwcheck ""
fwcheck 2001:db8::1 extra
fwcheck 2001:db8::1 --bogus
fwcheck 2001:db8::1 -4 -6
fwcheck 2001:db8::1 --dns
fwcheck 2001:db8::1 --dns ns.example
fwcheck 2001:db8::1 --dns 2001:db8::53 --dns 192.0.2.53 --dns 192.0.2.54
fwcheck 2001:db8::1 --dns-name ""
fwcheck 2001:db8::1 --dns-type NOSUCHTYPE
fwcheck 2001:db8::1 --prefix-len 0
fwcheck 2001:db8::1 --prefix-len 128
fwcheck 2001:db8::1 --prefix-len4 31
fwcheck 2001:db8::1 --prefix-len x
fwcheck 2001:db8::1 --port 0
fwcheck 2001:db8::1 --port 65536
fwcheck 2001:db8::1 --wait 5
fwcheck 2001:db8::1 --wait 61s
fwcheck 2001:db8::1 --nd-wait -1
fwcheck 2001:db8::1 --wait
predict fault pmtu_blackhole code 3
predict fault slow_tunnel code 5
predict fault pmtu_blackhole bytes -1
predict fault pmtu_blackhole limit x
predict fault slow_tunnel mtu 1000
predict fault pmtu_blackhole bogus 1
serve
serve notaport
serve 65536
serve -5 80
serve --exit-with
serve --exit-with 0 80
serve --exit-with abc 80
serve 80 81
serve --design
serve --design nosuch 80
serve --design sockets
serve --design sockets -4 80
serve --design Mapped 80
serve --v6only 1 80
serve --design mapped --v6only 2 80
serve --design mapped --v6only
serve --design mapped --v6only "" 80
serve --inetd 80
serve --inetd --daemon
serve --inetd --design inetd
serve --design inetd --log "a b" 80
serve --log
serve --log "" 80
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
dns nosuchcommand
dns help extra
dns probe
dns probe 192.0.2.1
dns probe ns.example www.test
dns probe 192.0.2.1:0 www.test
dns probe 192.0.2.1:65536 www.test
dns probe "[2001:db8::1" www.test
dns probe "[192.0.2.1]:53" www.test
dns probe 192.0.2.1 ""
dns probe 192.0.2.1 a..b
dns probe 192.0.2.1 "www test"
dns probe 192.0.2.1 $'www\ntest'
dns probe 192.0.2.1 www.test extra
dns probe --bogus 192.0.2.1 www.test
dns probe --timeout
dns probe --timeout 0 192.0.2.1 www.test
dns probe --timeout 60001 192.0.2.1 www.test
dns probe --timeout 1.5 192.0.2.1 www.test
dns probe --timeout abc 192.0.2.1 www.test
dns probe --retries
dns probe --retries 11 192.0.2.1 www.test
dns probe --retries -1 192.0.2.1 www.test
dns probe --parallel 4 192.0.2.1 www.test
dns probe --parallel 0 -f /etc/hostname
dns probe --parallel 4097 -f /etc/hostname
dns probe -f
dns probe -f ""
dns probe -f /nonexistent/v6fix-none
dns probe -f /etc/passwd
dns probe -f /dev/null
dns probe -f /etc/hostname 192.0.2.1 www.test
softerr set policy hard cgroup
softerr set policy hard cgroup /no/such/v6fix/cgroup
softerr set policy hard cgroup ""
softerr set policy hard mark
softerr set policy hard mark x
softerr set policy hard mark 0x
softerr set policy hard mark 1/0
softerr set policy hard mark 3/1
softerr set policy hard mark 4294967296
softerr set policy hard mark 1/
softerr set policy hard mark -1
softerr set policy hard mark 1 mark 2
softerr set policy hard mark 1 cgroup /
softerr set policy hard id 1
softerr set family all
softerr set family both policy hard
softerr set cgroup /
softerr set mark 1
softerr del
softerr del id
softerr del id 0
softerr del id x
softerr del mark 1 extra
softerr del cgroup /no/such/v6fix/cgroup
softerr del policy hard
softerr del mark 1/0
softerr flush extra
run --softerr
run --softerr strict -- true
run --softerr hard
run --softerr hard --
run --softerr hard true
run --family inet -- true
run --softerr hard --family ipx -- true
run --softerr hard --retries 128 -- true
run --softerr hard --errqueue bogus -- true
run --softerr hard --softerr pass -- true
run --bogus 1 -- true
run -- true
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
