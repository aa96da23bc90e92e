import { DateTime, badInput, notFound, unauthenticated } from '@membership/subgraph';
import type { Viewer } from '@membership/viewer';
import { breaches, nextDeadline, rootCause } from '../domain/complaints.js';
import { exportMemberId, moderationExport } from '../domain/export.js';
import { contentRef, requireId, requireText } from '../domain/reports.js';
import { standingFrom } from '../domain/standing.js';
import type { ModerationContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';

const page = (first: number | null | undefined, max = 100) => {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(`first must be between 1 and ${max}.`, 'first');
  return n;
};

/** The staff member acting, for the staff operation log (the rules already required staff). */
function staffOf(ctx: ModerationContext) {
  if (ctx.viewer.kind !== 'staff') throw unauthenticated('Sign in as staff to do this.');
  return { staffId: ctx.viewer.staffId, requestId: ctx.requestId };
}

function memberOf(viewer: Viewer): string {
  if (viewer.kind !== 'member') throw unauthenticated('Sign in as a member to do this.');
  return viewer.memberId;
}

const LIFT_REASON = { expired: 'EXPIRED', appeal: 'APPEAL', staff: 'STAFF' } as const;

function evidenceRefs(refs: readonly string[] | null | undefined): string[] {
  const list = (refs ?? []).map((r) => r.trim()).filter(Boolean);
  if (list.length > 20) throw badInput('At most 20 evidence references.', 'evidenceRefs');
  if (list.some((r) => r.length > 200)) throw badInput('An evidence reference is at most 200 characters.', 'evidenceRefs');
  return list;
}

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(moderationExport(memberId, await ctx.sanctions.everythingOf(memberId), ctx.now));
    },
    reportQueue: (_, args, ctx) => ctx.reports.queue(args.status ?? 'OPEN', page(args.first)),
    myReports: (_, args, ctx) => ctx.reports.filedBy(memberOf(ctx.viewer), page(args.first)),
    appealQueue: (_, args, ctx) => ctx.sanctions.pendingAppeals(page(args.first)),
    myComplaints: (_, args, ctx) => ctx.complaints.mine(page(args.first)),
    complaint: async (_, args, ctx) => {
      const complaint = await ctx.loaders.complaintById.load(requireId(args.id, 'id'));
      if (!complaint) throw notFound('There is no complaint with this id, or it is not yours to see.');
      return complaint;
    },
    complaintQueue: (_, args, ctx) => ctx.complaints.queue(ctx.now, args.breachedOnly ?? false, page(args.first, 200)),
    complaintStats: (_, args, ctx) => {
      const from = new Date(args.from);
      const to = new Date(args.to);
      if (!(from.getTime() < to.getTime())) throw badInput('from must be before to.', 'from');
      return ctx.complaints.stats(from, to, ctx.now);
    },
    moderationOperationLog: (_, args, ctx) => ctx.operationLog(page(args.first, 200)),
  },
  Mutation: {
    reportMember: async (_, args, ctx) => {
      const subject = requireId(args.memberId, 'memberId');
      const reporter = ctx.viewer.kind === 'member' ? `member:${ctx.viewer.memberId}` : `staff:${staffOf(ctx).staffId}`;
      if (ctx.viewer.kind === 'member' && ctx.viewer.memberId === subject) throw badInput('You cannot report yourself.', 'memberId');
      const receipt = await ctx.reports.submit(
        {
          subjectMemberId: subject,
          contentRef: contentRef(args.contentRef),
          category: args.category,
          reporter,
          details: requireText(args.details, 'details', 2000),
        },
        ctx.now,
        ctx.policy.reportWindowMs,
        ctx.viewer.kind === 'staff' ? staffOf(ctx) : undefined,
      );
      return { id: receipt.id, receivedAt: ctx.now };
    },
    dismissReport: (_, args, ctx) => ctx.reports.dismiss(requireId(args.id, 'id'), staffOf(ctx), ctx.now),
    recordViolation: async (_, { input }, ctx) => {
      const { violation } = await ctx.sanctions.recordViolation(
        {
          memberId: requireId(input.memberId, 'memberId'),
          category: input.category,
          severity: input.severity,
          evidence: requireText(input.evidence, 'evidence', 2000),
          evidenceRefs: evidenceRefs(input.evidenceRefs),
          reportId: input.reportId ? requireId(input.reportId, 'reportId') : null,
        },
        ctx.policy,
        staffOf(ctx),
        ctx.now,
      );
      return violation;
    },
    appealSanction: (_, args, ctx) =>
      ctx.sanctions.fileAppeal(
        memberOf(ctx.viewer),
        requireId(args.sanctionId, 'sanctionId'),
        requireText(args.statement, 'statement', 4000),
        ctx.now,
      ),
    decideAppeal: (_, args, ctx) =>
      ctx.sanctions.decideAppeal(
        requireId(args.appealId, 'appealId'),
        args.decision === 'REVERSE',
        requireText(args.note, 'note', 2000),
        staffOf(ctx),
        ctx.now,
      ),
    liftSanction: async (_, args, ctx) => {
      const sanction = await ctx.sanctions.liftByStaff(
        requireId(args.sanctionId, 'sanctionId'),
        requireText(args.note, 'note', 2000),
        staffOf(ctx),
        ctx.now,
      );
      return { sanctionId: sanction.id, memberId: sanction.memberId, sanction };
    },
    fileComplaint: (_, { input }, ctx) =>
      ctx.complaints.open(
        {
          memberId: memberOf(ctx.viewer),
          channel: 'APP',
          category: input.category,
          subject: requireText(input.subject, 'subject', 4000),
          priority: input.priority ?? 'NORMAL',
          changeId: input.changeId ? requireId(input.changeId, 'changeId') : null,
          assigneeId: null,
        },
        ctx.policy.complaints,
        ctx.now,
      ),
    recordComplaint: (_, { input }, ctx) => {
      if (input.channel === 'APP')
        throw badInput('Complaints in the app are filed by the member; record PHONE, EMAIL or IN_PERSON ones.', 'channel');
      return ctx.complaints.open(
        {
          memberId: requireId(input.memberId, 'memberId'),
          channel: input.channel,
          category: input.category,
          subject: requireText(input.subject, 'subject', 4000),
          priority: input.priority ?? 'NORMAL',
          changeId: input.changeId ? requireId(input.changeId, 'changeId') : null,
          assigneeId: input.assigneeId ? requireId(input.assigneeId, 'assigneeId') : null,
        },
        ctx.policy.complaints,
        ctx.now,
        staffOf(ctx),
      );
    },
    assignComplaint: (_, args, ctx) =>
      ctx.complaints.assign(requireId(args.id, 'id'), requireId(args.assigneeId, 'assigneeId'), staffOf(ctx), ctx.now),
    answerComplaint: (_, args, ctx) =>
      ctx.complaints.answer(requireId(args.id, 'id'), requireText(args.body, 'body', 4000), staffOf(ctx), ctx.now, null),
    resolveComplaint: (_, args, ctx) =>
      ctx.complaints.answer(requireId(args.id, 'id'), requireText(args.body, 'body', 4000), staffOf(ctx), ctx.now, {
        rootCause: rootCause(args.rootCause),
      }),
    addComplaintMessage: (_, args, ctx) =>
      ctx.complaints.addMemberMessage(requireId(args.id, 'id'), requireText(args.body, 'body', 4000), ctx.now),
    rateComplaint: (_, args, ctx) => ctx.complaints.rate(requireId(args.id, 'id'), args.rating, ctx.policy.complaints, ctx.now),
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    standing: async (member, _, ctx) => standingFrom(await ctx.loaders.unliftedSanctionsOfMember.load(member.id), ctx.now),
  },
  Sanction: {
    reason: (s) => s.reason ?? '',
    liftReason: (s) => (s.liftReason ? LIFT_REASON[s.liftReason] : null),
  },
  Report: {
    memberId: (r) => r.subjectMemberId,
    submissionCount: (r) => r.submissions,
    reporterCount: (r) => r.reporters,
    submissions: (r, _, ctx) => ctx.loaders.submissionsOfReport.load(r.id),
  },
  ReportSubmission: {
    reporterKind: (s) => (s.reporter.startsWith('staff:') ? 'STAFF' : s.reporter.startsWith('member:') ? 'MEMBER' : 'ERASED'),
    reporterId: (s) => s.reporter.slice(s.reporter.indexOf(':') + 1),
    reportedAt: (s) => s.createdAt,
  },
  FiledReport: {
    memberId: (r) => r.reporterMemberId,
  },
  Violation: {
    ladderRung: (v) => v.rung,
    sanction: (v, _, ctx) => ctx.loaders.sanctionOfViolation.load(v.id),
  },
  Appeal: {
    sanction: (a, _, ctx) => ctx.loaders.sanctionById.load(a.sanctionId),
  },
  Complaint: {
    nextDeadline: (c) => nextDeadline(c),
    breached: (c, _, ctx) => breaches(c, ctx.now),
    messages: (c, _, ctx) => ctx.loaders.messagesOfComplaint.load(c.id),
  },
  ComplaintMessage: {
    sentAt: (m) => m.createdAt,
    author: (m) => m.authorKind,
  },
  ModerationOperation: {
    details: (op) => JSON.stringify(op.details),
  },
};
