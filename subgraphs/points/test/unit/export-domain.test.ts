import { describe, expect, it } from 'vitest';
import { exportMemberId, pointsExport } from '../../src/domain/export.js';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const at = new Date('2026-02-01T00:00:00.000Z');

describe("the points part of a member's export", () => {
  it('refuses a member id that is not a UUID, naming the field', () => {
    expect(() => exportMemberId('ana')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'memberId' }));
  });

  it('a member without an account exports a null account and an empty ledger', () => {
    expect(pointsExport(ANA, { account: undefined, entries: [] }, at)).toEqual({
      subgraph: 'points',
      memberId: ANA,
      exportedAt: '2026-02-01T00:00:00.000Z',
      account: null,
      ledger: [],
      shareCodes: [],
    });
  });

  it('each ledger entry keeps its sign, its reason and when it happened, without its idempotency key', () => {
    const createdAt = new Date('2026-01-05T10:00:00.000Z');
    const data = pointsExport(
      ANA,
      {
        account: { memberId: ANA, balance: 70, debt: 0, openedAt: createdAt },
        entries: [
          {
            id: 'e1',
            memberId: ANA,
            kind: 'earn',
            delta: 100,
            debtDelta: 0,
            reason: 'WELCOME',
            source: 'task',
            sourceId: null,
            note: null,
            idempotencyKey: `welcome:${ANA}`,
            createdAt,
          },
          {
            id: 'e2',
            memberId: ANA,
            kind: 'adjust',
            delta: -30,
            debtDelta: 0,
            reason: 'ADJUSTMENT',
            source: 'staff',
            sourceId: 'staff-1',
            note: 'Duplicate credit',
            idempotencyKey: 'k2',
            createdAt,
          },
        ],
      },
      at,
    );
    expect(data.account).toEqual({ balance: 70, debt: 0, openedAt: '2026-01-05T10:00:00.000Z' });
    expect(data.ledger).toEqual([
      { id: 'e1', kind: 'earn', delta: 100, debtDelta: 0, reason: 'WELCOME', note: null, occurredAt: '2026-01-05T10:00:00.000Z' },
      {
        id: 'e2',
        kind: 'adjust',
        delta: -30,
        debtDelta: 0,
        reason: 'ADJUSTMENT',
        note: 'Duplicate credit',
        occurredAt: '2026-01-05T10:00:00.000Z',
      },
    ]);
  });

  it('the share codes the member asked for are theirs to see', () => {
    const createdAt = new Date('2026-01-05T10:00:00.000Z');
    const data = pointsExport(
      ANA,
      { account: undefined, entries: [], shareCodes: [{ code: 'ABCDEFGH23', memberId: ANA, productSku: 'TEA-1', createdAt }] },
      at,
    );
    expect(data.shareCodes).toEqual([{ code: 'ABCDEFGH23', productSku: 'TEA-1', createdAt: '2026-01-05T10:00:00.000Z' }]);
  });
});
