#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Cross-checks a Trace Compass XML analysis against crosslat's LTTng probes and itself.
#
# Usage: tracecompass_refs.py events XML HEADER...   every event the XML handles is an LTTng
#                                                    event of HEADER..., every field it reads
#                                                    is a field of each event that reaches it
#        tracecompass_refs.py internal XML           ids it refers to (locations, $values,
#                                                    tests, actions, states, FSMs, analyses)
#                                                    exist, every test and action is used, and
#                                                    no transition waits for an event its
#                                                    FSM's preconditions filter out
#        tracecompass_refs.py scripts XML            every script stateValue starts with a
#                                                    /* crosslat:NAME */ tag and copies of one
#                                                    tag are identical
# Prints problems one per line and exits 1 if there are any; prints a short summary otherwise.
import fnmatch
import re
import sys
import xml.etree.ElementTree as ET

# Field names Trace Compass resolves itself when an event has no such field
# (DataDrivenValueEventField: CPU, TIMESTAMP, HOSTID, compared ignoring case).
TC_SPECIAL_FIELDS = {"cpu", "timestamp", "hostid"}


# ---------------------------------------------------------------- LTTng probe headers

def split_args(text):
    """Split a macro argument list at top-level commas."""
    args, depth, cur = [], 0, []
    for ch in text:
        if ch == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        cur.append(ch)
    if "".join(cur).strip():
        args.append("".join(cur).strip())
    return args


def call_args(text, open_paren):
    """Return (arguments text, index after ')') of the call whose '(' is at open_paren."""
    depth = 0
    for i in range(open_paren, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_paren + 1:i], i + 1
    raise ValueError("unbalanced parentheses")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def parse_macros(text):
    """Function-like #defines: name -> (params, body)."""
    macros = {}
    logical = re.sub(r"\\\n", " ", text)
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)(.*)$", logical, re.M):
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        macros[m.group(1)] = (params, m.group(3))
    return macros


def field_names(text, macros, depth=0):
    """Names of the ctf_* fields in a TP_FIELDS body, expanding helper macros."""
    if depth > 8:
        raise ValueError("macro expansion too deep")
    names = []
    for m in re.finditer(r"\b(\w+)\s*\(", text):
        word = m.group(1)
        if word.startswith("ctf_"):
            if word.endswith("_nowrite"):
                continue
            args = split_args(call_args(text, m.end() - 1)[0])
            if word.startswith(("ctf_string", "ctf_user_string")):
                idx = 0
            elif word.startswith("ctf_enum"):
                idx = 3
            else:
                idx = 1
            names.append(args[idx])
        elif word in macros:
            params, body = macros[word]
            args = split_args(call_args(text, m.end() - 1)[0])
            for p, a in zip(params, args):
                body = re.sub(r"\b%s\b" % re.escape(p), a, body)
            names.extend(field_names(body, macros, depth + 1))
    return names


def lttng_events(headers):
    """Event name -> list of field names, from LTTNG_TRACEPOINT_EVENT* definitions."""
    events, classes, instances = {}, {}, []
    for path in headers:
        text = strip_comments(open(path, encoding="utf-8").read())
        macros = parse_macros(text)
        for m in re.finditer(r"^LTTNG_TRACEPOINT_EVENT(\w*)\s*\(", text, re.M):
            kind = m.group(1)
            args = split_args(call_args(text, m.end() - 1)[0])
            fields_arg = next((a for a in args if a.startswith("TP_FIELDS")), None)
            fields = None
            if fields_arg is not None:
                fields = field_names(call_args(fields_arg, fields_arg.index("("))[0], macros)
            if kind in ("", "_CODE"):
                events[args[0]] = fields
            elif kind == "_MAP":
                events[args[1]] = fields
            elif kind in ("_CLASS", "_CLASS_CODE"):
                classes[args[0]] = fields
            elif kind in ("_INSTANCE", "_INSTANCE_MAP"):
                instances.append((args[0], args[2] if kind.endswith("_MAP") else args[1]))
            else:
                raise ValueError("%s: LTTNG_TRACEPOINT_EVENT%s is not understood by %s"
                                 % (path, kind, sys.argv[0]))
    for cls, name in instances:
        events[name] = classes[cls]
    return events


# ---------------------------------------------------------------- the XML analysis

def read_fields(elem):
    """Event fields read anywhere under elem."""
    out = set()
    for e in elem.iter():
        if e.tag in ("stateValue", "stateAttribute", "begin", "end", "duration",
                     "futureTime") and e.get("type") == "eventField":
            out.add(e.get("value"))
        elif e.tag == "field":
            out.add(e.get("name"))
    return out


