// Drives discord.js's own REST client (@discordjs/rest, unmodified) against mikami-sandbox:
// message creates on several channels through the sandbox's rate limits, an interaction
// callback, and GET /gateway/bot. Exits non-zero when anything the library did failed or
// disagreed with the sandbox's records.
//
//   node rest_fidelity.mjs <port> <messages per channel> <channels>
import { REST } from '@discordjs/rest';

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
await rest.post('/interactions/42/some-token/callback', {
  body: { type: 4, data: { content: 'pong' } },
  auth: false,
});

const stats = await (await fetch(`${base}/_sandbox/stats`)).json();
if (stats.messages_created !== perChannel * channels) {
  fail(`sandbox saw ${stats.messages_created} messages, expected ${perChannel * channels}`);
}
if (stats.interaction_callbacks !== 1) fail('interaction callback not recorded');
console.log(
  JSON.stringify({
    elapsed_ms: Date.now() - started,
    messages: messages.length,
    rate_limited_events: rateLimited,
    sandbox_429_user: stats.rest_429_user,
    sandbox_429_global: stats.rest_429_global,
  }),
);
