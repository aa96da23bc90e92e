import type { Viewer, ViewerSigner } from '@membership/viewer';
import { VIEWER_HEADER } from '@membership/viewer';
import type { Disclosure } from './guarded-schema.js';

/** One row of the PII access log: one viewer, one owner, the fields read in one request. */
export interface AccessLogEntry {
  viewerKind: string;
  viewerId: string;
  viewerRole: string | null;
  ownerMemberId: string;
  fields: string[];
  categories: string[];
  purpose: string | null;
  operationName: string | null;
  requestId: string;
}

/** Where the gateway writes the log; it must resolve only once the entries are stored. */
export interface AccessLogWriter {
  record(entries: AccessLogEntry[]): Promise<void>;
}

function describeViewer(viewer: Viewer): { kind: string; id: string; role: string | null } {
  switch (viewer.kind) {
    case 'staff':
      return { kind: 'staff', id: viewer.staffId, role: viewer.scopes.join(' ') || null };
    case 'partner':
      // The key as well as the partner: every partner read is attributed to the key that made it.
      return { kind: 'partner', id: viewer.partnerId, role: viewer.keyId ? `api key ${viewer.keyId}` : null };
    case 'member':
      return { kind: 'member', id: viewer.memberId, role: null };
    case 'service':
      return { kind: 'service', id: viewer.service, role: null };
    default:
      return { kind: 'anonymous', id: 'anonymous', role: null };
  }
}

/**
 * Sorts a handful of strings in place: an insertion sort, cheaper than `Array#sort` for
 * the few fields a row has (it ran for every owner of every staff request).
 */
function sortedFew(values: string[]): string[] {
  for (let i = 1; i < values.length; i++) {
    const value = values[i]!;
    let j = i - 1;
    for (; j >= 0 && values[j]! > value; j--) values[j + 1] = values[j]!;
    values[j + 1] = value;
  }
  return values;
}

/** Groups a request's disclosures into one entry per owner. */
export function entriesFor(
  disclosures: Disclosure[],
  request: { viewer: Viewer; requestId: string; operationName: string | null },
): AccessLogEntry[] {
  const who = describeViewer(request.viewer);
  const purpose = request.viewer.kind === 'staff' ? (request.viewer.purpose ?? null) : null;
  // A handful of fields per owner: small arrays beat Sets here.
  const byOwner = new Map<string, { fields: string[]; categories: string[] }>();
  // A row's values are disclosed one after another: most of them have the last one's owner.
  let lastOwner: string | undefined;
  let entry: { fields: string[]; categories: string[] } | undefined;
  for (const d of disclosures) {
    if (d.ownerId !== lastOwner || !entry) {
      lastOwner = d.ownerId;
      entry = byOwner.get(d.ownerId);
      if (!entry) byOwner.set(d.ownerId, (entry = { fields: [], categories: [] }));
    }
    if (!entry.fields.includes(d.field)) entry.fields.push(d.field);
    if (!entry.categories.includes(d.category)) entry.categories.push(d.category);
  }
  const entries: AccessLogEntry[] = [];
  for (const [ownerMemberId, e] of byOwner) {
    entries.push({
      viewerKind: who.kind,
      viewerId: who.id,
      viewerRole: who.role,
      ownerMemberId,
      fields: sortedFew(e.fields),
      categories: sortedFew(e.categories),
      purpose,
      operationName: request.operationName,
      requestId: request.requestId,
    });
  }
  return entries;
}

const RECORD = `mutation RecordPiiAccess($input: RecordPiiAccessInput!) { recordPiiAccess(input: $input) { recorded } }`;

/**
 * Writes the log to identity in one call per request, signed with the gateway's key as the
 * gateway itself: identity accepts recordPiiAccess from that key only.
 */
export class IdentityAccessLog implements AccessLogWriter {
  constructor(
    private readonly url: () => string,
    private readonly signer: ViewerSigner,
    private readonly timeoutMs: number,
  ) {}

  async record(entries: AccessLogEntry[]): Promise<void> {
    const request = { query: RECORD, variables: { input: { entries } } };
    const header = await this.signer.sign(
      { kind: 'service', service: this.signer.service },
      { audience: 'identity', body: request, requestId: entries[0]?.requestId ?? 'access-log' },
    );
    const response = await fetch(this.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [VIEWER_HEADER]: header },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await response.json()) as { data?: { recordPiiAccess?: { recorded: number } }; errors?: { message: string }[] };
    if (!response.ok || body.errors?.length || body.data?.recordPiiAccess?.recorded !== entries.length) {
      throw new Error(`access log not written: ${response.status} ${body.errors?.map((e) => e.message).join('; ') ?? ''}`);
    }
  }
}
