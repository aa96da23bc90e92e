/** In-flight sharing keys on who is calling, although every signed header differs. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VIEWER_HEADER, viewerSigner, type Viewer } from '@membership/viewer';
import { deduplicatingFetch } from '../../src/inflight.js';

const jwk = Buffer.from(JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }))).toString('base64');
const signer = viewerSigner('gateway', jwk);
const body = JSON.stringify({ query: '{ me { id } }' });

async function fetchAs(send: ReturnType<typeof deduplicatingFetch>, viewer: Viewer, requestId: string) {
  const header = await signer.sign(viewer, { audience: 'identity', body: JSON.parse(body) as object, requestId });
  return send('http://identity/graphql', { method: 'POST', headers: { [VIEWER_HEADER]: header }, body });
}

describe('sharing identical subgraph fetches in flight', () => {
  it('two requests of the same caller share one fetch, though their headers differ', async () => {
    let calls = 0;
    const send = deduplicatingFetch(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return new Response('{"data":{}}');
    });
    const ana: Viewer = { kind: 'member', memberId: 'm-ana' };
    await Promise.all([fetchAs(send, ana, 'r-1'), fetchAs(send, ana, 'r-2')]);
    expect(calls).toBe(1);
  });

  it('two callers never share', async () => {
    let calls = 0;
    const send = deduplicatingFetch(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return new Response('{"data":{}}');
    });
    await Promise.all([
      fetchAs(send, { kind: 'member', memberId: 'm-ana' }, 'r-1'),
      fetchAs(send, { kind: 'member', memberId: 'm-bo' }, 'r-1'),
    ]);
    expect(calls).toBe(2);
  });
});
