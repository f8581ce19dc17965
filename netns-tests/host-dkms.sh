#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS builds v6fix.ko from the sources `make install` installs, for every
# kernel with headers, as CI and a test host would (scripts/dkms-check works
# in a scratch tree: nothing on this host changes).
source "$(dirname "$0")/scenario/lib.sh"

require_root
require_cmd dkms make

out=$("$TOP/scripts/dkms-check" 2>&1)
rc=$?
n=0
while read -r _ _ k result rest; do
	[ -n "$k" ] || continue
	n=$((n + 1))
	RET=0
	[ "$result" = ok ] || fail "${k%:}: $result $rest"
	log_test "dkms build for ${k%:}"
done < <(grep '^dkms build ' <<<"$out")
if [ "$rc" -ne 0 ] || [ "$n" -eq 0 ]; then
	RET_MSG=$(tail -n 15 <<<"$out")
	log_test "scripts/dkms-check" 1
fi
exit $EXIT_STATUS
