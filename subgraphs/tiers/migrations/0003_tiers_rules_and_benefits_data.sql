-- Custom SQL migration file, put your code below! --
-- Reference data: rule version 1 and the shipped benefits. Mirrors RULES_V1 (src/domain/rules.ts)
-- and SHIPPED_BENEFITS (src/domain/benefits.ts); a test compares.
INSERT INTO "tiers"."rule_versions" ("version", "effective_from", "currency", "window_days", "spend_per_point", "check_in_weight", "activity_weight", "review_weight", "share_weight", "purchase_month_weight", "repeat_purchase_weight", "credit_base", "warning_penalty", "restricted_benefits_penalty", "downgrade_penalty", "ban_penalty") VALUES
	(1, '2000-01-01T00:00:00.000Z', 'CNY', 365, 100, 1, 20, 10, 5, 50, 20, 100, 5, 20, 30, 50)
ON CONFLICT ("version") DO NOTHING;
--> statement-breakpoint
INSERT INTO "tiers"."tier_requirements" ("rule_version", "tier_code", "min_score", "min_credit_score") VALUES
	(1, 'BRONZE', 0, 0),
	(1, 'SILVER', 1000, 60),
	(1, 'GOLD', 5000, 70),
	(1, 'PLATINUM', 15000, 80),
	(1, 'DIAMOND', 50000, 90)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "tiers"."tier_benefits" ("id", "tier_code", "benefit", "value", "description", "effective_from") VALUES
	('00000000-0000-4000-8000-000000000001', 'BRONZE', 'POINTS_MULTIPLIER', 100, '1 point per yuan spent.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000002', 'SILVER', 'POINTS_MULTIPLIER', 125, '1.25 points per yuan spent.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000003', 'SILVER', 'REDEMPTION_DISCOUNT', 5, 'Rewards cost 5% fewer points.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000004', 'SILVER', 'PRIORITY_SERVICE', NULL, 'Your calls and chats are answered first.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000005', 'SILVER', 'BIRTHDAY_GIFT', NULL, 'A gift in your birthday month, when you have given your birthday.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000006', 'GOLD', 'POINTS_MULTIPLIER', 150, '1.5 points per yuan spent.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000007', 'GOLD', 'REDEMPTION_DISCOUNT', 10, 'Rewards cost 10% fewer points.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000008', 'GOLD', 'PRIORITY_SERVICE', NULL, 'Your calls and chats are answered first.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000009', 'GOLD', 'FREE_SHIPPING', NULL, 'Free shipping on every order.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000010', 'GOLD', 'BIRTHDAY_GIFT', NULL, 'A gift in your birthday month, when you have given your birthday.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000011', 'GOLD', 'PRODUCT_TRIALS', 1, 'One new product to try each quarter.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000012', 'PLATINUM', 'POINTS_MULTIPLIER', 175, '1.75 points per yuan spent.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000013', 'PLATINUM', 'REDEMPTION_DISCOUNT', 15, 'Rewards cost 15% fewer points.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000014', 'PLATINUM', 'DEDICATED_SERVICE', NULL, 'A dedicated service line.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000015', 'PLATINUM', 'FREE_SHIPPING', NULL, 'Free shipping on every order.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000016', 'PLATINUM', 'BIRTHDAY_GIFT', NULL, 'A gift in your birthday month, when you have given your birthday.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000017', 'PLATINUM', 'PRODUCT_TRIALS', 2, 'Two new products to try each quarter.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000018', 'PLATINUM', 'EXCLUSIVE_EVENTS', NULL, 'Invitations to members-only events.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000019', 'DIAMOND', 'POINTS_MULTIPLIER', 200, '2 points per yuan spent.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000020', 'DIAMOND', 'REDEMPTION_DISCOUNT', 20, 'Rewards cost 20% fewer points.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000021', 'DIAMOND', 'DEDICATED_SERVICE', NULL, 'A dedicated service line.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000022', 'DIAMOND', 'FREE_SHIPPING', NULL, 'Free shipping on every order.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000023', 'DIAMOND', 'BIRTHDAY_GIFT', NULL, 'A gift in your birthday month, when you have given your birthday.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000024', 'DIAMOND', 'PRODUCT_TRIALS', 3, 'Three new products to try each quarter.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000025', 'DIAMOND', 'EXCLUSIVE_EVENTS', NULL, 'Invitations to members-only events.', '2000-01-01T00:00:00.000Z'),
	('00000000-0000-4000-8000-000000000026', 'DIAMOND', 'DEDICATED_ADVISOR', NULL, 'Your own membership advisor.', '2000-01-01T00:00:00.000Z')
ON CONFLICT ("id") DO NOTHING;
