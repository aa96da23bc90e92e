/** npm run migrate: applies every committed migration (start does this too). */
import { baseEnvShape, createLogger, parseEnv } from '@membership/config';
import { openDatabase } from '@membership/db';
import { prepareDatabase } from '@membership/stack';

const env = parseEnv(baseEnvShape);
const database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
await prepareDatabase({ database, logger: createLogger('migrate', env.LOG_LEVEL), seed: 'never' });
await database.close();
console.log('Migrations applied.');
