import { badInput } from '@membership/domain';
import type { LedgerEntry, PointsAccount } from './ledger.js';
import type { ShareCode } from './tasks.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The member id an export asks for; members' ids are UUIDs, anything else is refused. */
export function exportMemberId(raw: string): string {
  if (!UUID.test(raw)) throw badInput(`"${raw}" is not a member id.`, 'memberId');
  return raw;
}

/** What points holds about one member, as it goes into their data export. */
export interface PointsExport {
  subgraph: 'points';
  memberId: string;
  exportedAt: string;
  /** Null when the member has no points account. */
  account: { balance: number; debt: number; openedAt: string } | null;
  /** Every change to their points, oldest first. */
  ledger: { id: string; kind: string; delta: number; debtDelta: number; reason: string; note: string | null; occurredAt: string }[];
  /** The share codes they asked for (each identifies them to whoever orders through it). */
  shareCodes: { code: string; productSku: string; createdAt: string }[];
}

/** The member's balance, ledger and share codes in plain JSON values (ISO timestamps, whole points). */
export function pointsExport(
  memberId: string,
  held: { account: PointsAccount | undefined; entries: readonly LedgerEntry[]; shareCodes?: readonly ShareCode[] },
  at: Date,
): PointsExport {
  return {
    subgraph: 'points',
    memberId,
    exportedAt: at.toISOString(),
    account: held.account
      ? { balance: held.account.balance, debt: held.account.debt, openedAt: held.account.openedAt.toISOString() }
      : null,
    ledger: held.entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      delta: e.delta,
      debtDelta: e.debtDelta,
      reason: e.reason,
      note: e.note,
      occurredAt: e.createdAt.toISOString(),
    })),
    shareCodes: (held.shareCodes ?? []).map((c) => ({ code: c.code, productSku: c.productSku, createdAt: c.createdAt.toISOString() })),
  };
}
