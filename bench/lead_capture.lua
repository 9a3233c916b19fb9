-- wrk script for bench/lead_capture.py: POSTs single captures, each with its own e-mail
-- and Idempotency-Key, and prints one JSON line with counts and latency percentiles.
--
--   wrk -t2 -c32 -d60s --timeout 10s -s bench/lead_capture.lua http://127.0.0.1:8800 -- FORM_KEY RUN_ID

local counter = 0
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

function init(args)
  form_key = args[1]
  run = args[2]
  path = "/api/v1/funnel/capture/" .. form_key
  kinds = {"form_fill", "webinar", "content_download", "demo_request"}
  countries = {"IR", "AE", "DE", "TR"}
  sizes = {12, 80, 600, 9000}
end

function request()
  counter = counter + 1
  local n = tid .. "x" .. counter
  local company = counter % 5000
  local body = string.format(
    '{"email":"lead%s.%s@company%d.bench.example","first_name":"Bench","last_name":"Lead %s",' ..
    '"company":"Company %d","country":"%s","employees":%d,"touch_kind":"%s"}',
    n, run, company, n, company, countries[counter % 4 + 1], sizes[counter % 4 + 1], kinds[math.floor(counter / 3) % 4 + 1])
  return wrk.format("POST", path,
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = run .. "-" .. n}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"p50_ms":%.1f,"p90_ms":%.1f,"p99_ms":%.1f,"p999_ms":%.1f,"max_ms":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
