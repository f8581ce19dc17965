#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages installed for real, in a guest whose whole root is a
# throwaway overlay (scripts/vm-run --overlay-root; not part of `run vm`,
# which boots without it: scripts/check runs this as its own stage):
#
#   apt-get install ./v6fix-dkms_V_all.deb ./v6fix_V_amd64.deb   (no network)
#     -> DKMS built v6fix.ko for the running kernel (updates/dkms)
#     -> `v6fix softerr show` autoloads it through the generic netlink
#        family alias (net-pf-16-proto-16-family-v6fix), no modprobe by hand
#     -> an /etc/sysctl.d file with net.v6fix.softerr_policy = rfc1122, which
#        `sysctl --system` cannot apply before the load, takes effect at the
#        load (the package's modprobe.d hook); without the hook it does not
#   apt-get purge v6fix v6fix-dkms
#     -> no file of either package, no DKMS tree, no v6fix.ko, none loaded
#
# V6FIX_PKG_DIR (default build/deb) holds the .debs (make deb).
source "$(dirname "$0")/scenario/lib.sh"
source "$(dirname "$0")/scenario/vmroot.sh"

require_root
in_vm && [ "${V6FIX_OVERLAY_ROOT:-0}" = 1 ] || {
	log_test "vmroot-package: only in scripts/vm-run --overlay-root" $ksft_skip
	exit $ksft_skip
}
kver=$(uname -r)
version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
dir=${V6FIX_PKG_DIR:-$TOP/build/deb}
deb=$dir/v6fix_${version}_amd64.deb
dkmsdeb=$dir/v6fix-dkms_${version}_all.deb
[ -s "$deb" ] && [ -s "$dkmsdeb" ] || { log_test "vmroot-package: $deb and $dkmsdeb (make deb)" 1; exit $ksft_fail; }

vmroot_prepare || { log_test "vmroot-package: a root dpkg can work in"; exit $EXIT_STATUS; }
log=$(mktemp)
defer rm -f "$log"
show_log() { RET_MSG="$RET_MSG; $(tail -n 20 "$log" | tr '\n' '|')"; }
step_start() { t0=$(date +%s); }
step_time() { echo "$(($(date +%s) - t0)) s"; }
# stamp: each line of the input prefixed with the seconds since step_start,
# into $log; the lines that mark the phases (dpkg, DKMS) are shown as they
# come (progress: minutes under TCG).
stamp() {
	local l
	while IFS= read -r l; do
		l=$(printf '%4d %s' $(($(date +%s) - t0)) "$l")
		echo "$l" >>"$log"
		[[ $l =~ ^\ *[0-9]+\ (Reading\ package|Unpacking|Setting\ up|Loading\ new|Building\ (for|initial)|Done\.|Installing\ /lib|Running\ depmod|depmod|Removing|Deleting|Purging|Module\ .*(removed|uninstalled)) ]] &&
			echo "# ${l:0:100}"
	done
}

# --- install ------------------------------------------------------------------
step_start
: >"$log"
# apt copies local files into its archive cache itself; no network is used
# (the guest has none): every dependency is already installed.
apt-get install "${vmroot_apt[@]}" "$dkmsdeb" "$deb" 2>&1 | stamp
check_err "${PIPESTATUS[0]}" "apt-get install failed"
[ $RET = 0 ] || show_log
log_test "apt-get install ./v6fix-dkms ./v6fix ($(step_time), $kver)"

st=$(dkms status -m v6fix -v "$version" -k "$kver" 2>&1)
[[ $st == *": installed"* ]] || fail "dkms status: $st"
ko=$(modinfo -n v6fix 2>&1)
[[ $ko == /lib/modules/$kver/updates/dkms/v6fix.ko* ]] || fail "modinfo -n v6fix: $ko"
[ "$(modinfo -F vermagic v6fix 2>/dev/null | awk '{ print $1 }')" = "$kver" ] || fail "vermagic is not $kver"
[ "$(modinfo -F version v6fix 2>/dev/null)" = "$version" ] || fail "module version is not $version"
[ $RET = 0 ] || RET_MSG="$RET_MSG; $(cat /var/lib/dkms/v6fix/"$version"/build/make.log 2>/dev/null | tail -n 10 | tr '\n' '|')"
log_test "DKMS built and installed v6fix.ko for the running kernel"
echo "# dkms status: $(dkms status 2>&1 | tr '\n' ';')"

# --- autoload through the genl family alias ------------------------------------
alias=$(modinfo -F alias v6fix 2>/dev/null)
[[ $'\n'$alias$'\n' == *$'\n'net-pf-16-proto-16-family-v6fix$'\n'* ]] || fail "no genl family alias: '$alias'"
[ "$(modprobe -R net-pf-16-proto-16-family-v6fix 2>&1)" = v6fix ] || fail "the alias does not resolve to v6fix"
log_test "MODULE_ALIAS_GENL_FAMILY: net-pf-16-proto-16-family-v6fix -> v6fix"

