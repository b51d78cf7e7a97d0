-- wrk script: sends the pre-signed deliveries of $DELIVERIES (see deliveries.py), each thread its
-- own stride so no delivery is sent twice by accident; with $RATE set, paces every connection so
-- that all of them together send about RATE requests per second.
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  requests = dofile(os.getenv("DELIVERIES"))
  stride = tonumber(os.getenv("THREADS") or "2")
  index = id + 1
  local rate = tonumber(os.getenv("RATE") or "0")
  pause = rate > 0 and math.floor(1000 * tonumber(os.getenv("CONNECTIONS")) / rate) or 0
end
function request()
  local r = requests[index]
  index = index + stride
  if index > #requests then index = id + 1 end
  return r
end
function delay()
  return pause
end
function response(status, headers, body)
  if status ~= 200 then
    wrk.thread:set("bad", (wrk.thread:get("bad") or 0) + 1)
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("bad") or 0) end
  io.write(string.format("NON_200=%d\n", bad))
end
