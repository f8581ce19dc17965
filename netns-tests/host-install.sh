#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install` into a DESTDIR (PREFIX=/usr, and the default /usr/local)
# installs exactly the files the packages hold: CLI, man page, completion,
# rt_protos.d entry, examples, DKMS sources, the modprobe.d hook; `make
# uninstall` with the same DESTDIR/PREFIX removes exactly those and v6fix's
# own directories, leaving no file (a foreign one beside them stays) and no
# directory of v6fix's.
# With the .debs built (host-deb.sh runs first), the PREFIX=/usr set is
# also compared with what they hold.
source "$(dirname "$0")/scenario/lib.sh"

require_cmd make
if [[ $V6FIX == */asan/* ]]; then
	log_test "host-install: not again with the ASan CLI" $ksft_skip
	exit $ksft_skip
fi
version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
tmp=$(mktemp -d)
defer rm -rf "$tmp"

# install_list PREFIX: the files make install puts under $tmp/PREFIX-tree.
for prefix in /usr /usr/local; do
	d=$tmp/root$(tr / _ <<<"$prefix")
	mkdir -p "$d/etc/iproute2/rt_protos.d"
	echo "200 foreign" >"$d/etc/iproute2/rt_protos.d/foreign.conf"
	out=$(make -s -C "$TOP" install DESTDIR="$d" PREFIX="$prefix" 2>&1)
	check_err $? "make install PREFIX=$prefix: $out"
	got=$(cd "$d" && find . -type f | sed 's|^\.||' | sort)
	want=$(sort <<-EOT
		$prefix/sbin/v6fix
		$prefix/share/man/man8/v6fix.8
		$prefix/share/bash-completion/completions/v6fix
		$prefix/share/doc/v6fix/examples/sysctl.d/60-v6fix.conf
		$prefix/share/doc/v6fix/examples/modprobe.d/v6fix.conf
		/etc/iproute2/rt_protos.d/v6fix.conf
		/etc/iproute2/rt_protos.d/foreign.conf
		/lib/modprobe.d/v6fix-sysctl.conf
		/usr/src/v6fix-$version/Kbuild
		/usr/src/v6fix-$version/dkms.conf
		$(cd "$TOP/kmod" && ls *.c *.h | sed "s|^|/usr/src/v6fix-$version/kmod/|")
		$(cd "$TOP/kmod/uapi" && ls *.h | sed "s|^|/usr/src/v6fix-$version/kmod/uapi/|")
	EOT
	)
	[ "$got" = "$want" ] || fail "PREFIX=$prefix: files differ: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	# And what the .debs hold (make deb, host-deb.sh), but for what only a
	# package has (its changelog and copyright; dh_installman's gzip).
	debs=("$TOP/build/deb/v6fix_${version}_amd64.deb" "$TOP/build/deb/v6fix-dkms_${version}_all.deb")
	if [ "$prefix" = /usr ] && [ -s "${debs[0]}" ] && [ -s "${debs[1]}" ]; then
		indeb=$(for f in "${debs[@]}"; do dpkg-deb -c "$f" | awk '$1 !~ /^d/ { print $6 }'; done |
			sed 's|^\./|/|; s|\.8\.gz$|.8|' | grep -vE '^/usr/share/doc/v6fix(-dkms)?/(changelog\.gz|copyright)$' | sort)
		mine=$(grep -v foreign.conf <<<"$got")
		[ "$indeb" = "$mine" ] || fail "make install and the .debs differ: $(diff <(echo "$indeb") <(echo "$mine") | grep '^[<>]' | tr '\n' ' ')"
	fi
	cmp -s "$d$prefix/share/bash-completion/completions/v6fix" "$TOP/userspace/v6fix.bash-completion" ||
		fail "the completion is not userspace/v6fix.bash-completion"
	grep -qx "PACKAGE_VERSION=\"$version\"" "$d/usr/src/v6fix-$version/dkms.conf" ||
		fail "the installed dkms.conf does not say version $version"
	"$d$prefix/sbin/v6fix" -V | grep -qx "v6fix $version" || fail "the installed CLI is not version $version"
	log_test "make install PREFIX=$prefix DESTDIR: exactly the package's files"

	out=$(make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX="$prefix" 2>&1)
	check_err $? "make uninstall PREFIX=$prefix: $out"
	left=$(cd "$d" && find . -mindepth 1 ! -type d | sed 's|^\.||' | sort | tr '\n' ' ')
	[ "$left" = "/etc/iproute2/rt_protos.d/foreign.conf " ] || fail "make uninstall left: $left"
	left=$(cd "$d" && find . -type d -name '*v6fix*' | tr '\n' ' ')
	[ -z "$left" ] || fail "make uninstall left directories: $left"
	log_test "make uninstall PREFIX=$prefix: removes exactly that, a foreign file stays"
done
exit $EXIT_STATUS
