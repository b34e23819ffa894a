-- wrk script for bench/pages.py: counts every response that is not the real page (a status other than
-- 200, or a body without the page's marker text) and prints one machine-readable line at the end.
-- The marker comes from the environment (BENCH_MARKER), so one script serves every page.

local marker = os.getenv("BENCH_MARKER") or ""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = ""
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body or "", marker, 1, true) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = "status " .. status .. ", " .. string.len(body or "") .. " bytes"
    end
  end
end

function done(summary, latency, requests)
  local total_bad, first = 0, ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    if first == "" then
      first = thread:get("first_bad")
    end
  end
  local e = summary.errors
  -- latency is in microseconds; the duration too
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "bad": %d, "first_bad": "%s", "socket_errors": %d, ' ..
    '"p50": %.3f, "p95": %.3f, "p99": %.3f, "max": %.3f}\n',
    summary.requests, summary.duration / 1e6, total_bad, first, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
