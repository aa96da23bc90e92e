import { createHash } from 'node:crypto';
import type { EventInput } from '@membership/events';
import { hasMessage, MessageError } from '../../messages/index.js';
import { checkNotice, type NoticeKind, type NoticeText } from '../notices.js';

/**
 * Messages other subgraphs may ask identity to send (MemberNoticeRequested) live in the
 * catalogues (src/messages), as `<subgraph>.<name>.title` and `.body`; the key's first
 * segment names the subgraph and the inbox kind of its notices.
 */
const SECTION_KIND: Record<string, NoticeKind> = {
  orders: 'orders',
  points: 'points',
  tiers: 'tiers',
  moderation: 'moderation',
};

/** A request for a template the catalogue does not have, or without a value a placeholder needs. */
export class NoticeTemplateError extends Error {
  override readonly name = 'NoticeTemplateError';
}

/**
 * The requested notice, checked against every catalogue. An unknown template or a missing
 * parameter throws: the consumer retries and then parks the event, where operations sees
 * it (docs/OPERATIONS.md). `outOfApp` requests are also emailed (docs/LANGUAGES.md).
 */
export function requestedNotice(request: EventInput['MemberNoticeRequested']): NoticeText {
  const section = request.template.split('.', 1)[0]!;
  const kind = Object.hasOwn(SECTION_KIND, section) ? SECTION_KIND[section] : undefined;
  if (!kind || request.template.split('.').length !== 2 || !hasMessage(`${request.template}.title`)) {
    throw new NoticeTemplateError(`no notice template ${request.template}`);
  }
  try {
    return checkNotice({ kind, template: request.template, params: request.params ?? {}, outOfApp: request.outOfApp ?? false });
  } catch (error) {
    if (error instanceof MessageError) throw new NoticeTemplateError(error.message.replace(/\.(title|body) needs/, ' needs'));
    throw error;
  }
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
