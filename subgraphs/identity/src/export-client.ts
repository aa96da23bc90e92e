import { randomUUID } from 'node:crypto';
import { VIEWER_HEADER, type ViewerSigner } from '@membership/viewer';
import type { FetchExportPart } from './domain/data-export.js';

const QUERY = 'query MemberDataExport($memberId: ID!) { memberDataExport(memberId: $memberId) }';

/**
 * Calls a subgraph's internal memberDataExport directly (not through the gateway),
 * signed with identity's own key, for that subgraph and that member only. Throws with the subgraph's name on any failure, never with the
 * member's data.
 */
export function createExportClient(signer: ViewerSigner, timeoutMs = 10_000): FetchExportPart {
  return async (subgraph, url, memberId) => {
    const request = { query: QUERY, variables: { memberId } };
    const header = await signer.sign(
      { kind: 'service', service: signer.service },
      { audience: subgraph, body: request, requestId: `export-${randomUUID()}` },
    );
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [VIEWER_HEADER]: header },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`${subgraph} answered ${response.status}`);
    const body = (await response.json()) as { data?: { memberDataExport?: string | null }; errors?: { extensions?: { code?: string } }[] };
    const json = body.data?.memberDataExport;
    if (typeof json !== 'string') throw new Error(`${subgraph} gave no export (${body.errors?.[0]?.extensions?.code ?? 'no data'})`);
    return JSON.parse(json) as unknown;
  };
}
