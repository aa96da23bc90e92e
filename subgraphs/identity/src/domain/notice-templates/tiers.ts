import type { NoticeTemplate } from './index.js';

/**
 * The notices the tiers subgraph asks for (MemberNoticeRequested with template 'tiers.<key>').
 * Params are ids, amounts, dates and codes, never personal values.
 */
export const TIER_NOTICES: Record<string, NoticeTemplate> = {
  downgrade_scheduled: {
    title: 'Your tier will change to {to} on {date}',
    body: 'Your activity over the last months is below what {from} needs. Reach it before {date} to keep {from}.',
  },
};
