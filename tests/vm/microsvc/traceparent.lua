-- SPDX-License-Identifier: GPL-2.0-only
-- wrk script of the microservice testbed (ms_load in tests/vm/microsvc.sh): a fresh random
-- W3C traceparent on every request; "TRACE_ID SPAN_ID" of each, one a line, to
-- $MS_WRK_IDS.<thread> (written as each request is generated, so it also holds the few
-- still in flight when wrk stops, and one never sent: wrk calls request() once to check
-- the script); at the end, wrk's own figures as one JSON object to $MS_WRK_OUT:
--   {"requests", "duration_us", "bytes", "errors": {connect, read, write, status,
--    timeout}, "latency_us": {min, mean, max, stdev, p10, p50, p75, p90, p99, p999}}
-- $MS_WRK_THINK_MS (optional): each connection waits that long before its next request.

local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
end

local ids = nil
-- defined only with a think time: wrk otherwise schedules every request through a timer
local think = tonumber(os.getenv("MS_WRK_THINK_MS") or "0") or 0
if think > 0 then
	function delay()
		return think
	end
end

local function seed()
	local f = io.open("/dev/urandom", "rb")
	local s = 0
	if f then
		local b = f:read(6)
		f:close()
		for i = 1, #b do
			s = s * 256 + b:byte(i)
		end
	end
	return s + os.time() + (id or 0)
end

local function hex(nbytes)
	local t = {}
	for i = 1, nbytes do
		t[i] = string.format("%02x", math.random(0, 255))
	end
	local s = table.concat(t)
	if not s:find("[^0]") then
		return hex(nbytes)
	end
	return s
end

function init(args)
	math.randomseed(seed())
	local path = os.getenv("MS_WRK_IDS")
	if path and path ~= "" then
		ids = io.open(path .. "." .. tostring(id), "w")
		ids:setvbuf("line")
	end
end

function request()
	local trace, span = hex(16), hex(8)
	if ids then
		ids:write(trace, " ", span, "\n")
	end
	wrk.headers["traceparent"] = "00-" .. trace .. "-" .. span .. "-01"
	return wrk.format()
end

function done(summary, latency, requests)
	local path = os.getenv("MS_WRK_OUT")
	if not path or path == "" then
		return
	end
	local e = summary.errors
	local f = io.open(path, "w")
	f:write(string.format('{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
		'"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
		'"timeout": %d}, "latency_us": {"min": %d, "mean": %.1f, "max": %d, ' ..
		'"stdev": %.1f, "p10": %d, "p50": %d, "p75": %d, "p90": %d, "p99": %d, ' ..
		'"p999": %d}}\n',
		summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
		e.status, e.timeout, latency.min, latency.mean, latency.max, latency.stdev,
		latency:percentile(10), latency:percentile(50), latency:percentile(75),
		latency:percentile(90),
		latency:percentile(99), latency:percentile(99.9)))
	f:close()
end
