import { register, type AccountsDeps } from '../domain/accounts.js';
import { DEFAULT_ROLES } from '../domain/roles.js';
import type { StaffRepository } from './staff-repository.js';

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
export async function seedIdentity(accounts: AccountsDeps & { staff: StaffRepository }, demo: DemoMember[]): Promise<void> {
  await accounts.staff.ensureRoles(DEFAULT_ROLES);
  for (const m of demo) await register(accounts, m, { seeding: true });
}
