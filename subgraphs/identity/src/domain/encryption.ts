import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Envelope encryption of members' personal values. Each member has a random data key
 * (AES-256-GCM); the data key is stored only wrapped (encrypted) by the master key from
 * the environment. Destroying a member's wrapped key makes every value sealed with it
 * unreadable, in the live database and in every backup (crypto-shredding).
 *
 * Lookups never use plaintext: a keyed hash (HMAC-SHA256 with a separate secret) of the
 * normalised value is stored next to the ciphertext and compared instead.
 */
export interface KeyRing {
  /** 32 bytes, from DATA_MASTER_KEY. */
  readonly masterKey: Buffer;
  /** Names the master key a data key was wrapped with, so a rotated key can be told apart. */
  readonly masterKeyId: string;
  /** From LOOKUP_HASH_SECRET. */
  readonly lookupSecret: string;
}

/** What a sealed value is: which column of whose row, so a ciphertext cannot be moved to another. */
export type SealedField =
  | 'email'
  | 'phone'
  | 'real_name'
  | 'id_number'
  | 'document_image'
  | 'face_image'
  | 'data_export'
  | 'notification'
  | 'birthday'
  | 'gender'
  | 'address'
  | 'interests'
  | 'company_name'
  | 'credit_code'
  | 'licence_document';

/** What a lookup hash is of; the kind is part of the hash so an email hash never equals a phone hash. */
export type LookupKind = 'email' | 'phone' | 'id_number' | 'credit_code';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/** Builds the key ring from the environment; throws when the master key is not 32 bytes of base64. */
export function createKeyRing(env: { DATA_MASTER_KEY: string; LOOKUP_HASH_SECRET: string }): KeyRing {
  const masterKey = Buffer.from(env.DATA_MASTER_KEY, 'base64');
  if (masterKey.length !== DATA_KEY_BYTES) {
    throw new Error(`DATA_MASTER_KEY must be ${DATA_KEY_BYTES} bytes in base64 (it decodes to ${masterKey.length}).`);
  }
  if (env.LOOKUP_HASH_SECRET.length < 32) throw new Error('LOOKUP_HASH_SECRET must be at least 32 characters.');
  const masterKeyId = createHash('sha256').update('membership-master-key-id').update(masterKey).digest('hex').slice(0, 16);
  return { masterKey, masterKeyId, lookupSecret: env.LOOKUP_HASH_SECRET };
}

/** A fresh random data key for one member. */
export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [format, iv, tag, body, extra] = sealed.split('.');
  if (format !== FORMAT || !iv || !tag || body === undefined || extra !== undefined) throw new Error('Not a sealed value.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}

/** Wraps a member's data key with the master key; the member id is authenticated with it. */
export function wrapDataKey(ring: KeyRing, ownerId: string, dataKey: Buffer): string {
  return seal(ring.masterKey, dataKey, `data-key:${ownerId}`);
}

/** Unwraps a data key; throws when it was wrapped for another owner or with another master key. */
export function unwrapDataKey(ring: KeyRing, ownerId: string, wrapped: string): Buffer {
  return open(ring.masterKey, wrapped, `data-key:${ownerId}`);
}

/** Encrypts one personal value of one owner with their data key. */
export function sealValue(dataKey: Buffer, ownerId: string, field: SealedField, plaintext: string): string {
  return seal(dataKey, Buffer.from(plaintext, 'utf8'), `${field}:${ownerId}`);
}

/** Decrypts a value sealed by {@link sealValue} for the same owner and field. */
export function openValue(dataKey: Buffer, ownerId: string, field: SealedField, sealed: string): string {
  return open(dataKey, sealed, `${field}:${ownerId}`).toString('utf8');
}

/** The keyed hash stored for looking a normalised value up without storing it. */
export function lookupHash(ring: Pick<KeyRing, 'lookupSecret'>, kind: LookupKind, normalised: string): string {
  return createHmac('sha256', ring.lookupSecret).update(`${kind}:${normalised}`).digest('base64url');
}

/** A secret (refresh token, one-time code) as stored: its keyed hash, never itself. */
export function secretHash(ring: Pick<KeyRing, 'lookupSecret'>, purpose: string, secret: string): string {
  return createHmac('sha256', ring.lookupSecret).update(`${purpose}:${secret}`).digest('base64url');
}

/** Compares two hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
