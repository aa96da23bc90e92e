/**
 * The demo members every subgraph seeds data for. Ids are fixed so each subgraph's
 * seed can refer to them without asking identity.
 */
export const DEMO_MEMBERS = [
  { id: '00000000-0000-4000-8000-0000000000a1', displayName: 'Ana', email: 'ana@example.com', password: 'Demo-pass-2026' },
  { id: '00000000-0000-4000-8000-0000000000b2', displayName: 'Bo', phone: '+8613812345678', password: 'Demo-pass-2026' },
  { id: '00000000-0000-4000-8000-0000000000c3', displayName: 'Chen', email: 'chen@example.com', password: 'Demo-pass-2026' },
  { id: '00000000-0000-4000-8000-0000000000d4', displayName: 'Dee', email: 'dee@example.com', password: 'Demo-pass-2026' },
] as const;

export const DEMO_MEMBER_IDS = DEMO_MEMBERS.map((m) => m.id);
