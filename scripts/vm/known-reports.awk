# SPDX-License-Identifier: GPL-2.0
#
# Kernel reports in a guest's console log (scripts/vm-run): each known one
# (a pattern of the file -v known= names: scripts/vm/known-reports) named on
# stderr; prints how many are not known. A report starts at its title (BUG:,
# WARNING:, Oops, general protection fault) and ends at the next title,
# "</TASK>" or "end trace"; it is known when one of its first five lines
# matches a pattern and no line of it names a frame or a lock of v6fix.
# Prints "COUNT LINE": how many are not known, and the line the first of
# them starts on (0 if none).
BEGIN {
	while ((getline l < known) > 0)
		if (l !~ /^#/ && l != "")
			pat[++np] = l
}
function done(   i) {
	if (!inrep)
		return
	inrep = 0
	if (!ours)
		for (i = 1; i <= np; i++)
			if (head ~ pat[i]) {
				printf "vm-run: a known kernel report, not v6fix's (scripts/vm/known-reports): %s\n",
				       where > "/dev/stderr"
				return
			}
	if (!unknown++)
		first = start
}
/^\[ *[0-9]+\.[0-9]+\] (BUG:|WARNING:|Oops|general protection fault)/ {
	done()
	inrep = 1; n = 0; head = ""; ours = 0; where = ""; start = NR
}
inrep {
	if (++n <= 5) {
		head = head "\n" $0
		if ($0 ~ /\.c:[0-9]+ /)
			where = $0
	}
	# A frame or a lock of the module ("[v6fix]", "v6fix_"); the release
	# string of our own kernels does not count.
	if ($0 ~ /\[v6fix\]|v6fix_/)
		ours = 1
	if ($0 ~ /<\/TASK>|end trace/)
		done()
}
END { done(); print unknown + 0, first + 0 }