def refs(elem, tag, kind):
    return {e.get("value") for e in elem.iter(tag) if e.get("type") == kind}


def used_fields(elem, provider):
    """Fields read by elem, through the locations and mapping groups it uses."""
    locations = {l.get("id"): l for l in provider.findall("location")}
    groups = {g.get("id"): g for g in provider.findall("mappingGroup")}
    seen, pending, fields = set(), [elem], set()
    while pending:
        e = pending.pop()
        fields |= read_fields(e)
        for loc in refs(e, "stateAttribute", "location"):
            if loc in locations and loc not in seen:
                seen.add(loc)
                pending.append(locations[loc])
        for sv in e.iter("stateValue"):
            grp = sv.get("mappingGroup")
            if grp in groups and grp not in seen:
                seen.add(grp)
                pending.append(groups[grp])
    return fields


def match_events(pattern, events):
    return [e for e in events if fnmatch.fnmatchcase(e, pattern)]


def check_events(root, events):
    problems, handled, fields_checked = [], set(), set()

    def check(where, event_patterns, fields):
        for pat in event_patterns:
            matched = match_events(pat, events)
            if not matched:
                problems.append("%s: event %s is not an LTTng event of the probes" % (where, pat))
            for ev in matched:
                handled.add(ev)
                for f in sorted(fields):
                    if f.lower() in TC_SPECIAL_FIELDS:
                        continue
                    if f not in events[ev]:
                        problems.append("%s: event %s has no field %s" % (where, ev, f))
                    else:
                        fields_checked.add((ev, f))

    for sp in root.iter("stateProvider"):
        for h in sp.findall("eventHandler"):
            name = h.get("eventName")
            check("stateProvider %s eventHandler %s" % (sp.get("id"), name), [name],
                  used_fields(h, sp))

    for pat in root.iter("pattern"):
        handler = pat.find("patternHandler")
        tests = {t.get("id"): t for t in handler.findall("test")}
        actions = {a.get("id"): a for a in handler.findall("action")}
        all_events = set()
        for fsm in handler.findall("fsm"):
            pre = [ev for p in fsm.iter("precondition") if p.get("event")
                   for ev in p.get("event").split("|")]
            check("pattern %s fsm %s precondition" % (pat.get("id"), fsm.get("id")), pre, set())
            for st in fsm.iter():
                if st.tag in ("onentry", "onexit"):
                    problems.append("pattern %s fsm %s: %s actions are not checked; extend %s"
                                    % (pat.get("id"), fsm.get("id"), st.tag, sys.argv[0]))
            for tr in fsm.iter("transition"):
                evs = tr.get("event").split("|") if tr.get("event") else pre
                all_events.update(evs)
                conds = [c for c in (tr.get("cond") or "").split(":") if c]
                acts = [a for a in (tr.get("action") or "").split(":") if a]
                if not evs and (conds or acts):
                    problems.append("pattern %s fsm %s: a transition without event (and no "
                                    "precondition event) uses %s" % (pat.get("id"), fsm.get("id"),
                                                                     conds + acts))
                    continue
                fields = set()
                for c in conds:
                    if c in tests:
                        fields |= used_fields(tests[c], pat)
                for a in acts:
                    if a in actions:
                        fields |= used_fields(actions[a], pat)
                where = "pattern %s fsm %s transition %s->%s" % (
                    pat.get("id"), fsm.get("id"), tr.get("event") or "*", tr.get("target"))
                check(where, evs, fields)
        for sf in pat.findall("storedField"):
            if not any(sf.get("id") in events[e] for p in all_events
                       for e in match_events(p, events)):
                problems.append("pattern %s storedField %s is a field of none of its events"
                                % (pat.get("id"), sf.get("id")))
    return problems, handled, fields_checked


