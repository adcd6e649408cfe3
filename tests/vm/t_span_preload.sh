# SPDX-License-Identifier: GPL-2.0-only
# vm: stock-only (its fast requests must stay under 200 ms: python under KASAN does not)
# vm: retry-once (the fast requests must stay under 200 ms on a busy host)
# The LD_PRELOAD mode of libcrosslat-span on an unmodified server, python3 -m http.server,
# with crosslat_span loaded (threshold 200 ms): a client sends 20 fast requests and 3 slow ones
# (an 8 MiB file read at 8 MiB/s, socket buffers capped at 256 KiB, so the server blocks in
# send for about a second), each with its own traceparent. Checked:
#  - one span per request in the library's log, keyed by the client's traceparent (same
#    trace id, parent = the client's span id), named "GET /path", service from
#    CROSSLAT_SPAN_SERVICE;
#  - the kernel annotated exactly the 3 slow ones (crosslat_span_annotate with their trace
#    ids and names), blocked for most of their duration, their longest listed call a send;
#    the 20 fast ones ended under the threshold (span_under_threshold), no event.
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
PRELOAD=$CROSSLAT_TOP/build/ust/libcrosslat-span-preload.so
[ -f "$PRELOAD" ] || fail "$PRELOAD not built (make ust)"
www=/tmp/span-www
port=8931

rmem=$(sysctl -n net.ipv4.tcp_rmem) wmem=$(sysctl -n net.ipv4.tcp_wmem)
cleanup() {
	sysctl -q -w net.ipv4.tcp_rmem="$rmem" net.ipv4.tcp_wmem="$wmem"
	[ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	[ -e $T/events/crosslat_span/enable ] && echo 0 >$T/events/crosslat_span/enable
	rmmod crosslat_span 2>/dev/null || true
}
trap cleanup EXIT

mkdir -p $www
echo "small" >$www/small.txt
head -c $((8 << 20)) /dev/zero >$www/big.bin

sysctl -q -w net.ipv4.tcp_rmem="4096 65536 262144" net.ipv4.tcp_wmem="4096 65536 262144"
load_engine
insmod "$(ko crosslat_span)" threshold_us=200000
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/crosslat_span/enable
echo 1 >$T/tracing_on

LD_PRELOAD=$PRELOAD CROSSLAT_SPAN_SERVICE=files CROSSLAT_SPAN_LOG=$OUT/spans.jsonl \
	python3 -m http.server $port --bind 127.0.0.1 --directory $www \
	>$OUT/server.log 2>&1 &
server=$!
for _ in $(seq 100); do
	curl -sf -o /dev/null http://127.0.0.1:$port/small.txt -H 'traceparent: 00-00000000000000000000000000000001-0000000000000001-01' && break
	sleep 0.2
done
sleep 0.5
echo >$T/trace	# the warm-up request, whose first run of the handler may be slow
ended0=$(proc_stat span_ended)
under0=$(proc_stat span_under_threshold)
ann0=$(proc_stat span_annotated)

# One client process: 20 fast requests, then 3 slow ones read at 8 MiB/s, each on its own
# connection with a fresh traceparent; sent.txt gets "kind trace span path" per request.
python3 - $port >$OUT/sent.txt <<'PY' || fail "client"
import http.client, os, sys, time
port = int(sys.argv[1])
def request(kind, path, rate=None):
    trace, span = os.urandom(16).hex(), os.urandom(8).hex()
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", path, headers={"traceparent": f"00-{trace}-{span}-01"})
    r = c.getresponse()
    t0, got = time.monotonic(), 0
    while True:
        chunk = r.read(65536)
        if not chunk:
            break
        got += len(chunk)
        if rate:
            time.sleep(max(0, t0 + got / rate - time.monotonic()))
    c.close()
    assert r.status == 200, (path, r.status)
    print(kind, trace, span, path, flush=True)
for _ in range(20):
    request("fast", "/small.txt")
for _ in range(3):
    request("slow", "/big.bin", rate=8 << 20)
PY
kill $server
wait $server 2>/dev/null || true
server=
cp $T/trace $OUT/trace.txt

expect_eq "spans ended in the kernel" $(($(proc_stat span_ended) - ended0)) 23
expect_eq "spans annotated" $(($(proc_stat span_annotated) - ann0)) 3
expect_eq "spans under the threshold" $(($(proc_stat span_under_threshold) - under0)) 20

python3 - "$OUT/sent.txt" "$OUT/spans.jsonl" "$OUT/trace.txt" <<'EOF' | sed 's/^/    /'
import json, re, sys
sent = [l.split() for l in open(sys.argv[1])]
logged = {}
for line in open(sys.argv[2]):
    s = json.loads(line)
    logged.setdefault(s["trace_id"], []).append(s)
bad = 0
for kind, trace, span, path in sent:
    got = logged.get(trace, [])
    if len(got) != 1 or got[0]["parent_span_id"] != span or got[0]["name"] != "GET " + path \
            or got[0]["service"] != "files":
        print(f"FAIL: request {trace} {path}: logged {got}")
        bad += 1
print(f"ok: {len(sent) - bad}/{len(sent)} requests have one span with their trace id, "
      "their client's span as parent, name and service")
# the kernel's annotations: trace=<32 hex> span=<16 hex> tid=N service/name dur=...
ann = {}
calls = {}
for line in open(sys.argv[3]):
    m = re.search(r"crosslat_span_annotate: trace=(\w+) span=(\w+) tid=\d+ (\S+)/(.*) dur=(\d+)"
                  r".* blocked=(\d+)", line)
    if m:
        ann[m.group(1)] = (m.group(2), m.group(3), m.group(4), int(m.group(5)), int(m.group(6)))
    m = re.search(r"crosslat_span_syscall: span=(\w+) nr=(\d+) start=\d+ dur=(\d+) offcpu=(\d+)", line)
    if m:
        calls.setdefault(m.group(1), []).append((int(m.group(3)), int(m.group(2)), int(m.group(4))))
slow = {t: (s, p) for k, t, s, p in sent if k == "slow"}
if set(ann) != set(slow):
    print(f"FAIL: annotated traces {sorted(ann)} != the slow requests {sorted(slow)}")
    bad += 1
for trace, (span, service, name, dur, blocked) in ann.items():
    if service != "files" or name != "GET /big.bin":
        print(f"FAIL: annotation of {trace}: {service}/{name}")
        bad += 1
    listed = calls.get(span, [])
    longest = max(listed, default=(0, -1, 0))
    sends = [c for c in listed if c[1] in (1, 40, 44)]	# write, sendfile, sendto
    # the server spent the span blocked, in the sends its client was slow to drain
    if longest[1] not in (1, 40, 44) or blocked < dur / 2:
        print(f"FAIL: span {span} ({dur} ns, {blocked} blocked): longest call {longest}")
        bad += 1
    else:
        print(f"ok: slow request {trace[:8]}..: {dur / 1e6:.0f} ms, {blocked / 1e6:.0f} ms blocked; "
              f"{len(sends)} of its {len(listed)} listed calls are sends, the longest "
              f"{longest[0] / 1e6:.0f} ms")
sys.exit(1 if bad else 0)
EOF
[ "${PIPESTATUS[0]}" = 0 ] || fail "spans of the unmodified server"
