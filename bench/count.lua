-- Loads a page and reports, on one "BENCH {...}" line, what the benchmark needs exactly: the
-- requests wrk sent (some may still be in flight when the run stops), those it got answers to,
-- the errors by kind and the latency percentiles in microseconds.

bench_threads = {}

function setup(thread)
  table.insert(bench_threads, thread)
end

function init(args)
  issued = 0
end

function request()
  issued = issued + 1
  return wrk.format()
end

function done(summary, latency, requests)
  local sent = 0
  for _, thread in ipairs(bench_threads) do
    sent = sent + thread:get("issued")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"issued": %d, "requests": %d, "duration_us": %d, "non_2xx_3xx": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    sent, summary.requests, summary.duration, errors.status, errors.connect, errors.read,
    errors.write, errors.timeout, latency:percentile(50), latency:percentile(99)))
end
