import { register, type AccountsDeps } from '../domain/accounts.js';
import { ensureDefaultRoles } from '../domain/staff.js';
import type { Language } from '../messages/index.js';

export interface DemoMember {
  id: string;
  displayName: string;
  email?: string;
  phone?: string;
  password: string;
  /** The demo members speak English unless they say otherwise (new members default to zh-CN). */
  language?: Language;
}

/**
 * Writes the default staff roles (missing ones only), then registers the demo members
 * through the real registration path, so their events fire.
 */
export async function seedIdentity(accounts: AccountsDeps, demo: DemoMember[]): Promise<void> {
  await ensureDefaultRoles(accounts);
  for (const m of demo) await register(accounts, { language: 'en', ...m }, { seeding: true });
}
