import type { NoticeTemplate } from './index.js';

/**
 * The notices the moderation subgraph asks for (MemberNoticeRequested with template 'moderation.<key>').
 * Params are ids, amounts, dates and codes, never personal values.
 */
export const MODERATION_NOTICES: Record<string, NoticeTemplate> = {
  sanction_announced: {
    title: 'A {kind} will apply to your account on {date}',
    body: 'Reason: {violation}. {evidence} You can appeal until {appealUntil}.',
  },
};
