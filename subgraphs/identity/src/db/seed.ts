import { register, type AccountsDeps } from '../domain/accounts.js';
import { ensureDefaultRoles } from '../domain/staff.js';

export interface DemoMember {
  id: string;
  displayName: string;
  email?: string;
  phone?: string;
  password: string;
}

/**
 * Writes the default staff roles (missing ones only), then registers the demo members
 * through the real registration path, so their events fire.
 */
export async function seedIdentity(accounts: AccountsDeps, demo: DemoMember[]): Promise<void> {
  await ensureDefaultRoles(accounts);
  for (const m of demo) await register(accounts, m, { seeding: true });
}
