import { badInput } from './errors.js';

/** Relay-style connection returned by list fields. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Position of a row in a list ordered newest first: its time, then its id to break ties. */
export interface Cursor {
  at: Date;
  id: string;
}

export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  const [at, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  const date = at ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !id || !UUID.test(id)) throw badInput('The cursor is not one this list gave out.', 'after');
  return { at: date, id };
}

/** Validates `first`/`after` from a client. */
export function pageArgs(args: { first?: number | null; after?: string | null }): { first: number; after?: Cursor } {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  }
  return { first, after: args.after ? decodeCursor(args.after) : undefined };
}

/**
 * Builds a connection from up to `first + 1` rows (the extra row only says there is
 * another page).
 */
export function toConnection<T>(rows: T[], first: number, cursorOf: (row: T) => Cursor): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
