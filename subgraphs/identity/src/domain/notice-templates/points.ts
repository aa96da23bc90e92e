import type { NoticeTemplate } from './index.js';

/**
 * The notices the points subgraph asks for (MemberNoticeRequested with template 'points.<key>').
 * Params are ids, amounts, dates and codes, never personal values.
 */
export const POINTS_NOTICES: Record<string, NoticeTemplate> = {
  points_available: {
    title: '{points} points are now yours to spend',
    body: 'The return window of order {orderNumber} has ended, so the points it earned are available.',
  },
};
