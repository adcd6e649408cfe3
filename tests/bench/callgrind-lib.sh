# SPDX-License-Identifier: GPL-2.0-only
# Helpers sourced by the callgrind-*.sh scripts: run a replay binary under callgrind and read
# instruction counts (Ir) back. A run is named by a TAG: its callgrind output goes to
# $out/callgrind.out.TAG, its standard output to $out/TAG.txt, valgrind's messages to
# $out/valgrind.TAG.log. The caller sets $out (and $replays for cg_pair and cg_delta).
# shellcheck disable=SC2154

# cg_run TAG BINARY [ARG...]: run under callgrind; on failure show valgrind's log and exit 1
cg_run() {
	cg_tag=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out.$cg_tag" "$@" \
		>"$out/$cg_tag.txt" 2>"$out/valgrind.$cg_tag.log" ||
		{ cat "$out/valgrind.$cg_tag.log"; exit 1; }
}

# cg_total TAG: Ir of the whole program, from the "totals:" (or older "summary:") line
cg_total() {
	sed -n 's/^\(totals\|summary\): *\([0-9]*\).*/\2/p' "$out/callgrind.out.$1" | head -n 1
}

# cg_incl TAG FUNCTION: inclusive Ir of FUNCTION (0 if it never ran). callgrind_annotate runs
# from / with --auto=no: inside the tree it shortens some of a file's paths and not others,
# which splits a function's count in two, and it may annotate sources with call lines.
cg_incl() {
	cg_file=$(cd "$out" && pwd)/callgrind.out.$1
	(cd / && callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$cg_file") \
		2>/dev/null |
		awk -v fn="$2" '{ for (i = 2; i <= NF; i++) { f = $i; sub(/^.*:/, "", f);
			if (f == fn) { gsub(",", "", $1); print $1; exit } } }' | grep . || echo 0
}

# cg_pair BINARY MODE: run "BINARY MODE 0" and "BINARY MODE $replays" (tags NAME.MODE.0 and
# NAME.MODE.$replays, NAME the binary's) and show the second's output as comments
cg_pair() {
	cg_run "${1##*/}.$2.0" "$1" "$2" 0
	cg_run "${1##*/}.$2.$replays" "$1" "$2" "$replays"
	sed 's/^/# /' "$out/${1##*/}.$2.$replays.txt"
}

# cg_delta NAME.MODE [FUNCTION]: Ir of the $replays run minus the 0 run's, of FUNCTION
# (inclusive) or of the whole program
cg_delta() {
	if [ $# -gt 1 ]; then
		echo $(($(cg_incl "$1.$replays" "$2") - $(cg_incl "$1.0" "$2")))
	else
		echo $(($(cg_total "$1.$replays") - $(cg_total "$1.0")))
	fi
}
