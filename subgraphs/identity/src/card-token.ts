import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK, importPKCS8, jwtVerify, type CryptoKey, type JWK } from 'jose';

/** What a card's QR token says: the member number, nothing personal. */
const CARD_TOKEN = { issuer: 'membership-identity', audience: 'member-card', type: 'member-card+jwt', algorithm: 'EdDSA' } as const;

/** Signs the short-lived tokens shown as a member card's QR code. */
export interface CardSigner {
  sign(number: string, now: Date, ttlSeconds: number): Promise<string>;
}

/** A key from the environment: base64 of a JWK (as the development keys are), or PEM / base64 of PEM (PKCS8). */
async function importPrivateKey(value: string): Promise<CryptoKey> {
  const trimmed = value.trim();
  const text = trimmed.startsWith('-----') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8').trim();
  if (text.startsWith('{')) return (await importJWK(JSON.parse(text) as JWK, CARD_TOKEN.algorithm)) as CryptoKey;
  return importPKCS8(text, CARD_TOKEN.algorithm);
}

const signers = new Map<string, CardSigner>();

/**
 * Card tokens are signed with identity's Ed25519 key (IDENTITY_SIGNING_KEY), under their own
 * type and audience (`member-card`), so a card token is never accepted as a service call and
 * a service call never as a card. Staff tools verify them offline with IDENTITY_PUBLIC_KEY.
 */
export function cardSigner(privateKey: string): CardSigner {
  const known = signers.get(privateKey);
  if (known) return known;
  const key = importPrivateKey(privateKey);
  const signer: CardSigner = {
    async sign(number, now, ttlSeconds) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ num: number })
        .setProtectedHeader({ alg: CARD_TOKEN.algorithm, typ: CARD_TOKEN.type })
        .setIssuer(CARD_TOKEN.issuer)
        .setAudience(CARD_TOKEN.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID())
        .sign(await key);
    },
  };
  signers.set(privateKey, signer);
  return signer;
}

/**
 * What a staff tool does with a scanned card, offline: checks the signature against
 * identity's public key, the type, issuer, audience and expiry, and reads the member number.
 * Throws when any of them fails (jose's errors: JWTExpired, JWSSignatureVerificationFailed, …).
 */
export async function verifyCardToken(
  token: string,
  publicKey: CryptoKey | Uint8Array,
  now = new Date(),
): Promise<{ number: string; expiresAt: Date }> {
  const { payload } = await jwtVerify(token, publicKey, {
    issuer: CARD_TOKEN.issuer,
    audience: CARD_TOKEN.audience,
    typ: CARD_TOKEN.type,
    algorithms: [CARD_TOKEN.algorithm],
    requiredClaims: ['exp', 'num'],
    currentDate: now,
  });
  return { number: String(payload.num), expiresAt: new Date(payload.exp! * 1000) };
}
