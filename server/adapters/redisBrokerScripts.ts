/**
 * The Lua scripts of the Redis broker. Each runs atomically in Redis, so a seq is
 * assigned exactly once, the history and its counters never disagree, and an event is
 * published to the feed in the same step that stores it.
 *
 * Keys per user (one stream per user; `{userId}` is a cluster hash tag, so both keys live
 * on one shard): KEYS[1] the stream (entry id `<seq>-0`, fields `t` = frame text,
 * `ts` = ms), KEYS[2] the meta hash (`epoch`, `seq` = newest seq, `bytes` = bytes held).
 */

/**
 * Makes sure the stream has an epoch; starts a new one (with ARGV[1]) only when its history
 * is really gone: no meta, or meta that names events while the stream key is missing
 * (expired or evicted apart). Shared by both scripts below.
 */
const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
local lastSeq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
if (not epoch) or (lastSeq > 0 and redis.call('EXISTS', KEYS[1]) == 0) then
  epoch = ARGV[1]
  lastSeq = 0
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch, 'seq', 0, 'bytes', 0)
end
local function oldestSeqOr(fallback)
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  if first == nil then return fallback end
  return tonumber(string.match(first[1], '^(%d+)'))
end
`;

/** Fields per event in an append batch's ARGV (after the {@link APPEND_HEAD_ARGS} shared ones). */
const APPEND_FIELDS_PER_EVENT = 6;
/** ARGV entries before the first event of an append batch. */
const APPEND_HEAD_ARGS = 5;

/**
 * Append a batch: one or more events of one user, in order, in one atomic step.
 * ARGV: candidate epoch, events max, bytes max, idle ttl ms, feed channel; then per event
 * {@link APPEND_FIELDS_PER_EVENT} fields: frame head (`{"type":…,"seq":`), frame tail
 * (`,"run_id":…}`), ts ms, run op, run id, run payload.
 * Returns {evicted1, oldestSeq1, evicted2, oldestSeq2, …}: each event's own eviction count
 * and the oldest seq held right after it was stored, exactly as if the events had been
 * appended one call each (the seqs and the epoch reach every instance through the feed). Publishes one feed message for the batch: the epoch on
 * the first line, then a line `seq oldestSeq ts text` per event (frame text is JSON, so it
 * holds no raw newline).
 *
 * The stream holds a contiguous run of seqs (entries are added at the newest end and
 * removed only at the oldest), so the oldest seq is `seq - length + 1` without a read.
 *
 * The run op keeps the registry of runs in flight (KEYS[3]: run id → owner record, KEYS[4]:
 * run id → open tool) in the same atomic step as the event: a run is registered exactly
 * when its `agent_started` is stored and forgotten exactly when its `agent_completed` is,
 * so a survivor ending an orphan (createRunLeases.ts) never ends a run nobody saw start.
 * Ops: `started` (payload: the record), `tool` (payload: the open tool), `tool_done`, `completed`, `-`.
 */
export const APPEND_SCRIPT = `${ENSURE_EPOCH}
local eventsMax = tonumber(ARGV[2])
local bytesMax = tonumber(ARGV[3])
local seq = lastSeq
local bytes = tonumber(redis.call('HGET', KEYS[2], 'bytes') or '0')
local length = redis.call('XLEN', KEYS[1])
local result = {}
local lines = {epoch}
for base = ${APPEND_HEAD_ARGS + 1}, #ARGV, ${APPEND_FIELDS_PER_EVENT} do
  seq = seq + 1
  local text = ARGV[base] .. seq .. ',"epoch":"' .. epoch .. '"' .. ARGV[base + 1]
  redis.call('XADD', KEYS[1], seq .. '-0', 't', text, 'ts', ARGV[base + 2])
  bytes = bytes + string.len(text)
  length = length + 1
  local evicted = 0
  while length > eventsMax or (bytes > bytesMax and length > 1) do
    local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
    bytes = bytes - string.len(oldest[2][2])
    redis.call('XDEL', KEYS[1], oldest[1])
    length = length - 1
    evicted = evicted + 1
  end
  local oldestSeq = seq - length + 1
  result[#result + 1] = evicted
  result[#result + 1] = oldestSeq
  lines[#lines + 1] = seq .. ' ' .. oldestSeq .. ' ' .. ARGV[base + 2] .. ' ' .. text
  local runOp = ARGV[base + 3]
  local runId = ARGV[base + 4]
  if runOp == 'started' then
    redis.call('HSET', KEYS[3], runId, ARGV[base + 5])
  elseif runOp == 'tool' then
    redis.call('HSET', KEYS[4], runId, ARGV[base + 5])
  elseif runOp == 'tool_done' then
    redis.call('HDEL', KEYS[4], runId)
  elseif runOp == 'completed' then
    redis.call('HDEL', KEYS[3], runId)
    redis.call('HDEL', KEYS[4], runId)
  end
end
redis.call('HSET', KEYS[2], 'seq', seq, 'bytes', bytes)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], table.concat(lines, '\\n'))
return result
`;

/**
 * Position and range. ARGV: candidate epoch, after seq, through seq (through < after+1 reads nothing), idle ttl ms.
 * Returns {epoch, lastSeq, oldestSeq, seq1, ts1, text1, seq2, …}.
 */
export const READ_SCRIPT = `${ENSURE_EPOCH}
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local result = {epoch, lastSeq, oldestSeqOr(lastSeq + 1)}
local afterSeq = tonumber(ARGV[2])
local throughSeq = tonumber(ARGV[3])
if throughSeq > afterSeq then
  local entries = redis.call('XRANGE', KEYS[1], (afterSeq + 1) .. '-0', throughSeq .. '-0')
  for _, entry in ipairs(entries) do
    result[#result + 1] = tonumber(string.match(entry[1], '^(%d+)'))
    result[#result + 1] = entry[2][4]
    result[#result + 1] = entry[2][2]
  end
end
return result
`;
