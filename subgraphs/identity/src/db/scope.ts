import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { MemberDataScope } from '../domain/scope.js';

/** The scope as a condition on a member id column; undefined when everything is visible. */
export function visibleTo(scope: MemberDataScope, memberId: PgColumn): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'member') return eq(memberId, scope.memberId);
  return sql`false`;
}
