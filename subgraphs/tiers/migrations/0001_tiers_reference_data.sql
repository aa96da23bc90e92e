-- Custom SQL migration file, put your code below! --
-- The tier ladder is reference data: it must exist before the MemberRegistered consumer
-- puts the first member in BRONZE. Mirrors TIER_LADDER in src/domain/tiers.ts (a test compares).
INSERT INTO "tiers"."tiers" ("code", "name", "rank", "min_qualifying_spend", "currency", "points_multiplier_percent", "published") VALUES
	('BRONZE', 'Bronze', 1, 0, 'CNY', 100, true),
	('SILVER', 'Silver', 2, 100000, 'CNY', 125, true),
	('GOLD', 'Gold', 3, 500000, 'CNY', 150, true),
	('PLATINUM', 'Platinum', 4, 1500000, 'CNY', 175, true),
	('DIAMOND', 'Diamond', 5, 5000000, 'CNY', 200, true)
ON CONFLICT ("code") DO NOTHING;
