// Drives discord.js's own REST client (@discordjs/rest, unmodified) against mikami-sandbox:
// message creates on several channels through the sandbox's rate limits, an interaction
// callback, GET /gateway/bot, then the moderation routes (timeouts, roles, bans, kicks)
// with Discord's error shapes as the library parses them, and channel renames through the
// rename sublimit (the sandbox runs with 2 renames per 1.5 s). Exits non-zero when anything
// the library did failed or disagreed with the sandbox's records.
//
//   node rest_fidelity.mjs <port> <messages per channel> <channels>
import { DiscordAPIError, REST } from '@discordjs/rest';

const [port, perChannelArg, channelsArg] = process.argv.slice(2);
const perChannel = Number(perChannelArg ?? 12);
const channels = Number(channelsArg ?? 2);
const base = `http://127.0.0.1:${port}`;
const rest = new REST({ api: `${base}/api`, version: '10', timeout: 10_000 }).setToken(
  'sandbox-token',
);
let rateLimited = 0;
rest.on('rateLimited', () => {
  rateLimited += 1;
});
// A 429 the library did not foresee is reported on its debug channel, with how it
// classified it: "Sublimit : 2000ms" for a sublimit, "Sublimit : None" otherwise.
let sublimited = 0;
rest.on('restDebug', (message) => {
  if (/Encountered unexpected 429/.test(message) && /Sublimit\s*: \d+ms/.test(message)) {
    sublimited += 1;
  }
});

const fail = (message) => {
  console.error(`fidelity: ${message}`);
  process.exit(1);
};

const started = Date.now();
const gateway = await rest.get('/gateway/bot');
if (!String(gateway.url).startsWith('ws://127.0.0.1:')) {
  fail(`unexpected gateway url ${gateway.url}`);
}

const jobs = [];
for (let i = 0; i < perChannel; i += 1) {
  for (let c = 0; c < channels; c += 1) {
    jobs.push(rest.post(`/channels/${700 + c}/messages`, { body: { content: `m${i}` } }));
  }
}
const messages = await Promise.all(jobs);
for (const message of messages) {
  if (typeof message.id !== 'string') fail(`message without id: ${JSON.stringify(message)}`);
}
// An interaction id dated now: the sandbox, like Discord, refuses callbacks after 3 s.
const interactionId = ((BigInt(Date.now()) - 1420070400000n) << 22n).toString();
await rest.post(`/interactions/${interactionId}/some-token/callback`, {
  body: { type: 4, data: { content: 'pong' } },
  auth: false,
});

// The library must surface Discord's error body: status, code, and the field at fault.
const expectError = async (what, promise, status, code, field) => {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof DiscordAPIError)) fail(`${what}: ${error}`);
    if (error.status !== status || error.code !== code) {
      fail(`${what}: got ${error.status}/${error.code} ${error.message}`);
    }
    if (field && !(field in (error.rawError.errors ?? {}))) fail(`${what}: no error for ${field}`);
    return;
  }
  fail(`${what}: succeeded`);
};
const hour = 60 * 60 * 1000;
const until = new Date(Date.now() + hour).toISOString();
const timedOut = await rest.patch('/guilds/1/members/4', {
  body: { communication_disabled_until: until },
  reason: 'fidelity timeout',
});
if (!String(timedOut.communication_disabled_until).startsWith(until.slice(0, 19))) {
  fail(`timeout not applied: ${JSON.stringify(timedOut)}`);
}
await expectError(
  'a 29-day timeout',
  rest.patch('/guilds/1/members/4', {
    body: { communication_disabled_until: new Date(Date.now() + 29 * 24 * hour).toISOString() },
  }),
  400,
  50035,
  'communication_disabled_until',
);
await expectError('an unknown member', rest.get('/guilds/1/members/99'), 404, 10007);
await rest.put('/guilds/1/members/4/roles/23');
await rest.delete('/guilds/1/members/4/roles/21');
const roles = (await rest.get('/guilds/1/members/4')).roles;
if (JSON.stringify(roles) !== '["23"]') fail(`member roles ${JSON.stringify(roles)}`);
const role = await rest.post('/guilds/1/roles', { body: { name: 'Fidelity', color: 0xff00ff } });
await rest.delete(`/guilds/1/roles/${role.id}`);
await expectError('a deleted role', rest.patch(`/guilds/1/roles/${role.id}`, { body: {} }), 404, 10011);
await rest.put('/guilds/1/bans/5', { body: { delete_message_seconds: 60 }, reason: 'fidelity ban' });
const ban = await rest.get('/guilds/1/bans/5');
if (ban.reason !== 'fidelity ban') fail(`ban reason ${JSON.stringify(ban.reason)}`);
await expectError('a banned member', rest.get('/guilds/1/members/5'), 404, 10007);
await rest.delete('/guilds/1/bans/5');
await expectError('a lifted ban', rest.get('/guilds/1/bans/5'), 404, 10026);
await rest.delete('/guilds/1/members/6', { reason: 'fidelity kick' });
await expectError('the owner', rest.delete('/guilds/1/members/2'), 403, 50013);
const channel = await rest.post('/guilds/1/channels', { body: { name: 'Fidelity Room', parent_id: '110' } });
if (channel.name !== 'fidelity-room') fail(`channel ${JSON.stringify(channel)}`);
// Three renames against a sublimit of two: the library must see a sublimit (a 429 while
// its bucket still has quota), wait it out and succeed, without failing the request.
const renameStarted = Date.now();
for (const name of ['one', 'two', 'three']) {
  await rest.patch(`/channels/${channel.id}`, { body: { name } });
}
const renameMs = Date.now() - renameStarted;
if ((await rest.get(`/channels/${channel.id}`)).name !== 'three') fail('rename lost');
if (sublimited !== 1) fail(`the library saw ${sublimited} sublimits, expected 1`);
await rest.delete(`/channels/${channel.id}`);
await expectError('a deleted channel', rest.get(`/channels/${channel.id}`), 404, 10003);

const stats = await (await fetch(`${base}/_sandbox/stats`)).json();
if (stats.messages_created !== perChannel * channels) {
  fail(`sandbox saw ${stats.messages_created} messages, expected ${perChannel * channels}`);
}
if (stats.interaction_callbacks !== 1) fail('interaction callback not recorded');
if (stats.rest_429_sublimit !== 1) fail(`sandbox saw ${stats.rest_429_sublimit} sublimit 429s`);
console.log(
  JSON.stringify({
    elapsed_ms: Date.now() - started,
    messages: messages.length,
    rate_limited_events: rateLimited,
    sandbox_429_user: stats.rest_429_user,
    sandbox_429_global: stats.rest_429_global,
    sublimit_wait_ms: renameMs,
    invalid_requests: stats.invalid_requests,
  }),
);
