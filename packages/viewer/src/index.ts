/**
 * Who is calling, as the gateway established it. Subgraphs never see tokens or API
 * keys, only this, signed by the gateway.
 */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'member'; memberId: string }
  | { kind: 'staff'; staffId: string; scopes: string[]; purpose?: string }
  /**
   * A partner admitted by its API key: `partnerId` is its registered name, `categories` the
   * kinds of personal data its agreement allows (members still decide per category).
   */
  | { kind: 'partner'; partnerId: string; categories?: string[]; keyId?: string }
  /** A server calling another server for itself (e.g. the gateway writing the access log). */
  | { kind: 'service'; service: string };

/** True when the viewer is staff holding `scope`. */
export function hasScope(viewer: Viewer, scope: string): boolean {
  return viewer.kind === 'staff' && viewer.scopes.includes(scope);
}

/** The member id when the viewer is a member, otherwise undefined. */
export function memberIdOf(viewer: Viewer): string | undefined {
  return viewer.kind === 'member' ? viewer.memberId : undefined;
}
export * from './tokens.js';
export * from './forwarding.js';
export * from './pii.js';
