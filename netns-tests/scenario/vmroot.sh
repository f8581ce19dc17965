#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the vmroot-*.sh tests share: a guest whose whole root is a throwaway
# overlay over the host's (scripts/vm-run --overlay-root) made ready for
# apt-get, dpkg and DKMS, without the work that proves nothing of v6fix's
# and costs minutes under TCG (measured on 2026-12-01 in a 6.1 guest, load
# 10-15: apt reading the host's package lists 55 s, debconf's
# preconfiguration 37 s, a second DKMS build for the host's newest kernel).
# Everything changed here is in the guest's memory and goes at power-off.
# Source it after lib.sh; then vmroot_prepare, and apt-get "${vmroot_apt[@]}".

# Options for apt-get: no package lists (the guest has no network and
# installs local .debs only; their dependencies are installed already, as
# the dpkg status says), no package cache written.
vmroot_apt=(-y --no-install-recommends
	-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null/none
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)

# vmroot_prepare: fail (return 1, RET_MSG says why) when the root is not one
# dpkg can work in; otherwise trim the throwaway root.
vmroot_prepare() {
	local c
	# The lower layer is the host's root as it is while the guest runs: an
	# apt-get on the host at that moment leaves dpkg's journal non-empty,
	# and every dpkg in the guest refuses to run ("dpkg was interrupted").
	if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ]; then
		RET=1
		RET_MSG="the host's dpkg was mid-operation when the guest booted (/var/lib/dpkg/updates): run again when the host's apt is done"
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# man-db's trigger rebuilds its whole index; debconf's preconfiguration
	# (apt's Pre-Install-Pkgs hook, a perl run) finds no template in our
	# packages. Neither is v6fix's.
	rm -f /var/lib/man-db/auto-update
	printf '%s\n' '#clear DPkg::Pre-Install-Pkgs;' >/etc/apt/apt.conf.d/99v6fix-vmroot
	# DKMS's postinst builds for the running kernel and for the newest one
	# it finds by /boot/config-* (Debian's dkms 3.0.10 common.postinst):
	# that second build, for whatever kernel the host has newest, is Debian's
	# policy, not v6fix's, and would double the cost. Only the running
	# kernel's config stays (the guest boots from the host's /boot anyway).
	for c in /boot/config-*; do
		[ "$c" = "/boot/config-$(uname -r)" ] || rm -f "$c"
	done
	return 0
}
