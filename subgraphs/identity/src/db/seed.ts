import { register, type AccountsDeps } from '../domain/accounts.js';

export interface DemoMember {
  id: string;
  displayName: string;
  email?: string;
  phone?: string;
  password: string;
}

/** Registers the demo members through the real registration path, so their events fire. */
export async function seedIdentity(accounts: AccountsDeps, demo: DemoMember[]): Promise<void> {
  for (const m of demo) await register(accounts, m);
}
