// Drives discord.js's own gateway client (@discordjs/ws, unmodified) against mikami-sandbox:
// it fetches /gateway/bot through @discordjs/rest, identifies with intents and compression
// (zlib-stream when zlib-sync is installed, otherwise the payload compression the library
// falls back to), receives dispatched events, and is dropped in every resumable way the
// sandbox can (close 4000, a reset without a close frame, op 7, op 9 d=true, stopped
// heartbeat ACKs). Each time it must RESUME, and no event may be lost or repeated: message
// ids and sequence numbers arrive contiguous and in order, and the sandbox counts one
// IDENTIFY. Exits non-zero on any disagreement.
//
//   node ws_fidelity.mjs <port> [events per step]
import { REST } from '@discordjs/rest';
import { CompressionMethod, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';

const [port, perStepArg] = process.argv.slice(2);
const perStep = Number(perStepArg ?? 20);
const base = `http://127.0.0.1:${port}`;
const token = 'sandbox-token';

const fail = (message) => {
  console.error(`ws fidelity: ${message}`);
  process.exit(1);
};
const deadline = setTimeout(() => fail('timed out'), 50_000);

const control = async (what, body) => {
  const response = await fetch(`${base}/_sandbox/${what}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 204) fail(`POST /_sandbox/${what} answered ${response.status}`);
};
const stats = async () => (await fetch(`${base}/_sandbox/stats`)).json();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (what, predicate, ms = 15_000) => {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) fail(`gave up waiting for ${what}`);
    await sleep(10);
  }
};

const rest = new REST({ api: `${base}/api`, version: '10' }).setToken(token);
const manager = new WebSocketManager({
  token,
  // GUILDS | GUILD_MEMBERS | GUILD_MESSAGES | MESSAGE_CONTENT
  intents: 1 | 2 | 512 | 32768,
  rest,
  // Newer versions inflate zlib-stream with node:zlib; 1.x needs zlib-sync for it and
  // otherwise falls back to payload ("identify") compression.
  compression: CompressionMethod.ZlibNative ?? CompressionMethod.ZlibStream,
});

// @discordjs/ws 1.x emits ({ data, shardId }), 2.x emits (data, shardId).
const payloadOf = (first) => (first && 'op' in first ? first : first?.data);
const sequences = [];
const messageIds = [];
const types = [];
let guild = null;
let heartbeatAcks = 0;
manager.on(WebSocketShardEvents.Dispatch, (first) => {
  const payload = payloadOf(first);
  sequences.push(payload.s);
  types.push(payload.t);
  if (payload.t === 'MESSAGE_CREATE') messageIds.push(BigInt(payload.d.id));
  if (payload.t === 'GUILD_CREATE') guild = payload.d;
});
manager.on(WebSocketShardEvents.HeartbeatComplete, () => {
  heartbeatAcks += 1;
});
manager.on(WebSocketShardEvents.Error, (first) => {
  fail(`the library reported an error: ${first?.error?.message ?? first?.message ?? first}`);
});
const count = (type) => types.filter((t) => t === type).length;

const started = Date.now();
await manager.connect();
await waitFor('GUILD_CREATE', () => guild !== null);
if (guild.id !== '1' || guild.members.length !== guild.member_count) {
  fail(`unexpected GUILD_CREATE ${JSON.stringify(guild).slice(0, 200)}`);
}

const faults = [
  { kind: 'close', code: 4000 },
  { kind: 'reset' },
  { kind: 'reconnect' },
  { kind: 'invalid_session', resumable: true },
  { kind: 'stop_acks' },
];
let expected = 0;
for (const [i, fault] of faults.entries()) {
  await control('dispatch', { count: perStep });
  expected += perStep;
  await waitFor(`${perStep} events before ${fault.kind}`, () => messageIds.length === expected);
  await control('fault', fault);
  // These happen while the bot is away; the sandbox replays them on RESUME.
  await control('dispatch', { count: perStep });
  expected += perStep;
  await waitFor(`RESUMED after ${JSON.stringify(fault)}`, () => count('RESUMED') === i + 1);
  await waitFor(`every event after ${fault.kind}`, () => messageIds.length >= expected);
}
await control('dispatch', { count: perStep });
expected += perStep;
await waitFor('the last events', () => messageIds.length >= expected);
await sleep(200);  // anything repeated late would show now

await waitFor('an acknowledged heartbeat', () => heartbeatAcks > 0, 5_000);

if (messageIds.length !== expected) fail(`${messageIds.length} message events, expected ${expected}`);
// Message ids are snowflakes dated when sent: strictly increasing, not contiguous. With the
// count above and the contiguous sequence numbers below, that shows none lost or repeated.
for (let i = 1; i < messageIds.length; i += 1) {
  if (messageIds[i] <= messageIds[i - 1]) {
    fail(`message ${i}: id ${messageIds[i]} after ${messageIds[i - 1]} (lost, repeated or reordered)`);
  }
}
for (let i = 0; i < sequences.length; i += 1) {
  if (sequences[i] !== i + 1) fail(`dispatch ${i} has sequence ${sequences[i]}, expected ${i + 1}`);
}
const s = await stats();
if (s.identifies !== 1) fail(`the sandbox saw ${s.identifies} IDENTIFYs, expected 1`);
if (s.resumes !== faults.length) fail(`the sandbox saw ${s.resumes} RESUMEs, expected ${faults.length}`);
if (s.resume_failures !== 0) fail(`${s.resume_failures} RESUMEs failed`);
if (s.zlib_stream_connections === 0 && s.payloads_compressed === 0) fail('nothing was compressed');
if (s.zlib_stream_connections !== 0 && s.zlib_stream_connections !== s.connections) {
  fail(`only ${s.zlib_stream_connections} of ${s.connections} connections used zlib-stream`);
}

clearTimeout(deadline);
await manager.destroy();
console.log(
  JSON.stringify({
    elapsed_ms: Date.now() - started,
    message_events: messageIds.length,
    dispatches: sequences.length,
    compression: s.zlib_stream_connections > 0 ? 'zlib-stream' : 'payload (identify)',
    connections: s.connections,
    resumes: s.resumes,
    identifies: s.identifies,
    heartbeat_acks: heartbeatAcks,
  }),
);
process.exit(0);
