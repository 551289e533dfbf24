-- wrk script: a mix of signed-in page requests with latency per kind.
--
-- Run with one connection per thread (wrk -t N -c N): wrk calls
-- request() just before it writes a request and response() once the whole
-- answer is read, and with a single connection per thread these strictly
-- alternate, so the time between them is that request's latency (the same
-- interval wrk's own latency figure measures, plus a few microseconds of
-- Lua). wrk's own histogram covers all kinds together; this script writes
-- every request's kind, status and latency so reads and writes can be told
-- apart (load.py reads the files).
--
-- The users (session cookie, CSRF token, relationship, meeting, check-in
-- items) come from the Lua file named by LOAD_USERS, written by load.py.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clock_id, load_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("load_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e3 + tonumber(timespec.tv_nsec) / 1e6
end

dofile(os.getenv("LOAD_USERS"))  -- defines USERS and SEARCH_TERMS

-- Weights in per cent: 90 reads, 10 writes.
local MIX = {
  { "home", 30 }, { "relationship", 20 }, { "suggestions", 15 }, { "search", 25 },
  { "agenda", 4 }, { "recap", 3 }, { "checkin", 3 },
}

-- setup() runs in the main Lua state once per thread.
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local my_users, pending_kind, pending_since, serial
function init(args)
  -- Each connection (one per thread) takes every thread_count-th user, so
  -- the 40 users are spread evenly over the connections.
  my_users = {}
  local threads_total = tonumber(os.getenv("LOAD_THREADS"))
  for i = thread_index, #USERS, threads_total do my_users[#my_users + 1] = USERS[i] end
  math.randomseed(thread_index * 7919)
  serial = 0
  -- Each request is written to this thread's own file (kind, status,
  -- milliseconds, whether it was sent to the sign-in page) and load.py
  -- computes the figures: Debian's wrk 4.1.0 crashed copying per-thread
  -- tables back to done() (script_copy_value).
  out = assert(io.open(os.getenv("LOAD_OUT") .. "/thread-" .. thread_index .. ".tsv", "w"))
  out:setvbuf("full", 65536)
end

local function pick_kind()
  local r = math.random(100)
  for _, m in ipairs(MIX) do
    if r <= m[2] then return m[1] end
    r = r - m[2]
  end
  return MIX[1][1]
end

local function form(user, path, fields)
  local body = "csrf=" .. urlencode(user.csrf)
  for _, f in ipairs(fields) do body = body .. "&" .. f[1] .. "=" .. urlencode(f[2]) end
  return wrk.format("POST", path, {
    ["Cookie"] = "tandem_session=" .. user.session,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function request()
  serial = serial + 1
  local user = my_users[(serial % #my_users) + 1]
  local kind = pick_kind()
  local cookie = { ["Cookie"] = "tandem_session=" .. user.session }
  local req
  if kind == "home" then
    req = wrk.format("GET", "/", cookie)
  elseif kind == "relationship" then
    req = wrk.format("GET", "/relationships/" .. user.relationship, cookie)
  elseif kind == "suggestions" then
    req = wrk.format("GET", "/mentors", cookie)
  elseif kind == "search" then
    local term = SEARCH_TERMS[(serial % #SEARCH_TERMS) + 1]
    req = wrk.format("GET", "/i/" .. user.slug .. "/people?q=" .. urlencode(term), cookie)
  elseif kind == "agenda" then
    req = form(user, "/meetings/" .. user.meeting .. "/agenda", {
      { "agenda", "Progress on the grant, load run " .. serial },
      { "timelines", "Draft by the end of the month." },
    })
  elseif kind == "recap" then
    req = form(user, "/meetings/" .. user.meeting .. "/recap", {
      { "recap", "We agreed the next steps for the grant (" .. serial .. ")." },
    })
  else
    local fields = {}
    for _, item in ipairs(user.checkin_items) do fields[#fields + 1] = { "item_" .. item, user.checkin_value } end
    fields[#fields + 1] = { "comment", "" }
    req = form(user, "/relationships/" .. user.relationship .. "/checkin", fields)
  end
  pending_kind = kind
  pending_since = now_ms()
  return req
end

function response(status, headers, body)
  local elapsed = now_ms() - pending_since
  -- A lost session answers 303 to the sign-in page: a failure too, though
  -- wrk's own count (non-2xx/3xx) would not see it.
  local location = headers["Location"] or headers["location"] or ""
  local to_sign_in = (status >= 300 and status < 400 and location:find("^/sign%-in")) and 1 or 0
  out:write(pending_kind, "\t", status, "\t", string.format("%.3f", elapsed), "\t", to_sign_in, "\n")
end

function done(summary, latency, requests)
  io.write("LOADJSON ", string.format(
    '{"duration_s":%.3f,"requests":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"non_2xx_3xx":%d,"wrk_p50_ms":%.2f,"wrk_p99_ms":%.2f}',
    summary.duration / 1e6, summary.requests,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3), "\n")
end
