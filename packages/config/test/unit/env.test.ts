import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, baseEnvShape, developmentSecretsIn, parseEnv, secretEnv, z } from '../../src/index.js';

const gatewayShape = { ...baseEnvShape, JWT_SECRET: secretEnv.JWT_SECRET, GATEWAY_SIGNING_KEY: secretEnv.GATEWAY_SIGNING_KEY };

describe('environment parsing', () => {
  it('falls back to development secrets outside production, and names them as published', () => {
    const env = parseEnv(gatewayShape, { NODE_ENV: 'test' });
    expect(env.JWT_SECRET).toMatch(/^dev-/);
    expect(env.PGLITE_DIR).toBe('.data/pglite');
    expect(developmentSecretsIn(env)).toEqual(['JWT_SECRET', 'GATEWAY_SIGNING_KEY']);
  });

  it('gives a process no secret it does not list', () => {
    const env = parseEnv(baseEnvShape, { NODE_ENV: 'test' }) as Record<string, unknown>;
    for (const secret of [
      'JWT_SECRET',
      'GATEWAY_SIGNING_KEY',
      'IDENTITY_SIGNING_KEY',
      'DATA_MASTER_KEY',
      'LOOKUP_HASH_SECRET',
      'INTERNAL_SIGNING_SECRET',
    ]) {
      expect(env[secret]).toBeUndefined();
    }
  });

  it('stops production start-up naming every missing secret', () => {
    expect(() => parseEnv(gatewayShape, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => parseEnv(gatewayShape, { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /Missing required secret\(s\) in production: GATEWAY_SIGNING_KEY$/,
    );
  });

  it('takes an Ed25519 key as PEM or base64 of PEM or JWK, and refuses anything else', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const shape = { GATEWAY_SIGNING_KEY: secretEnv.GATEWAY_SIGNING_KEY, GATEWAY_PUBLIC_KEY: secretEnv.GATEWAY_PUBLIC_KEY };
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(() => parseEnv(shape, { GATEWAY_SIGNING_KEY: pem })).not.toThrow();
    expect(() => parseEnv(shape, { GATEWAY_SIGNING_KEY: b64(pem) })).not.toThrow();
    expect(() => parseEnv(shape, { GATEWAY_SIGNING_KEY: b64(JSON.stringify(privateKey.export({ format: 'jwk' }))) })).not.toThrow();
    expect(() => parseEnv(shape, { GATEWAY_PUBLIC_KEY: b64(JSON.stringify(publicKey.export({ format: 'jwk' }))) })).not.toThrow();
    // A public key where the private one belongs, an HMAC secret, an RSA key: refused by name.
    expect(() => parseEnv(shape, { GATEWAY_SIGNING_KEY: b64(JSON.stringify(publicKey.export({ format: 'jwk' }))) })).toThrow(
      /GATEWAY_SIGNING_KEY/,
    );
    expect(() => parseEnv(shape, { GATEWAY_SIGNING_KEY: 'dev-internal-signing-secret-change-me-0123456789' })).toThrow(
      /GATEWAY_SIGNING_KEY/,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => parseEnv(shape, { GATEWAY_SIGNING_KEY: rsa })).toThrow(/GATEWAY_SIGNING_KEY/);
  });

  it('names the variable that is malformed', () => {
    expect(() => parseEnv({ ...baseEnvShape, PORT: z.coerce.number().int() }, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseEnv(baseEnvShape, { DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });
});
