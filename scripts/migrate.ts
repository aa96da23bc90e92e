/**
 * npm run migrate: applies every committed migration (start does this too). On Postgres it
 * then creates or updates one role per subgraph (membership_<subgraph>) that can use only its
 * own schema and the shared event and job tables; `<SUBGRAPH>_DB_PASSWORD` (IDENTITY_DB_PASSWORD,
 * …) lets that role log in, which is how docker-compose runs each subgraph.
 */
import { baseEnvShape, createLogger, parseEnv, z } from '@membership/config';
import { ensureSubgraphRoles, openDatabase } from '@membership/db';
import { prepareDatabase } from '@membership/stack';

const SUBGRAPHS = ['identity', 'tiers', 'points', 'orders', 'moderation'] as const;
const env = parseEnv({
  ...baseEnvShape,
  ...Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase()}_DB_PASSWORD`, z.string().min(12).optional()])),
}) as z.infer<z.ZodObject<typeof baseEnvShape>> & Record<string, string | undefined>;
const logger = createLogger('migrate', env.LOG_LEVEL);
const database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
const { modules } = await prepareDatabase({ database, logger, seed: 'never' });
if (database.kind === 'postgres') {
  const names = modules.map((m) => m.name);
  await ensureSubgraphRoles(database, names, Object.fromEntries(names.map((name) => [name, env[`${name.toUpperCase()}_DB_PASSWORD`]])));
  console.log(`Roles ready: ${names.map((n) => `membership_${n}`).join(', ')}.`);
}
await database.close();
console.log('Migrations applied.');
