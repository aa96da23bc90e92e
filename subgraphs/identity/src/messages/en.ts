/**
 * English: every message a member reads from the platform, keyed by id. `{name}` is filled
 * from the message's params; `{name|list}` shows the param through the list's messages
 * (`{to|tier}` with to = GOLD reads `tier.GOLD`). The zh-CN catalogue has exactly these keys
 * (test/unit/messages.test.ts).
 */
export const en: Record<string, string> = {
  // Names of things a message may mention.
  'tier.BRONZE': 'Bronze',
  'tier.SILVER': 'Silver',
  'tier.GOLD': 'Gold',
  'tier.PLATINUM': 'Platinum',
  'tier.DIAMOND': 'Diamond',
  'sanction.WARNING': 'warning',
  'sanction.RESTRICTED_BENEFITS': 'benefit restriction',
  'sanction.DOWNGRADE': 'tier downgrade',
  'sanction.BAN': 'ban',
  'policy.privacy': 'privacy policy',
  'policy.terms': 'terms',
  'level.primary': 'primary',
  'level.advanced': 'advanced',
  'level.enterprise': 'enterprise',

  // Codes and other messages sent by email or text message.
  'message.registration-code.subject': 'Your membership registration code',
  'message.registration-code.body':
    'Your membership registration code is {code}. It expires in {minutes} minutes. If you did not ask for it, ignore this message.',
  'message.password-reset-code.subject': 'Your membership password reset code',
  'message.password-reset-code.body':
    'Your membership password reset code is {code}. It expires in {minutes} minutes. If you did not ask for it, ignore this message: your password stays as it is.',
  'message.contact-verification-code.subject': 'Your membership verification code',
  'message.contact-verification-code.body':
    'Your membership verification code is {code}. It expires in {minutes} minutes. If you did not ask for it, ignore this message.',
  'message.account-exists.subject': 'Someone tried to register with your address',
  'message.account-exists.email.body':
    'Someone asked to register a new membership account with this email address, which already has one. If it was you, sign in, or reset your password if you forgot it. If it was not you, ignore this message; nothing has changed.',
  'message.account-exists.phone.body':
    'Someone asked to register a new membership account with this phone number, which already has one. If it was you, sign in, or reset your password if you forgot it. If it was not you, ignore this message; nothing has changed.',
  'message.notice.footer':
    'You receive this by email because the membership terms say it must reach you outside the app. It is also in your inbox. You can stop service emails in your profile (serviceMessages); marketing is a separate choice.',

  // The membership card.
  'card.no_tier': 'Member',

  // Identity's own inbox notices: `<template>.title` and `<template>.body`.
  'identity.tier_changed.title': 'Your tier is now {to|tier}',
  'identity.tier_changed.body': 'You moved from {from|tier} to {to|tier}.',
  'identity.sanction_applied.WARNING.title': 'You received a warning',
  'identity.sanction_applied.RESTRICTED_BENEFITS.title': 'Your benefits were restricted',
  'identity.sanction_applied.DOWNGRADE.title': 'Your tier was lowered',
  'identity.sanction_applied.BAN.title': 'Your account was banned',
  'identity.sanction_applied.WARNING.body': 'See your standing for the reason and how long it lasts.',
  'identity.sanction_applied.RESTRICTED_BENEFITS.body': 'See your standing for the reason and how long it lasts.',
  'identity.sanction_applied.DOWNGRADE.body': 'See your standing for the reason and how long it lasts.',
  'identity.sanction_applied.BAN.body': 'See your standing for the reason and how long it lasts.',
  'identity.sanction_lifted.WARNING.title': 'Your warning was withdrawn',
  'identity.sanction_lifted.WARNING.body': 'It no longer counts against your standing.',
  'identity.sanction_lifted.RESTRICTED_BENEFITS.title': 'Your benefits are restored',
  'identity.sanction_lifted.RESTRICTED_BENEFITS.body': 'Your tier benefits apply to you again.',
  'identity.sanction_lifted.DOWNGRADE.title': 'Your tier downgrade was lifted',
  'identity.sanction_lifted.DOWNGRADE.body': 'Your tier is decided by your qualifying spend again.',
  'identity.sanction_lifted.BAN.title': 'Your account is no longer banned',
  'identity.sanction_lifted.BAN.body': 'Your account is open to you again.',
  'identity.points_expiring.one.title': '{points} point expires on {date}',
  'identity.points_expiring.one.body': 'Use it before then; after that it is gone.',
  'identity.points_expiring.other.title': '{points} points expire on {date}',
  'identity.points_expiring.other.body': 'Use them before then; after that they are gone.',
  'identity.benefit_change.title': 'A change to your {tier|tier} benefits',
  'identity.benefit_change.body': '{benefit} changes from {date}.',
  'identity.policy_changed.title': 'New {kind|policy}: version {version}',
  'identity.policy_changed.body': 'Read and accept the new {kind|policy} to keep giving consents; withdrawing them needs nothing.',
  'identity.policy_changed_later.title': 'New {kind|policy}: version {version}',
  'identity.policy_changed_later.body':
    'The new {kind|policy} takes effect on {date}; until then the current one applies. Read it with policyVersion and accept it to keep giving consents after that date; withdrawing them needs nothing.',
  'identity.verification_expiring.title': 'Your real-name verification expires soon',
  'identity.verification_expiring.body':
    'Your {level|level} verification expires on {date}. Renew it before then to keep your verification level.',
  'identity.verification_approved.title': 'Your advanced verification is approved',
  'identity.verification_approved.body': 'Your advanced real-name verification was approved.',
  'identity.verification_approved_until.title': 'Your advanced verification is approved',
  'identity.verification_approved_until.body': 'Your advanced real-name verification was approved and is valid until {date}.',
  'identity.verification_rejected.title': 'Your advanced verification was not approved',
  'identity.verification_rejected.body': 'Your advanced real-name verification was not approved: {reason}. You may submit it again.',
  'identity.enterprise_approved_until.title': 'Your enterprise verification is approved',
  'identity.enterprise_approved_until.body':
    'Your enterprise verification (business licence) was approved and is valid until {date}. Enterprise features are open to your account.',
  'identity.enterprise_rejected.title': 'Your enterprise verification was not approved',
  'identity.enterprise_rejected.body':
    'Your enterprise verification (business licence) was not approved: {reason}. You may submit it again.',
  'identity.verification_found_false.title': 'Your verification submission was found false',
  'identity.verification_found_false.body':
    'A reviewer found your {level|level} verification submission false: {reason}. Some features are restricted until a verification of yours is approved. If this is a mistake, contact support.',

  // Notices other subgraphs ask for (MemberNoticeRequested, template `<subgraph>.<name>`).
  // Params are ids, amounts, dates and codes, never personal values.
  'orders.payment_confirmed.title': 'Payment received for order {orderNumber}',
  'orders.payment_confirmed.body': 'We received {amount} {currency}. Your order is being prepared.',
  'orders.order_cancelled.title': 'Order {orderNumber} is cancelled',
  'orders.order_cancelled.body': 'You cancelled order {orderNumber} before paying for it. Any points it held are yours again.',
  'orders.order_cancelled_unpaid.title': 'Order {orderNumber} was cancelled: it was not paid in time',
  'orders.order_cancelled_unpaid.body':
    'Order {orderNumber} was not paid before its payment deadline, so we cancelled it. Any points it held are yours again.',
  'orders.refund_requested.title': 'We received your refund request for order {orderNumber}',
  'orders.refund_requested.body': 'You asked for {amount} {currency} back. We will tell you when it is decided.',
  'orders.refund_approved.title': 'Your refund for order {orderNumber} is approved',
  'orders.refund_approved.body': '{amount} {currency} goes back to you by the way you paid.',
  'orders.refund_partially_approved.title': 'Your refund for order {orderNumber} is partly approved',
  'orders.refund_partially_approved.body':
    'You asked for {requested} {currency}; {amount} {currency} goes back to you by the way you paid.',
  'orders.refund_rejected.title': 'Your refund request for order {orderNumber} was not approved',
  'orders.refund_rejected.body': 'Reason: {reason}',
  'orders.refund_completed.title': 'Refund for order {orderNumber} sent',
  'orders.refund_completed.body':
    '{amount} {currency} was sent back by the way you paid, and {points} points used on the order are yours again.',
  'points.points_available.title': '{points} points are now yours to spend',
  'points.points_available.body': 'The return window of order {orderNumber} has ended, so the points it earned are available.',
  'tiers.downgrade_scheduled.title': 'Your tier will change to {to} on {date}',
  'tiers.downgrade_scheduled.body': 'Your activity over the last months is below what {from} needs. Reach it before {date} to keep {from}.',
  // `evidence` is the summary staff wrote for the member themselves.
  'moderation.sanction_announced.title': 'A {kind} will apply to your account on {date}',
  'moderation.sanction_announced.body':
    'Violation: {violation}. Evidence: {evidence} The measure applies from {date} ({endsAt}). You can appeal until {appealUntil} in the app (Account › Standing › Appeal, sanction {sanctionId}); a different staff member decides it.',
  'moderation.sanction_lifted.title': 'The {kind} on your account has ended',
  'moderation.sanction_lifted.body': 'Sanction {sanctionId} ended because {reason}. Your benefits are as before it.',
  'moderation.appeal_reversed.title': 'Your appeal was accepted: the {kind} is lifted',
  'moderation.appeal_reversed.body':
    'We reviewed appeal {appealId} and reversed sanction {sanctionId}. What it took away (tier, blocked benefits) is restored.',
  'moderation.appeal_upheld.title': 'Your appeal was reviewed: the {kind} stays',
  'moderation.appeal_upheld.body':
    'We reviewed appeal {appealId} and the sanction {sanctionId} stays in place. You can complain about the decision in the app.',
};
