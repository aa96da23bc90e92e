import type { Database } from '@membership/db';
import { SanctionsRepository } from './sanctions-repository.js';

/** Fixed so that seeding twice leaves one warning, not two. */
const CHEN_WARNING_ID = '00000000-0000-4000-8000-00000000c301';
const DAY_MS = 86_400_000;

/** Gives demo member index 2 (Chen) one warning in force, with no end. */
export async function seedModeration(options: { database: Database; memberIds: readonly string[]; now: Date }): Promise<void> {
  const chen = options.memberIds[2];
  if (!chen) return;
  const startsAt = new Date(options.now.getTime() - 7 * DAY_MS);
  await new SanctionsRepository(options.database.db).apply({
    id: CHEN_WARNING_ID,
    memberId: chen,
    kind: 'WARNING',
    reason: 'Offensive language in a product review. A repeat will restrict benefits.',
    status: 'ACTIVE',
    startsAt,
    endsAt: null,
    createdAt: startsAt,
  });
}
