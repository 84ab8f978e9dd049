-- wrk script for bench/web.py: requests the paths given after `--` in turn, and prints one line of JSON
-- (prefixed WRKJSON) with the counts and the latency percentiles wrk keeps, p95 included (its own
-- --latency table stops at p50/p75/p90/p99).
local paths = {}
local turn = 0

init = function(args)
  for i, path in ipairs(args) do paths[i] = path end
end

request = function()
  turn = turn % #paths + 1
  return wrk.format("GET", paths[turn])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bad_status": %d, "socket_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
