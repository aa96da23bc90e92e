import { describe, expect, it } from 'vitest';
import { createKeyRing, lookupHash, newDataKey, openValue, sealValue, unwrapDataKey, wrapDataKey } from '../../src/domain/encryption.js';

const ring = createKeyRing({ DATA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), LOOKUP_HASH_SECRET: 'l'.repeat(32) });
const otherRing = createKeyRing({ DATA_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'), LOOKUP_HASH_SECRET: 'm'.repeat(32) });
const ANA = '00000000-0000-4000-8000-0000000000a1';
const BO = '00000000-0000-4000-8000-0000000000b2';

describe('sealing personal values with a member data key', () => {
  it("Ana's email comes back from its ciphertext, which does not contain it and differs every time", () => {
    const key = newDataKey();
    const a = sealValue(key, ANA, 'email', 'ana@example.com');
    const b = sealValue(key, ANA, 'email', 'ana@example.com');
    expect(a).not.toBe(b);
    expect(a).not.toContain('ana');
    expect(openValue(key, ANA, 'email', a)).toBe('ana@example.com');
  });

  it("a ciphertext of Ana's cannot be opened as Bo's, nor her email as her phone, nor with another key", () => {
    const key = newDataKey();
    const sealed = sealValue(key, ANA, 'email', 'ana@example.com');
    expect(() => openValue(key, BO, 'email', sealed)).toThrow();
    expect(() => openValue(key, ANA, 'phone', sealed)).toThrow();
    expect(() => openValue(newDataKey(), ANA, 'email', sealed)).toThrow();
  });

  it('a tampered ciphertext is refused rather than decrypted to something else', () => {
    const key = newDataKey();
    const [v, iv, tag, body] = sealValue(key, ANA, 'phone', '+8613812345678').split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => openValue(key, ANA, 'phone', [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });
});

describe('wrapping data keys with the master key', () => {
  it('a wrapped key unwraps only with the same master key and for the same member', () => {
    const key = newDataKey();
    const wrapped = wrapDataKey(ring, ANA, key);
    expect(unwrapDataKey(ring, ANA, wrapped).equals(key)).toBe(true);
    expect(() => unwrapDataKey(ring, BO, wrapped)).toThrow();
    expect(() => unwrapDataKey(otherRing, ANA, wrapped)).toThrow();
    expect(ring.masterKeyId).not.toBe(otherRing.masterKeyId);
  });

  it('a master key that is not 32 bytes stops start-up with a message naming it', () => {
    expect(() => createKeyRing({ DATA_MASTER_KEY: Buffer.alloc(16).toString('base64'), LOOKUP_HASH_SECRET: 'l'.repeat(32) })).toThrow(
      /DATA_MASTER_KEY/,
    );
  });
});

describe('lookup hashes', () => {
  it('the same email hashes the same way, a phone with the same text does not, and another secret differs', () => {
    expect(lookupHash(ring, 'email', 'ana@example.com')).toBe(lookupHash(ring, 'email', 'ana@example.com'));
    expect(lookupHash(ring, 'email', 'x')).not.toBe(lookupHash(ring, 'phone', 'x'));
    expect(lookupHash(ring, 'email', 'ana@example.com')).not.toBe(lookupHash(otherRing, 'email', 'ana@example.com'));
    expect(lookupHash(ring, 'email', 'ana@example.com')).not.toContain('ana');
  });
});