def check_internal(root):
    problems = []
    analyses = {e.get("id") for e in root if e.tag in ("stateProvider", "pattern")}
    if len(analyses) != len([e for e in root if e.tag in ("stateProvider", "pattern")]):
        problems.append("two analyses share an id")
    for view in root:
        if view.tag not in ("timeGraphView", "xyView"):
            continue
        for a in view.iter("analysis"):
            if a.get("id") not in analyses:
                problems.append("%s %s: analysis %s is not defined here"
                                % (view.tag, view.get("id"), a.get("id")))
        values = [d.get("value") for d in view.findall("definedValue")]
        if len(values) != len(set(values)):
            problems.append("%s %s: two definedValues share a value" % (view.tag, view.get("id")))

    for prov in root:
        if prov.tag not in ("stateProvider", "pattern"):
            continue
        where = "%s %s" % (prov.tag, prov.get("id"))
        locations = {l.get("id") for l in prov.findall("location")}
        defined = {d.get("name") for d in prov.findall("definedValue")}
        groups = {g.get("id") for g in prov.findall("mappingGroup")}
        for loc in refs(prov, "stateAttribute", "location"):
            if loc not in locations:
                problems.append("%s: location %s is not defined" % (where, loc))
        for e in prov.iter():
            v = e.get("value")
            if e.tag in ("stateValue", "stateAttribute") and v and v.startswith("$") \
                    and v[1:] not in defined:
                problems.append("%s: %s is not a definedValue" % (where, v))
            g = e.get("mappingGroup")
            if g and g not in groups:
                problems.append("%s: mappingGroup %s is not defined" % (where, g))
        if prov.tag != "pattern":
            continue
        handler = prov.find("patternHandler")
        tests = {t.get("id") for t in handler.findall("test")}
        actions = {a.get("id") for a in handler.findall("action")}
        fsms = {f.get("id"): f for f in handler.findall("fsm")}
        used_tests, used_actions = set(), set()
        for f in (handler.get("initial") or "").split(":"):
            if f and f not in fsms:
                problems.append("%s: initial fsm %s is not defined" % (where, f))
        for fid, fsm in fsms.items():
            states = {s.get("id") for s in fsm.iter() if s.tag in ("state", "final")}
            pre = [ev for p in fsm.iter("precondition") if p.get("event")
                   for ev in p.get("event").split("|")]
            for tr in fsm.iter("transition"):
                for ev in (tr.get("event") or "").split("|"):
                    if ev and pre and not any(fnmatch.fnmatchcase(ev, p) for p in pre):
                        problems.append("%s fsm %s: transition on %s never passes the fsm's "
                                        "preconditions" % (where, fid, ev))
            if fsm.get("initial") and fsm.get("initial") not in states:
                problems.append("%s fsm %s: initial state %s is not defined"
                                % (where, fid, fsm.get("initial")))
            for tr in fsm.iter("transition"):
                if tr.get("target") and tr.get("target") not in states:
                    problems.append("%s fsm %s: target %s is not a state"
                                    % (where, fid, tr.get("target")))
                for c in (tr.get("cond") or "").split(":"):
                    if c:
                        used_tests.add(c)
                for a in (tr.get("action") or "").split(":"):
                    if a:
                        used_actions.add(a)
            for p in fsm.iter("precondition"):
                for c in (p.get("cond") or "").split(":"):
                    if c:
                        used_tests.add(c)
        for t in sorted(used_tests - tests):
            problems.append("%s: test %s is not defined" % (where, t))
        for a in sorted(used_actions - actions):
            problems.append("%s: action %s is not defined" % (where, a))
        for t in sorted(tests - used_tests):
            problems.append("%s: test %s is never used" % (where, t))
        for a in sorted(actions - used_actions):
            problems.append("%s: action %s is never used" % (where, a))
    return problems


TAG = re.compile(r"^\s*/\*\s*crosslat:([\w-]+)\s*\*/")


def check_scripts(root):
    problems, copies = [], {}
    for sv in root.iter("stateValue"):
        if sv.get("type") != "script":
            continue
        text = sv.get("value") or ""
        m = TAG.match(text)
        if not m:
            problems.append("a script does not start with /* crosslat:NAME */: %.60s" % text)
            continue
        ids = tuple(sorted(c.get("id") for c in sv.findall("stateValue")))
        copies.setdefault(m.group(1), []).append((" ".join(text.split()), ids))
    for tag, versions in sorted(copies.items()):
        if len(set(v[0] for v in versions)) != 1:
            problems.append("copies of script crosslat:%s differ" % tag)
        if len(set(v[1] for v in versions)) != 1:
            problems.append("copies of script crosslat:%s bind different ids" % tag)
    return problems, copies


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("events", "internal", "scripts"):
        sys.exit(__doc__ or "usage: tracecompass_refs.py events|internal|scripts XML [HEADER...]")
    mode, root = sys.argv[1], ET.parse(sys.argv[2]).getroot()
    if mode == "events":
        events = lttng_events(sys.argv[3:])
        if not events:
            sys.exit("no LTTng event found in %s" % " ".join(sys.argv[3:]))
        problems, handled, fields = check_events(root, events)
        summary = "%d events, %d event fields" % (len(handled), len(fields))
    elif mode == "internal":
        problems = check_internal(root)
        summary = "references resolve"
    else:
        problems, copies = check_scripts(root)
        summary = "%d scripts, %d copies" % (len(copies), sum(len(v) for v in copies.values()))
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(summary)


if __name__ == "__main__":
    main()
