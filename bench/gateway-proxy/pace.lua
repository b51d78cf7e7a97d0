-- wrk script: a pause before every request on each connection, PACE_MS milliseconds on average
-- (fractional pauses are rounded up or down at random), so that CONNECTIONS connections send about
-- CONNECTIONS * 1000 / (PACE_MS + latency) requests/s: a fixed, moderate load from a generator that
-- costs far less CPU per request than hey's, measured with wrk's own latency percentiles.
local pace = tonumber(os.getenv("PACE_MS") or "10")
local whole = math.floor(pace)
local fraction = pace - whole
math.randomseed(os.time())

function delay()
  if math.random() < fraction then
    return whole + 1
  end
  return whole
end
