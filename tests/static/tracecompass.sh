#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks tracecompass/crosslat.xml, the Trace Compass analysis of crosslat's LTTng events: it
# is valid against Trace Compass's schema (xmllint), every event and field it reads exists in
# the LTTng probes (kmod/lttng/events/*.h), its internal references resolve, copies of a key
# script are identical and, where Java and Rhino are installed, give the expected keys under
# Rhino. Mutated copies prove the schema and the name check reject what they should.
# Run by tests/static/run; alone it prints "tracecompass: N passed, N failed, N skipped".
# The schema is read from $CROSSLAT_TC_XSD_DIR, by default shared/data/tracecompass-xsd beside
# the repository, else the workplace's copy (/work/shared/...: a clone elsewhere, as CI's).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
xml=tracecompass/crosslat.xml
xsd_dir=${CROSSLAT_TC_XSD_DIR:-}
if [ -z "$xsd_dir" ]; then
	for d in "$top/../shared/data/tracecompass-xsd" /work/shared/data/tracecompass-xsd; do
		[ -f "$d/xmlDefinition.xsd" ] && { xsd_dir=$d; break; }
	done
	xsd_dir=${xsd_dir:-$top/../shared/data/tracecompass-xsd}
fi
xsd=$xsd_dir/xmlDefinition.xsd
refs=tests/static/tracecompass_refs.py
headers=(kmod/lttng/events/*.h)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

SUITE=tracecompass
# shellcheck source=tests/static/suite.sh
. "$top/tests/static/suite.sh"

# mutate NAME SED-EXPR: a copy of the analysis with one change, which must still be well-formed
# XML and must really differ, so that a rejection is the check's doing.
mutate() {
	sed -e "$2" "$xml" >"$tmp/$1.xml"
	! cmp -s "$xml" "$tmp/$1.xml" && xmllint --noout "$tmp/$1.xml" 2>&1 | indent
}

# 1. Valid against Trace Compass's schema, and the validator rejects a renamed element and
#    an undefined attribute value.
if ! command -v xmllint >/dev/null; then
	echo "    xmllint missing (Debian: libxml2-utils, installed by scripts/deps)"
	result 1 schema
elif [ ! -f "$xsd" ]; then
	echo "    no schema at $xsd (set CROSSLAT_TC_XSD_DIR)"
	result 1 schema
else
	xmllint --noout --schema "$xsd" "$xml" 2>&1 | indent
	result "${PIPESTATUS[0]}" schema

	rejected=0 tried=0
	for m in 'element:0,/<display /s//<dispaly /' \
		'value:0,/type="eventField"/s//type="eventfield"/'; do
		name=${m%%:*} tried=$((tried + 1))
		if mutate "$name" "${m#*:}" && ! xmllint --noout --schema "$xsd" "$tmp/$name.xml" \
			>"$tmp/$name.log" 2>&1; then
			rejected=$((rejected + 1))
		else
			echo "    mutation '$name' was not rejected:"; indent <"$tmp/$name.log"
		fi
	done
	[ $rejected = $tried ]
	result $? "schema-mutations ($rejected of $tried rejected)"
fi

# 2. Every event and field the analysis reads is in the LTTng probes, and a misspelt event
#    and field are caught.
out=$(python3 "$refs" events "$xml" "${headers[@]}" 2>&1)
rc=$?
echo "$out" | indent
result $rc "events-fields"

if mutate names '0,/eventName="crosslat_mark"/s//eventName="crosslat_marker"/
		0,/type="eventField" value="srtt_ns"/s//type="eventField" value="srtt_nsec"/'; then
	out=$(python3 "$refs" events "$tmp/names.xml" "${headers[@]}" 2>&1)
	rc=$?
	[ $rc = 1 ] && grep -q 'crosslat_marker' <<<"$out" && grep -q 'srtt_nsec' <<<"$out"
	rc=$?
	[ $rc = 0 ] || { echo "    misspelt names not reported:"; echo "$out" | indent; }
else
	rc=1
fi
result $rc "events-fields-mutation"

# 3. Ids the analysis refers to exist; copies of a key script are identical.
out=$(python3 "$refs" internal "$xml" 2>&1)
rc=$?
echo "$out" | indent
result $rc "internal-refs"

out=$(python3 "$refs" scripts "$xml" 2>&1)
rc=$?
echo "$out" | indent
result $rc "scripts-identical"

# 4. The key scripts under Rhino, as Trace Compass runs them (needs a JDK for the
#    single-file source launcher, and Debian's rhino).
jar=$(ls /usr/share/java/rhino.jar /usr/share/java/js.jar 2>/dev/null | head -n1)
if [ -z "$jar" ] || ! command -v java >/dev/null ||
	! java --list-modules 2>/dev/null | grep -q '^jdk.compiler@'; then
	skip "scripts-rhino (needs a JDK and Debian's rhino package)"
else
	out=$(java -cp "$jar" tests/static/TracecompassScripts.java "$xml" 2>&1)
	rc=$?
	echo "$out" | indent
	result $rc "scripts-rhino"
fi

echo "tracecompass: $pass passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
