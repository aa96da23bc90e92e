import { describe, expect, it } from 'vitest';
import { ConfigError, baseEnvShape, parseEnv, z } from '../../src/index.js';

describe('environment parsing', () => {
  it('falls back to development secrets outside production', () => {
    const env = parseEnv(baseEnvShape, { NODE_ENV: 'test' });
    expect(env.JWT_SECRET).toMatch(/^dev-/);
    expect(env.PGLITE_DIR).toBe('.data/pglite');
  });

  it('stops production start-up naming every missing secret', () => {
    expect(() => parseEnv(baseEnvShape, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => parseEnv(baseEnvShape, { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /Missing required secret\(s\) in production: INTERNAL_SIGNING_SECRET$/,
    );
  });

  it('names the variable that is malformed', () => {
    expect(() => parseEnv({ ...baseEnvShape, PORT: z.coerce.number().int() }, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseEnv(baseEnvShape, { DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });
});
