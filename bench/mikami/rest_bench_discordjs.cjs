// The REST benchmark of mikami_rest_bench, run with discord.js's own REST client
// (@discordjs/rest from mikami/fidelity/node_modules) for comparison in the same run.
//   node rest_bench_discordjs.cjs <api base url> <bucket limit> <bucket window ms>
//        [messages=2000 channels=20 interactions=200]
const path = require('node:path');
const { createRequire } = require('node:module');

const fidelity = path.join(__dirname, '..', '..', 'mikami', 'fidelity', 'package.json');
const { REST } = createRequire(fidelity)('@discordjs/rest');

async function main() {
  const [apiBase, limitArg, windowArg, messagesArg, channelsArg, interactionsArg] =
    process.argv.slice(2);
  const limit = Number(limitArg);
  const windowMs = Number(windowArg);
  const messages = Number(messagesArg ?? 2000);
  const channels = Number(channelsArg ?? 20);
  const interactions = Number(interactionsArg ?? 200);
  const base = apiBase.replace(/\/v10\/?$/, '');
  const rest = new REST({ api: base, version: '10', timeout: 60_000 }).setToken('sandbox-token');
  let rateLimitedEvents = 0;
  rest.on('rateLimited', () => {
    rateLimitedEvents += 1;
  });
  const started = process.hrtime.bigint();
  const jobs = [];
  for (let i = 0; i < messages; i += 1) {
    jobs.push(rest.post(`/channels/${1000 + (i % channels)}/messages`, {
      body: { content: 'bench' },
    }));
  }
  for (let i = 0; i < interactions; i += 1) {
    jobs.push(rest.post(`/interactions/${5000 + i}/tok/callback`, {
      body: { type: 4, data: { content: 'pong' } },
      auth: false,
    }));
  }
  const results = await Promise.allSettled(jobs);
  const failures = results.filter((r) => r.status !== 'fulfilled').length;
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const perChannel = Math.ceil(messages / channels);
  const windows = Math.ceil(perChannel / limit);
  const minimumS = Math.max(((windows - 1) * windowMs) / 1000, Math.floor((messages - 1) / 50));
  console.log(
    `discord.js rest: ${messages} message creates over ${channels} channels + ` +
      `${interactions} interaction callbacks\n` +
      `  completed in ${elapsedS.toFixed(3)} s, theoretical minimum ${minimumS.toFixed(3)} s ` +
      `(${((elapsedS / minimumS - 1) * 100).toFixed(2)}% above)\n` +
      `  rateLimited events (client-side waits): ${rateLimitedEvents}, failures: ${failures}`,
  );
  process.exit(failures === 0 ? 0 : 1);
}

main();
