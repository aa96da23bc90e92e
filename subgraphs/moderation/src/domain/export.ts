import { badInput } from '@membership/domain';
import type { SanctionKind, SanctionStatus } from './standing.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The member id an export asks for; members' ids are UUIDs, anything else is refused. */
export function exportMemberId(raw: string): string {
  if (!UUID.test(raw)) throw badInput(`"${raw}" is not a member id.`, 'memberId');
  return raw;
}

/** What the export needs to know about a sanction. */
export interface HeldSanction {
  id: string;
  kind: SanctionKind;
  status: SanctionStatus;
  reason: string | null;
  startsAt: Date;
  endsAt: Date | null;
  createdAt: Date;
}

/** What moderation holds about one member, as it goes into their data export. */
export interface ModerationExport {
  subgraph: 'moderation';
  memberId: string;
  exportedAt: string;
  /** Every sanction, lifted or not, oldest first. */
  sanctions: {
    id: string;
    kind: SanctionKind;
    status: SanctionStatus;
    reason: string | null;
    startsAt: string;
    endsAt: string | null;
    appliedAt: string;
  }[];
}

/** The member's sanctions in plain JSON values (ISO timestamps). */
export function moderationExport(memberId: string, held: readonly HeldSanction[], at: Date): ModerationExport {
  return {
    subgraph: 'moderation',
    memberId,
    exportedAt: at.toISOString(),
    sanctions: held.map((s) => ({
      id: s.id,
      kind: s.kind,
      status: s.status,
      reason: s.reason,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt?.toISOString() ?? null,
      appliedAt: s.createdAt.toISOString(),
    })),
  };
}
