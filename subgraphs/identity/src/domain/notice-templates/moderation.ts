import type { NoticeTemplate } from './index.js';

/**
 * The notices the moderation subgraph asks for (MemberNoticeRequested with template 'moderation.<key>').
 * Params are ids, amounts, dates and codes, never personal values; `evidence` is the summary
 * staff wrote for the member themselves.
 */
export const MODERATION_NOTICES: Record<string, NoticeTemplate> = {
  sanction_announced: {
    title: 'A {kind} will apply to your account on {date}',
    body:
      'Violation: {violation}. Evidence: {evidence} The measure applies from {date} ({endsAt}). ' +
      'You can appeal until {appealUntil} in the app (Account › Standing › Appeal, sanction {sanctionId}); a different staff member decides it.',
  },
  sanction_lifted: {
    title: 'The {kind} on your account has ended',
    body: 'Sanction {sanctionId} ended because {reason}. Your benefits are as before it.',
  },
  appeal_reversed: {
    title: 'Your appeal was accepted: the {kind} is lifted',
    body: 'We reviewed appeal {appealId} and reversed sanction {sanctionId}. What it took away (tier, blocked benefits) is restored.',
  },
  appeal_upheld: {
    title: 'Your appeal was reviewed: the {kind} stays',
    body: 'We reviewed appeal {appealId} and the sanction {sanctionId} stays in place. You can complain about the decision in the app.',
  },
};
