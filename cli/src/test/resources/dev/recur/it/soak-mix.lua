-- recur serve under load and attack (wrk): every connection cycles through good requests (completions plain and
-- streamed, scoring, model listing) and bad ones (invalid JSON, a 10 MB body, a huge max_tokens, a negative and a
-- NaN temperature, an unknown field). Statuses are counted per thread and summed in done().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  local h = { ["Content-Type"] = "application/json" }
  local big = '{"prompt":"' .. string.rep("a", 10 * 1024 * 1024) .. '"}'
  reqs = {
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the","max_tokens":16,"seed":1}'),
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the cat","max_tokens":24,"stream":true,"seed":2}'),
    wrk.format("POST", "/v1/score", h, '{"text":"the cat sat on the mat"}'),
    wrk.format("POST", "/v1/completions", h, '{"prompt": "the", '),
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the","max_tokens":100000000}'),
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the","temperature":-1}'),
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the","temperature":NaN}'),
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the","bogus":1}'),
    wrk.format("GET", "/v1/models"),
    wrk.format("POST", "/v1/completions", h, '{"prompt":"the dog","max_tokens":8,"sampler":"top-k","top_k":3,"seed":4}'),
  }
  if args[1] == "big" then
    table.insert(reqs, wrk.format("POST", "/v1/completions", h, big))
  end
  n = math.random(#reqs)
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do
      all[k] = (all[k] or 0) + v
    end
  end
  for k, v in pairs(all) do
    io.write(string.format("status %d %d\n", k, v))
  end
  io.write(string.format("latency_us p50 %d p99 %d max %d\n", latency:percentile(50), latency:percentile(99), latency.max))
  io.write(string.format("requests %d errors connect %d read %d write %d timeout %d\n", summary.requests,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
