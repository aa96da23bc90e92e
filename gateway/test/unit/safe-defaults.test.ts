/**
 * The start-up check on its own: a gateway anyone else can reach never runs with the
 * published development secrets. Through startGateway it is in edge.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertSafeToServe, isLoopback, loadGatewayEnv } from '../../src/env.js';

const env = (vars: Record<string, string>) => loadGatewayEnv({ NODE_ENV: 'development', LOG_LEVEL: 'silent', ...vars });
const OWN = {
  JWT_SECRET: 'own-jwt-secret-0123456789abcdef0123456789',
  GATEWAY_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
};
/** The published development key, as the gateway falls back to it. */
const DEV_GATEWAY_SIGNING_KEY = env({}).GATEWAY_SIGNING_KEY;
const refusal = (vars: Record<string, string>) => {
  try {
    assertSafeToServe(env(vars));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('safe defaults at start-up', () => {
  it('on loopback, development with the published secrets still starts (npm start as the README says)', () => {
    expect(refusal({})).toBeUndefined();
    expect(refusal({ HOST: 'localhost' })).toBeUndefined();
    expect(refusal({ HOST: '::1' })).toBeUndefined();
  });

  it('bound to every interface with the published secrets, it refuses and names both variables', () => {
    for (const HOST of ['0.0.0.0', '::', '10.0.0.5', 'gateway.internal']) {
      const message = refusal({ HOST });
      expect(message).toMatch(/JWT_SECRET/);
      expect(message).toMatch(/GATEWAY_SIGNING_KEY/);
      expect(message).toContain(`HOST=${HOST}`);
    }
  });

  it('a published value copied in by hand counts as published; only the one left is named', () => {
    const message = refusal({ HOST: '0.0.0.0', JWT_SECRET: OWN.JWT_SECRET, GATEWAY_SIGNING_KEY: DEV_GATEWAY_SIGNING_KEY });
    expect(message).toMatch(/GATEWAY_SIGNING_KEY/);
    expect(message).not.toMatch(/JWT_SECRET/);
  });

  it('in production it refuses the published secrets even on loopback', () => {
    expect(refusal({ NODE_ENV: 'production', ...OWN, JWT_SECRET: 'dev-jwt-secret-change-me-0123456789abcdef' })).toMatch(
      /in production.*JWT_SECRET/,
    );
  });

  it('with secrets of its own it starts anywhere', () => {
    expect(refusal({ HOST: '0.0.0.0', ...OWN })).toBeUndefined();
    expect(refusal({ HOST: '0.0.0.0', NODE_ENV: 'production', ...OWN })).toBeUndefined();
  });

  it('loopback means this machine only', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '', '128.0.0.1', '127.0.0.1.example.com', '192.168.1.2'].some(isLoopback)).toBe(false);
  });
});
