/**
 * npm start: migrates, seeds the demo when the database is empty, and runs every
 * subgraph and the gateway in this process. PGlite on disk unless DATABASE_URL is set.
 */
import { baseEnvShape, createLogger, parseEnv } from '@membership/config';
import { openDatabase } from '@membership/db';
import { DEMO_MEMBERS, startStack } from '@membership/stack';

const env = parseEnv(baseEnvShape);
const logger = createLogger('membership', env.LOG_LEVEL);
const database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
const stack = await startStack({ database, logger, seed: 'if-empty', pollEvents: true, runJobs: true, ports: 'fixed' });

const ana = DEMO_MEMBERS[0];
console.log(`
The membership graph is up on ${database.kind === 'pglite' ? `PGlite (${env.PGLITE_DIR})` : 'Postgres'}.

  Gateway: ${stack.gatewayUrl}

Sign in as a demo member (${ana.email} / ${ana.password}):

  curl -s ${stack.gatewayUrl} -H 'content-type: application/json' \\
    -d '{"query":"mutation { login(input: {login: \\"${ana.email}\\", password: \\"${ana.password}\\"}) { accessToken } }"}'

then ask all five subgraphs at once with that token:

  curl -s ${stack.gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"{ me { displayName email tier { name } pointsBalance orders(first: 5) { edges { node { id total { amount currency } } } } standing { status } } }"}'
`);

const shutdown = async () => {
  await stack.stop();
  await database.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
