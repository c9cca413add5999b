-- wrk script: replay pre-generated requests and count what came back.
--
--   WRK_OUT=out.json wrk -t2 -c64 -d30s -s requests.lua http://127.0.0.1:8002 -- requests.tsv 2
--
-- requests.tsv has one request a line: METHOD <tab> path <tab> X-Forwarded-For <tab> JSON body (may
-- be empty). Thread i of n sends lines i, i+n, i+2n, … in order (so no two threads send the same
-- form token); a thread that runs out starts its share again — those replays get 409, which the
-- counts show. Every request carries what the reverse proxy would add (Host, X-Forwarded-For,
-- X-Forwarded-Proto; and Connection: close when WRK_CLOSE=1). The counts by status, the case numbers of the 201 receipts and wrk's latency
-- percentiles go to $WRK_OUT as JSON.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local host = os.getenv("WRK_HOST") or "localhost"
-- WRK_CLOSE=1: one connection per request, like nginx proxying to gunicorn with its defaults
-- (HTTP/1.0 upstream, no upstream keepalive)
local close = os.getenv("WRK_CLOSE") == "1"

function init(args)
  local path, nthreads = args[1], tonumber(args[2] or "1")
  requests, position, counts, cases, wrapped = {}, 0, {}, {}, 0
  local n = 0
  for line in io.lines(path) do
    if n % nthreads == id then
      local method, target, xff, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {["Host"] = host, ["X-Forwarded-For"] = xff, ["X-Forwarded-Proto"] = "https"}
      if close then
        headers["Connection"] = "close"
      end
      if body ~= "" then
        headers["Content-Type"] = "application/json"
      else
        body = nil
      end
      requests[#requests + 1] = wrk.format(method, target, headers, body)
    end
    n = n + 1
  end
  if #requests == 0 then
    error("no requests for thread " .. id .. " in " .. path)
  end
end

function request()
  position = position + 1
  if position > #requests then
    position, wrapped = 1, wrapped + 1
  end
  return requests[position]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 201 then
    local number = body:match('"case_number"%s*:%s*"(%d+)"')
    if number then
      cases[#cases + 1] = number
    end
  end
end

local function json_counts(total)
  local parts = {}
  for status, n in pairs(total) do
    parts[#parts + 1] = string.format('"%d": %d', status, n)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests_stats)
  local total, all_cases, wraps = {}, {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
    for _, number in ipairs(thread:get("cases")) do
      all_cases[#all_cases + 1] = '"' .. number .. '"'
    end
    wraps = wraps + thread:get("wrapped")
  end
  local e = summary.errors
  local out = io.open(os.getenv("WRK_OUT") or "wrk-out.json", "w")
  out:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, "wrapped": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "stdev": %.1f, ' ..
    '"p50": %d, "p90": %d, "p95": %d, "p99": %d, "p999": %d}, "status": %s, "cases": [%s]}\n',
    summary.duration, summary.requests, summary.bytes, wraps,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency:percentile(99.9), json_counts(total), table.concat(all_cases, ",")))
  out:close()
end
