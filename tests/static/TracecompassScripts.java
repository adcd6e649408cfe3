// SPDX-License-Identifier: GPL-2.0-only
// Runs the JavaScript key scripts of a Trace Compass XML analysis under Rhino the way Trace
// Compass's RhinoScriptEngine does, on hand-made inputs typed as Trace Compass types CTF fields
// (u8 arrays as long[], integers as Long, text as String), and checks each result is a
// java.lang.String (anything else becomes a null state value) equal to the expected key, or
// for a segment's time (a script in <begin>, <end> or <duration>) a java.lang.Number of the
// expected value within 512 ns (JavaScript numbers hold times of the Unix epoch to 256 ns).
//
// Usage: java -cp rhino.jar TracecompassScripts.java ANALYSIS.xml
// Prints one line per failure and "N cases" on success; exits 1 on failure.

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.mozilla.javascript.Context;
import org.mozilla.javascript.ImporterTopLevel;
import org.mozilla.javascript.NativeJavaObject;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class TracecompassScripts {
    private static final Pattern TAG = Pattern.compile("^\\s*/\\*\\s*crosslat:([\\w-]+)\\s*\\*/");

    /* One input set and the key (a String) or time (a Long) it must give. */
    private record Case(Map<String, Object> in, Object want) {}

    private static long[] v4(int a, int b, int c, int d) {
        long[] x = new long[16];
        x[10] = 0xff;
        x[11] = 0xff;
        x[12] = a;
        x[13] = b;
        x[14] = c;
        x[15] = d;
        return x;
    }

    private static long[] v6(int... groups) {
        long[] x = new long[16];
        for (int i = 0; i < 8; i++) {
            x[2 * i] = (groups[i] >> 8) & 0xff;
            x[2 * i + 1] = groups[i] & 0xff;
        }
        return x;
    }

    private static Map<String, Object> in(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            m.put((String) kv[i], v instanceof Integer ? Long.valueOf((Integer) v) : v);
        }
        return m;
    }

    private static Map<String, List<Case>> cases() {
        Map<String, List<Case>> c = new HashMap<>();
        c.put("flow", List.of(
            new Case(in("la", v4(10, 0, 0, 1), "ra", v4(10, 0, 0, 2), "lp", 80, "rp", 51234),
                "10.0.0.1:80 > 10.0.0.2:51234"),
            new Case(in("la", v6(0xfd00, 0, 0, 0, 0, 0, 0, 1), "ra",
                    v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), "lp", 443, "rp", 5000),
                "[fd00::1]:443 > [2001:db8::1:0:0:1]:5000"),
            new Case(in("la", v6(0, 0, 0, 0, 0, 0, 0, 1), "ra", new long[16], "lp", 22, "rp", 0),
                "[::1]:22 > [::]:0"),
            new Case(in("la", v6(0xfe80, 0, 1, 2, 3, 4, 5, 6), "ra",
                    v6(0xfd00, 1, 0, 0, 0, 0, 0, 0), "lp", 65535, "rp", 1),
                "[fe80:0:1:2:3:4:5:6]:65535 > [fd00:1::]:1")));
        c.put("map", List.of(
            new Case(in("dir", 1, "proto", 6, "sa", v4(10, 244, 1, 2), "da", v4(10, 244, 2, 3),
                    "sp", 45678, "dp", 80),
                "encap tcp 10.244.1.2:45678 > 10.244.2.3:80"),
            new Case(in("dir", 3, "proto", 17, "sa", v4(10, 244, 1, 2), "da", v4(10, 96, 0, 10),
                    "sp", 5353, "dp", 53),
                "nat udp 10.244.1.2:5353 > 10.96.0.10:53"),
            new Case(in("dir", 2, "proto", 1, "sa", v4(10, 0, 0, 1), "da", v4(10, 0, 0, 2),
                    "sp", 0, "dp", 0),
                "decap icmp 10.0.0.1 > 10.0.0.2"),
            new Case(in("dir", 9, "proto", 200, "sa", v6(0xfd00, 0, 0, 0, 0, 0, 0, 1), "da",
                    v6(0xfd00, 0, 0, 0, 0, 0, 0, 2), "sp", 0, "dp", 0),
                "dir 9 proto 200 fd00::1 > fd00::2")));
        c.put("outer", List.of(
            new Case(in("dir", 1, "tunnel", 1, "vni", 42, "nat", 0, "proto", 17,
                    "sa", v4(192, 168, 100, 1), "da", v4(192, 168, 100, 2),
                    "sp", 51000, "dp", 4789),
                "vxlan vni 42 192.168.100.1:51000 > 192.168.100.2:4789"),
            new Case(in("dir", 2, "tunnel", 2, "vni", 7, "nat", 0, "proto", 17,
                    "sa", v6(0xfd00, 0, 0, 0, 0, 0, 0, 1), "da", v6(0xfd00, 0, 0, 0, 0, 0, 0, 2),
                    "sp", 6081, "dp", 6081),
                "geneve vni 7 [fd00::1]:6081 > [fd00::2]:6081"),
            new Case(in("dir", 2, "tunnel", 3, "vni", 0, "nat", 0, "proto", 4,
                    "sa", v4(192, 168, 100, 1), "da", v4(192, 168, 100, 2), "sp", 0, "dp", 0),
                "ipip 192.168.100.1 > 192.168.100.2"),
            new Case(in("dir", 3, "tunnel", 0, "vni", 0, "nat", 2, "proto", 6,
                    "sa", v4(10, 244, 2, 3), "da", v4(10, 244, 1, 2), "sp", 80, "dp", 45678),
                "reply 10.244.2.3:80 > 10.244.1.2:45678 dnat"),
            new Case(in("dir", 3, "tunnel", 0, "vni", 0, "nat", 3, "proto", 6,
                    "sa", v4(10, 244, 2, 3), "da", v4(192, 168, 100, 1), "sp", 80, "dp", 40000),
                "reply 10.244.2.3:80 > 192.168.100.1:40000 snat dnat")));
        c.put("hop", List.of(
            new Case(in("fr", 1, "fi", 5, "tr", 2, "ti", 2), "vport#5 > nic#2"),
            new Case(in("fr", 2, "fi", 2, "tr", 1, "ti", 17), "nic#2 > vport#17"),
            new Case(in("fr", 7, "fi", -1, "tr", 1, "ti", 3), "point#-1 > vport#3")));
        c.put("hop-begin", List.of(
            new Case(in("ts", 1795568404000950391L, "lat", 25001L), 1795568404000925390L),
            new Case(in("ts", 1000L, "lat", 0L), 1000L)));
        c.put("pod", List.of(
            new Case(in("comm", "curl", "pid", 1234, "cg", 5678, "pns", 4026532000L),
                "curl pid 1234 cgroup 5678 netns 4026532000"),
            new Case(in("comm", "", "pid", 0, "cg", 99, "pns", 4026531840L),
                "cgroup 99 netns 4026531840"),
            new Case(in("comm", "nginx\0\0\0", "pid", 7, "cg", 0, "pns", 4026531840L),
                "nginx pid 7 netns 4026531840")));
        return c;
    }

    /* As RhinoScriptEngine.setupEngine/put/execute of Trace Compass's XML analysis plug-in. */
    private static Object run(String script, Map<String, Object> values) {
        Context cx = Context.enter();
        try {
            cx.setGeneratingDebug(false);
            cx.setOptimizationLevel(9);
            cx.setLanguageVersion(Context.VERSION_ES6);
            ScriptableObject scope = new ImporterTopLevel(cx);
            values.forEach((k, v) -> scope.put(k, scope, v));
            Object r = cx.evaluateString(scope, script, "Data Driven Source", 1, null);
            if (r == null || r instanceof Undefined)
                return null;
            return r instanceof NativeJavaObject ? ((NativeJavaObject) r).unwrap() : r;
        } finally {
            Context.exit();
        }
    }

    public static void main(String[] args) throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new File(args[0])).getDocumentElement();
        List<Element> scripts = new ArrayList<>();
        for (String name : new String[] { "stateValue", "begin", "end", "duration" }) {
            NodeList nl = root.getElementsByTagName(name);
            for (int i = 0; i < nl.getLength(); i++)
                scripts.add((Element) nl.item(i));
        }
        Map<String, List<Case>> cases = cases();
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (Element sv : scripts) {
            if (!"script".equals(sv.getAttribute("type")))
                continue;
            String script = sv.getAttribute("value");
            Matcher m = TAG.matcher(script);
            String tag = m.find() ? m.group(1) : "(untagged)";
            List<Case> mine = cases.get(tag);
            if (mine == null) {
                failures.add("script crosslat:" + tag + " has no cases here: add some");
                continue;
            }
            for (Case c : mine) {
                Object got;
                try {
                    got = run(script, c.in());
                } catch (RuntimeException e) {
                    got = e;
                }
                ran++;
                boolean ok = c.want() instanceof Long
                    ? got instanceof Number && Math.abs(((Number) got).longValue() - (Long) c.want()) <= 512
                    : got instanceof String && got.equals(c.want());
                if (!ok)
                    failures.add("crosslat:" + tag + " " + c.in().keySet() + ": want \"" + c.want()
                        + "\", got " + (got == null ? "null" : got.getClass().getName() + " \""
                        + got + "\""));
            }
        }
        if (ran == 0)
            failures.add("no script found in " + args[0]);
        failures.forEach(System.out::println);
        if (!failures.isEmpty())
            System.exit(1);
        System.out.println(ran + " cases");
    }
}
