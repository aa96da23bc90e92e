import { randomUUID } from 'node:crypto';
import { badInput } from '@membership/domain';
import type { PiiAccessRow } from './records.js';
import type { PiiAccessStore } from './stores.js';

export interface PiiAccessDeps {
  log: PiiAccessStore;
  now: () => Date;
}

/** Who can have read someone's personal data. */
const VIEWER_KINDS = ['staff', 'partner', 'member', 'service'] as const;

/**
 * The most entries one call may write. The gateway sends one batch per request; 5000
 * entries of 11 columns stay under Postgres's 65535 bind parameters for a single insert.
 */
export const MAX_ENTRIES_PER_BATCH = 5000;

/** One access as the gateway reports it. */
export interface PiiAccessEntryInput {
  viewerKind: string;
  viewerId: string;
  viewerRole?: string | null;
  ownerMemberId: string;
  fields: string[];
  categories: string[];
  purpose?: string | null;
  operationName?: string | null;
  requestId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Checks a whole batch before anything is written and turns it into rows stamped with
 * `accessedAt`. Throws BAD_USER_INPUT naming the first wrong entry's field.
 */
export function validateEntries(entries: readonly PiiAccessEntryInput[], accessedAt: Date): PiiAccessRow[] {
  if (entries.length === 0) throw badInput('Send at least one access entry.', 'entries');
  if (entries.length > MAX_ENTRIES_PER_BATCH) {
    throw badInput(`Send at most ${MAX_ENTRIES_PER_BATCH} access entries at once; split the batch.`, 'entries');
  }
  return entries.map((entry, i) => {
    const at = (field: string) => `entries[${i}].${field}`;
    if (!(VIEWER_KINDS as readonly string[]).includes(entry.viewerKind)) {
      throw badInput(`viewerKind "${entry.viewerKind}" is not one of ${VIEWER_KINDS.join(', ')}.`, at('viewerKind'));
    }
    if (!isUuid(entry.ownerMemberId))
      throw badInput(`ownerMemberId "${entry.ownerMemberId}" is not a member id (a UUID).`, at('ownerMemberId'));
    if (!entry.viewerId.trim()) throw badInput('viewerId must not be empty.', at('viewerId'));
    if (!entry.requestId.trim()) throw badInput('requestId must not be empty.', at('requestId'));
    if (entry.fields.length === 0) throw badInput('Name at least one field that was read, e.g. Member.email.', at('fields'));
    return {
      id: randomUUID(),
      accessedAt,
      viewerKind: entry.viewerKind,
      viewerId: entry.viewerId,
      viewerRole: entry.viewerRole ?? null,
      ownerMemberId: entry.ownerMemberId.toLowerCase(),
      fields: entry.fields,
      categories: entry.categories,
      purpose: entry.purpose ?? null,
      operationName: entry.operationName ?? null,
      requestId: entry.requestId,
    };
  });
}

/** Validates the whole batch, then writes it in one statement: all entries or none. */
export async function recordPiiAccess(deps: PiiAccessDeps, entries: readonly PiiAccessEntryInput[]): Promise<{ recorded: number }> {
  const rows = validateEntries(entries, deps.now());
  return { recorded: await deps.log.record(rows) };
}
