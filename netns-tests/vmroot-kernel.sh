#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel installed after v6fix-dkms gets v6fix.ko through Debian's kernel
# hooks (/etc/kernel/postinst.d/dkms, header_postinst.d/dkms), in a guest
# whose whole root is a throwaway overlay (scripts/vm-run --overlay-root):
#
#   apt-get install ./v6fix-dkms ./v6fix               (the running kernel)
#   apt-get install ./linux-image-K ./linux-headers-K  (K: another kernel,
#        downloaded on the host by scripts/fetch-kernel-debs; no network here)
#     -> the hook ran DKMS for K: /lib/modules/K/updates/dkms/v6fix.ko,
#        vermagic K, dkms status "installed"
#
# The kernel's initramfs hook is switched off for this install (made not
# executable in the throwaway root): building an initramfs for a kernel
# nobody boots costs minutes under TCG and tests nothing of v6fix's.
# V6FIX_PKG_DIR (default build/deb), V6FIX_KERNEL_DEBS (default
# build/cache/kernel-debs).
source "$(dirname "$0")/scenario/lib.sh"

require_root
in_vm && [ "${V6FIX_OVERLAY_ROOT:-0}" = 1 ] || {
	log_test "vmroot-kernel: only in scripts/vm-run --overlay-root" $ksft_skip
	exit $ksft_skip
}
version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
dir=${V6FIX_PKG_DIR:-$TOP/build/deb}
kdir=${V6FIX_KERNEL_DEBS:-$TOP/build/cache/kernel-debs}
img=$(ls "$kdir"/linux-image-*.deb 2>/dev/null | head -n 1)
hdr=$(ls "$kdir"/linux-headers-*.deb 2>/dev/null | head -n 1)
[ -n "$img" ] && [ -n "$hdr" ] || { log_test "vmroot-kernel: kernel .debs in $kdir (scripts/fetch-kernel-debs)" 1; exit $ksft_fail; }
newk=$(dpkg-deb -f "$img" Package | sed 's/^linux-image-//')
[ ! -d "/lib/modules/$newk" ] || { log_test "vmroot-kernel: $newk is not installed yet" 1; exit $ksft_fail; }

export DEBIAN_FRONTEND=noninteractive
rm -f /var/lib/man-db/auto-update
log=$(mktemp)
defer rm -f "$log"

t0=$(date +%s)
apt-get install -y --no-install-recommends "$dir/v6fix-dkms_${version}_all.deb" "$dir/v6fix_${version}_amd64.deb" >"$log" 2>&1
check_err $? "apt-get install v6fix-dkms: $(tail -n 5 "$log" | tr '\n' '|')"
log_test "apt-get install ./v6fix-dkms ./v6fix ($(($(date +%s) - t0)) s, $(uname -r))"

chmod -x /etc/kernel/postinst.d/initramfs-tools
t0=$(date +%s)
apt-get install -y --no-install-recommends "$img" "$hdr" >"$log" 2>&1
check_err $? "apt-get install the kernel: $(tail -n 8 "$log" | tr '\n' '|')"
log_test "apt-get install ./linux-image-$newk ./linux-headers-$newk ($(($(date +%s) - t0)) s)"

grep -q "dkms.*$newk\|$newk.*dkms\|Building module\|Building initial module" "$log" ||
	fail "no DKMS run in the kernel's installation: $(grep -i dkms "$log" | head -n 3 | tr '\n' '|')"
st=$(dkms status -m v6fix -v "$version" -k "$newk" 2>&1)
[[ $st == *": installed"* ]] || fail "dkms status for $newk: $st"
ko=$(ls /lib/modules/"$newk"/updates/dkms/v6fix.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] || fail "no /lib/modules/$newk/updates/dkms/v6fix.ko"
[ -z "$ko" ] || [ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$newk" ] || fail "vermagic of $ko is not $newk"
modinfo -k "$newk" -n v6fix 2>/dev/null | grep -q updates/dkms || fail "modprobe for $newk does not find it (depmod)"
log_test "the kernel's postinst hook built and installed v6fix.ko for $newk"
exit $EXIT_STATUS
