-- wrk script: each connection waits WRK_DELAY_MS before every request, so the rate is about
-- connections * 1000 / (WRK_DELAY_MS + latency). The load script picks the delay for the target rate.
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "20")

function delay()
  return delay_ms
end
