/**
 * GraphQL Code Generator: each subgraph's resolver and argument types from its own SDL,
 * into src/generated/resolvers-types.ts (committed). `npm run codegen` writes them;
 * `npm run codegen -- --check` fails when one is stale (CI runs it).
 *
 * Mappers say which row type a resolver returns for a GraphQL object type, so a
 * resolver hands back what the repository read and the field resolvers below it get
 * that row as their parent. Paths are relative to the generated file.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Settings every subgraph shares. */
const common = {
  // Federation v2 directives (@link, @shareable, @inaccessible, @composeDirective, @pii)
  // need no declaration: codegen builds the schema with assumeValidSDL. `federation`
  // adds @key and gives entities their __resolveReference.
  federation: true,
  useTypeImports: true,
  // Enums as string unions: they match the text columns drizzle reads.
  enumsAsTypes: true,
  // The DateTime scalar (packages/subgraph) parses to a Date and serialises a Date or an ISO string.
  scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
};

type SubgraphCodegen = { context: string; mappers?: Record<string, string> };

const subgraphs: Record<string, SubgraphCodegen> = {
  tiers: {
    context: '../context.js#TiersContext',
    mappers: {
      Tier: '../db/tiers-repository.js#TierRow',
      Member: '@membership/subgraph#MemberRef',
      Benefit: '../db/tiers-repository.js#BenefitRow',
      MemberBenefit: '../domain/benefits.js#MemberBenefitView',
      BenefitChange: '../db/benefits-repository.js#BenefitChangeRow',
      TierStaffOperation: '../db/benefits-repository.js#StaffOperationRow',
      TierRequirement: '../domain/rules.js#RequirementView',
      TierStatus: '../domain/status.js#TierStatusView',
      TierEvaluation: '../domain/status.js#EvaluationView',
      NextTierNeeds: '../domain/status.js#NextTierView',
      ScheduledDowngrade: '../domain/status.js#DowngradeView',
    },
  },
  points: {
    context: '../context.js#PointsContext',
    mappers: {
      PointsEntry: '../db/points-repository.js#LedgerRow',
      PointsHold: '../domain/orders.js#Hold',
      StoreItem: '../domain/store.js#StoreItem as StoreItemRecord',
      Lottery: '../domain/spending.js#Lottery as LotteryRecord',
      Redemption: '../domain/spending.js#Redemption as RedemptionRecord',
      LotteryEntryResult: '../domain/spending.js#LotteryEntry',
      LotteryPrize: '../db/points-repository.js#PrizeRow',
      Member: '@membership/subgraph#MemberRef',
    },
  },
  orders: {
    context: '../context.js#OrdersContext',
    mappers: {
      Order: '../db/orders-repository.js#OrderRow',
      OrderLine: '../context.js#LineInOrder',
      Payment: '../db/orders-repository.js#PaymentRow',
      PaymentAttempt: '../db/orders-repository.js#Settled',
      Refund: '../db/refunds-repository.js#RefundRow',
      Invoice: '../db/orders-repository.js#InvoiceRow',
      RiskFlag: '../db/risk-repository.js#RiskFlagRow',
      Member: '@membership/subgraph#MemberRef',
    },
  },
  moderation: {
    context: '../context.js#ModerationContext',
    mappers: {
      Sanction: '../db/sanctions-repository.js#SanctionRow',
      Member: '@membership/subgraph#MemberRef',
      Violation: '../db/sanctions-repository.js#ViolationRow',
      Appeal: '../db/sanctions-repository.js#AppealRow',
      Report: '../db/reports-repository.js#ReportRow',
      FiledReport: '../db/reports-repository.js#FiledReportRow',
      ReportSubmission: '../db/reports-repository.js#ReportSubmissionRow',
      Complaint: '../db/complaints-repository.js#ComplaintRow',
      ComplaintMessage: '../db/complaints-repository.js#ComplaintMessageRow',
      ModerationOperation: '../db/staff-log.js#StaffOperationRow',
      SanctionLift: '../context.js#LiftedSanction',
    },
  },
  identity: {
    context: '../context.js#IdentityContext',
    mappers: {
      Member: '../domain/records.js#Member as MemberRecord',
      Notice: '../domain/records.js#NoticeRow',
      NoticeConnection: '../context.js#InboxPage',
      ProfileChange: '../domain/records.js#ProfileChangeRow',
      PolicyVersion: '../domain/records.js#PolicyVersionRow',
      PolicyAcceptance: '../domain/records.js#PolicyAcceptanceRow',
      ConsentRecord: '../domain/records.js#ConsentRecordRow',
      PartnerConsent: '../domain/consents.js#PartnerConsent as PartnerConsentRecord',
      Consents: '../context.js#ConsentsOf',
      DataExport: '../domain/records.js#DataExportRow',
      ErasureRequest: '../domain/records.js#ErasureRequestRow',
      Verification: '../domain/records.js#Verification as VerificationRecord',
      PiiAccess: '../domain/records.js#PiiAccessRow',
      StaffMember: '../domain/staff.js#StaffView',
      StaffRoleGrant: '../domain/records.js#StaffRoleGrant as StaffRoleGrantRecord',
      StaffAuthPayload: '../domain/staff.js#StaffSignIn',
      Role: '../domain/records.js#RoleRow',
      StaffOperation: '../domain/records.js#StaffOperationRow',
      JobRun: '@membership/jobs#JobRunRow',
      Partner: '../domain/partners.js#PartnerRow',
      DataSharingAgreement: '../domain/partners.js#AgreementView',
      PartnerApiKey: '../domain/partners.js#PartnerKeyView',
    },
  },
};

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: Object.fromEntries(
    Object.entries(subgraphs).map(([name, { context, mappers }]) => [
      `subgraphs/${name}/src/generated/resolvers-types.ts`,
      {
        schema: `subgraphs/${name}/src/schema.graphql`,
        plugins: ['typescript', 'typescript-resolvers'],
        config: { ...common, contextType: context, mappers: mappers ?? {} },
      },
    ]),
  ),
};

export default config;
