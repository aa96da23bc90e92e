import { createHash } from 'node:crypto';
import type { EventInput } from '@membership/events';
import type { NoticeKind, NoticeText } from '../notices.js';
import { MODERATION_NOTICES } from './moderation.js';
import { ORDER_NOTICES } from './orders.js';
import { POINTS_NOTICES } from './points.js';
import { TIER_NOTICES } from './tiers.js';

/**
 * A message another subgraph may ask identity to send (MemberNoticeRequested). `{name}` in
 * the title or body is filled from the request's params; a placeholder the request does not
 * fill is an error, so a notice never reaches a member with a hole in it.
 */
export interface NoticeTemplate {
  title: string;
  body: string;
}

/** Each subgraph's messages, in a file of its own; the key's first segment names the subgraph. */
const SECTIONS = {
  orders: ORDER_NOTICES,
  points: POINTS_NOTICES,
  tiers: TIER_NOTICES,
  moderation: MODERATION_NOTICES,
} satisfies Record<string, Record<string, NoticeTemplate>>;

/** Which inbox kind the notices of each subgraph's section are. */
const SECTION_KIND: Record<keyof typeof SECTIONS, NoticeKind> = {
  orders: 'orders',
  points: 'points',
  tiers: 'tiers',
  moderation: 'moderation',
};

/** A request for a template the catalogue does not have, or without a value a placeholder needs. */
export class NoticeTemplateError extends Error {
  override readonly name = 'NoticeTemplateError';
}

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9_]*)\}/g;

function fill(text: string, params: Record<string, unknown>, template: string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new NoticeTemplateError(`${template} needs the parameter ${name}`);
    return String(value);
  });
}

/**
 * The words of a requested notice. An unknown template or a missing parameter throws: the
 * consumer retries and then parks the event, where operations sees it (docs/OPERATIONS.md).
 */
export function requestedNotice(request: EventInput['MemberNoticeRequested']): NoticeText {
  const [section, name] = request.template.split('.', 2) as [string, string | undefined];
  const messages: Record<string, NoticeTemplate> | undefined = Object.hasOwn(SECTIONS, section)
    ? SECTIONS[section as keyof typeof SECTIONS]
    : undefined;
  const template = name && messages && Object.hasOwn(messages, name) ? messages[name] : undefined;
  if (!template) throw new NoticeTemplateError(`no notice template ${request.template}`);
  const params = request.params ?? {};
  return {
    kind: SECTION_KIND[section as keyof typeof SECTIONS],
    title: fill(template.title, params, request.template),
    body: fill(template.body, params, request.template),
  };
}

/**
 * The id a requested notice is stored under. With a dedupe key, every request with the same
 * key for the same member is one notice (a producer that asks twice, a job that runs twice);
 * without one, each event is its own notice.
 */
export function requestedNoticeId(request: EventInput['MemberNoticeRequested'], eventId: string): string {
  if (!request.dedupeKey) return eventId;
  const h = createHash('sha256').update(`${request.memberId}\n${request.template}\n${request.dedupeKey}`).digest('hex');
  // Shaped as a uuid (version 8, "custom") so it fits the inbox's event id column.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