# A boot-time setting, as a test host would have it. sysctl --system now,
# before any load, cannot set it (the key does not exist yet).
cat >/etc/sysctl.d/60-v6fix-test.conf <<-'EOT'
	net.v6fix.softerr_policy = rfc1122
EOT
defer rm -f /etc/sysctl.d/60-v6fix-test.conf
[ ! -d /sys/module/v6fix ] || fail "v6fix.ko was loaded before anything asked for it"
# (procps 4.0.2 skips a key of a --system file that does not exist, silently.)
sysctl --system >/dev/null 2>&1
[ ! -e /proc/sys/net/v6fix/softerr_policy ] || fail "net.v6fix.softerr_policy exists before the load"
[ ! -d /sys/module/v6fix ] || fail "sysctl --system loaded the module"
log_test "before the load, sysctl --system cannot set net.v6fix.*"

out=$(/usr/sbin/v6fix -j softerr show 2>&1)
check_err $? "v6fix softerr show: $out"
[ -d /sys/module/v6fix ] || fail "v6fix.ko not loaded after softerr show"
log_test "v6fix softerr show autoloads v6fix.ko (no modprobe by hand)"

p=$(jq -r .inet6 <<<"$out" 2>/dev/null)
[ "$p" = rfc1122 ] || fail "after the autoload the inet6 policy is '$p' ($out), want rfc1122 from sysctl.d"
[ "$(sysctl -n net.v6fix.softerr_policy 2>&1)" = rfc1122 ] || fail "sysctl says $(sysctl -n net.v6fix.softerr_policy 2>&1)"
[ "$(jq -r .inet <<<"$out" 2>/dev/null)" = hard ] || fail "the inet policy changed too: $out"
log_test "sysctl.d net.v6fix.softerr_policy = rfc1122 takes effect at the load"

# The hook is what did it: opted out (an empty file of the same name in
# /etc/modprobe.d overrides /lib/modprobe.d), a reload keeps the default.
modprobe -r v6fix
check_err $? "modprobe -r v6fix"
: >/etc/modprobe.d/v6fix-sysctl.conf
/usr/sbin/v6fix softerr show >/dev/null 2>&1
p=$(sysctl -n net.v6fix.softerr_policy 2>&1)
[ "$p" = hard ] || fail "without the modprobe.d hook the policy is '$p', want the default hard"
rm -f /etc/modprobe.d/v6fix-sysctl.conf
log_test "without the modprobe.d hook the setting is not applied (control)"

# --- completion and the rest of the CLI package -----------------------------------
[ -r /usr/share/bash-completion/completions/v6fix ] || fail "no completion installed"
out=$(bash --norc -c 'source /usr/share/bash-completion/bash_completion; _completion_loader v6fix; complete -p v6fix' 2>&1)
[[ $out == *"-F _v6fix v6fix" ]] || fail "bash-completion does not load it: $out"
[ "$(ip -6 route show proto v6fix 2>&1)" = "" ] || fail "ip does not know proto v6fix (rt_protos.d)"
for f in /etc/sysctl.d/60-v6fix.conf /etc/modprobe.d/v6fix.conf /etc/modules-load.d/v6fix.conf; do
	[ ! -e "$f" ] || fail "$f installed: something is enabled by default"
done
log_test "completion loads, rt_protos.d known, nothing enabled by default"

# --- purge ------------------------------------------------------------------------
files=$(dpkg -L v6fix v6fix-dkms 2>/dev/null | sort -u)
step_start
: >"$log"
apt-get purge "${vmroot_apt[@]}" v6fix v6fix-dkms 2>&1 | stamp
check_err "${PIPESTATUS[0]}" "apt-get purge failed"
[ $RET = 0 ] || show_log
left=()
while read -r f; do
	[ -n "$f" ] && [ -e "$f" ] && [ ! -d "$f" ] && left+=("$f")
done <<<"$files"
[ ${#left[@]} = 0 ] || fail "purge left files: ${left[*]}"
[ ! -e "/usr/src/v6fix-$version" ] || fail "purge left /usr/src/v6fix-$version"
[ ! -e /var/lib/dkms/v6fix ] || fail "purge left /var/lib/dkms/v6fix"
ko=$(find /lib/modules -name 'v6fix.ko*' 2>/dev/null | tr '\n' ' ')
[ -z "$ko" ] || fail "purge left modules: $ko"
! modinfo v6fix >/dev/null 2>&1 || fail "modinfo still finds v6fix"
[ ! -d /sys/module/v6fix ] || fail "v6fix.ko is still loaded"
dpkg-query -W v6fix v6fix-dkms >/dev/null 2>&1 && fail "dpkg still knows a package: $(dpkg-query -W -f '${Package} ${Status}\n' v6fix v6fix-dkms 2>&1 | tr '\n' ';')"
log_test "apt-get purge: no file, no DKMS tree, no module left, none loaded ($(step_time))"
exit $EXIT_STATUS
