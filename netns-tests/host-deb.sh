#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb` builds v6fix and v6fix-dkms (contrib/debian/, staged in
# build/deb/src/) with no lintian error or warning, versioned from the
# Makefile's VERSION, holding what they must: the CLI, man page, completion,
# rt_protos.d entry and examples (nothing in /etc/sysctl.d, /etc/modprobe.d
# or /etc/modules-load.d: nothing enabled); the module sources with a
# dkms.conf of that version, the modprobe.d hook and DKMS maintainer scripts.
# The packages are installed for real in the VM (vmroot-package.sh).
source "$(dirname "$0")/scenario/lib.sh"

require_cmd dpkg-buildpackage dh_dkms lintian make
# Nothing here runs the CLI: the sanitized pass (run-sanitized) has nothing to add.
if [[ $V6FIX == */asan/* ]]; then
	log_test "host-deb: not again with the ASan CLI" $ksft_skip
	exit $ksft_skip
fi
version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")

out=$(make -s -C "$TOP" deb 2>&1)
rc=$?
check_err $rc "make deb failed: $(tail -n 5 <<<"$out")"
log_test "make deb builds, lintian: no error or warning"

deb=$TOP/build/deb/v6fix_${version}_amd64.deb
dkms=$TOP/build/deb/v6fix-dkms_${version}_all.deb
[ -s "$deb" ] || fail "no $deb"
[ -s "$dkms" ] || fail "no $dkms"
log_test "packages named from VERSION ($version)"

RET_MSG=
if [ -s "$deb" ]; then
	files=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
	for f in /usr/sbin/v6fix /usr/share/man/man8/v6fix.8.gz \
		 /usr/share/bash-completion/completions/v6fix /etc/iproute2/rt_protos.d/v6fix.conf \
		 /usr/share/doc/v6fix/examples/sysctl.d/60-v6fix.conf \
		 /usr/share/doc/v6fix/examples/modprobe.d/v6fix.conf /usr/share/doc/v6fix/copyright; do
		grep -qx "$f" <<<"$files" || fail "v6fix lacks $f"
	done
	! grep -qE '^/(etc/(sysctl\.d|modprobe\.d|modules-load\.d)|lib/modprobe\.d|usr/src)/' <<<"$files" ||
		fail "v6fix enables something or holds module files: $(grep -E '^/(etc/(sysctl|modprobe|modules-load)|lib/modprobe|usr/src)' <<<"$files" | tr '\n' ' ')"
	[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "v6fix's Version is $(dpkg-deb -f "$deb" Version)"
	dpkg-deb -f "$deb" Depends | grep -q libnl-genl-3 || fail "v6fix does not depend on libnl-genl-3"
fi
log_test "v6fix: CLI, man page, completion, rt_protos.d, examples; nothing enabled"

if [ -s "$dkms" ]; then
	files=$(dpkg-deb -c "$dkms" | awk '{ print $6 }' | sed 's|^\./|/|')
	for f in /usr/src/v6fix-$version/dkms.conf /usr/src/v6fix-$version/Kbuild \
		 /usr/src/v6fix-$version/kmod/main.c /usr/src/v6fix-$version/kmod/uapi/v6fix.h \
		 /lib/modprobe.d/v6fix-sysctl.conf; do
		grep -qx "$f" <<<"$files" || fail "v6fix-dkms lacks $f"
	done
	conf=$(dpkg-deb --fsys-tarfile "$dkms" | tar -xOf - "./usr/src/v6fix-$version/dkms.conf")
	grep -qx "PACKAGE_VERSION=\"$version\"" <<<"$conf" || fail "dkms.conf: $(grep PACKAGE_VERSION <<<"$conf")"
	grep -qx 'AUTOINSTALL="yes"' <<<"$conf" || fail "dkms.conf is not AUTOINSTALL"
	! grep -q '#MODULE_VERSION#' <<<"$conf" || fail "dkms.conf still holds the placeholder"
	dpkg-deb -f "$dkms" Depends | grep -q dkms || fail "v6fix-dkms does not depend on dkms"
	tmp=$(mktemp -d)
	defer rm -rf "$tmp"
	dpkg-deb -e "$dkms" "$tmp/ctrl"
	grep -q "common.postinst" "$tmp/ctrl/postinst" 2>/dev/null && grep -qx "DKMS_NAME=v6fix" "$tmp/ctrl/postinst" || fail "postinst does not run dkms for v6fix"
	grep -q "dkms remove" "$tmp/ctrl/prerm" 2>/dev/null || fail "prerm does not remove the DKMS module"
fi
log_test "v6fix-dkms: sources, dkms.conf $version, modprobe.d hook, DKMS scripts"
exit $EXIT_STATUS
