#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel installed after v6fix-dkms gets v6fix.ko through Debian's kernel
# hooks (/etc/kernel/postinst.d/dkms, header_postinst.d/dkms), in a guest
# whose whole root is a throwaway overlay (scripts/vm-run --overlay-root):
#
#   apt-get install ./v6fix-dkms ./v6fix
#     -> registered with DKMS ("added"); no build: the running kernel's
#        headers are hidden for this install (vmroot-package.sh tests that
#        build; here it would only double the cost)
#   apt-get install ./linux-image-K ./linux-headers-K  (K: another kernel,
#        downloaded on the host by scripts/fetch-kernel-debs; no network here)
#     -> the hook ran DKMS for K: /lib/modules/K/updates/dkms/v6fix.ko,
#        vermagic K, dkms status "installed", found by modprobe for K
#   apt-get purge v6fix v6fix-dkms
#     -> no v6fix.ko left for K either, no DKMS tree
#
# The kernel's initramfs hook is switched off for this install (made not
# executable in the throwaway root): building an initramfs for a kernel
# nobody boots costs minutes under TCG and tests nothing of v6fix's.
# V6FIX_PKG_DIR (default build/deb), V6FIX_KERNEL_DEBS (default
# build/cache/kernel-debs).
source "$(dirname "$0")/scenario/lib.sh"
source "$(dirname "$0")/scenario/vmroot.sh"

require_root
in_vm && [ "${V6FIX_OVERLAY_ROOT:-0}" = 1 ] || {
	log_test "vmroot-kernel: only in scripts/vm-run --overlay-root" $ksft_skip
	exit $ksft_skip
}
kver=$(uname -r)
version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
dir=${V6FIX_PKG_DIR:-$TOP/build/deb}
kdir=${V6FIX_KERNEL_DEBS:-$TOP/build/cache/kernel-debs}
img=$(ls "$kdir"/linux-image-*.deb 2>/dev/null | head -n 1)
hdr=$(ls "$kdir"/linux-headers-*.deb 2>/dev/null | head -n 1)
[ -n "$img" ] && [ -n "$hdr" ] || { log_test "vmroot-kernel: kernel .debs in $kdir (scripts/fetch-kernel-debs)" 1; exit $ksft_fail; }
newk=$(dpkg-deb -f "$img" Package | sed 's/^linux-image-//')
[ ! -d "/lib/modules/$newk" ] || { log_test "vmroot-kernel: $newk is not installed yet (scripts/fetch-kernel-debs)" 1; exit $ksft_fail; }

vmroot_prepare || { log_test "vmroot-kernel: a root dpkg can work in"; exit $EXIT_STATUS; }
log=$(mktemp)
defer rm -f "$log"

t0=$(date +%s)
mv "/lib/modules/$kver/build" "/lib/modules/$kver/build.v6fix-hidden"
apt-get install "${vmroot_apt[@]}" "$dir/v6fix-dkms_${version}_all.deb" "$dir/v6fix_${version}_amd64.deb" >"$log" 2>&1
check_err $? "apt-get install v6fix-dkms: $(tail -n 5 "$log" | tr '\n' '|')"
mv "/lib/modules/$kver/build.v6fix-hidden" "/lib/modules/$kver/build"
st=$(dkms status -m v6fix -v "$version" 2>&1)
[[ $st == *": added"* ]] || fail "dkms status after the install: '$st', want added"
log_test "apt-get install ./v6fix-dkms ./v6fix: added to DKMS ($(($(date +%s) - t0)) s, $kver)"

chmod -x /etc/kernel/postinst.d/initramfs-tools
t0=$(date +%s)
apt-get install "${vmroot_apt[@]}" "$img" "$hdr" >"$log" 2>&1
check_err $? "apt-get install the kernel: $(tail -n 8 "$log" | tr '\n' '|')"
log_test "apt-get install ./linux-image-$newk ./linux-headers-$newk ($(($(date +%s) - t0)) s)"

grep -q "dkms.*$newk\|$newk.*dkms\|Building module\|Building initial module" "$log" ||
	fail "no DKMS run in the kernel's installation: $(grep -i dkms "$log" | head -n 3 | tr '\n' '|')"
st=$(dkms status -m v6fix -v "$version" -k "$newk" 2>&1)
[[ $st == *": installed"* ]] || fail "dkms status for $newk: $st"
ko=$(ls /lib/modules/"$newk"/updates/dkms/v6fix.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] || fail "no /lib/modules/$newk/updates/dkms/v6fix.ko"
[ -z "$ko" ] || [ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$newk" ] || fail "vermagic of $ko is not $newk"
[ -z "$ko" ] || [ "$(modinfo -F version "$ko")" = "$version" ] || fail "version of $ko is not $version"
modinfo -k "$newk" -n v6fix 2>/dev/null | grep -q updates/dkms || fail "modprobe for $newk does not find it (depmod)"
[ ! -e "/lib/modules/$kver/updates/dkms/v6fix.ko" ] || fail "the hook for $newk built for the running kernel too"
log_test "the kernel's postinst hook built and installed v6fix.ko for $newk"

t0=$(date +%s)
apt-get purge "${vmroot_apt[@]}" v6fix v6fix-dkms >"$log" 2>&1
check_err $? "apt-get purge: $(tail -n 5 "$log" | tr '\n' '|')"
ko=$(find /lib/modules -name 'v6fix.ko*' 2>/dev/null | tr '\n' ' ')
[ -z "$ko" ] || fail "purge left modules: $ko"
[ ! -e /var/lib/dkms/v6fix ] || fail "purge left /var/lib/dkms/v6fix"
[ ! -e "/usr/src/v6fix-$version" ] || fail "purge left /usr/src/v6fix-$version"
! modinfo -k "$newk" v6fix >/dev/null 2>&1 || fail "modinfo still finds v6fix for $newk"
log_test "apt-get purge: no v6fix.ko left for $newk, no DKMS tree ($(($(date +%s) - t0)) s)"
exit $EXIT_STATUS
