-- Posts comments the way the form does: the CSRF cookie and field, the captcha (answered
-- "PASSED", which only the benchmark's server accepts: BENCH_CAPTCHA_TEST_MODE), the signed
-- timestamp and an empty honeypot. Every text is unique, so none is refused as a duplicate.
-- Arguments: the url-encoded fixed fields, the CSRF secret, and a nonce unique to this run.

-- The counting and the report come from count.lua (wrk runs in bench/).
dofile("count.lua")
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(bench_threads, thread)
end

function init(args)
  issued = 0
  fields, nonce = args[1], args[3]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. args[2]
end

function request()
  issued = issued + 1
  local text = "Un+commentaire+du+banc+d%27essai%2C+" .. nonce .. "-" .. id .. "-" .. issued
  return wrk.format(nil, nil, nil, fields .. "&text=" .. text)
end
