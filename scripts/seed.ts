/** npm run seed: empties the platform's tables and loads the demo data again. Stop `npm start` first on PGlite. */
import { baseEnvShape, createLogger, parseEnv } from '@membership/config';
import { openDatabase } from '@membership/db';
import { prepareDatabase } from '@membership/stack';

const env = parseEnv(baseEnvShape);
const database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
await prepareDatabase({ database, logger: createLogger('seed', env.LOG_LEVEL), seed: 'reset' });
await database.close();
console.log('Demo data reloaded.');
