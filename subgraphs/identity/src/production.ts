import { keyedLoader } from '@membership/subgraph';
import { cardSigner, type CardSigner } from './card-token.js';
import { CardsRepository } from './db/cards-repository.js';
import { newMemberNumber, type MemberCardRow } from './domain/card.js';
import type { MemberDataScope } from './domain/scope.js';
import type { IdentitySettings } from './services.js';

/** Per request: member cards (issued on first request, batched) and what signs their QR tokens. */
export function productionContext(settings: IdentitySettings, scope: MemberDataScope) {
  const cards = new CardsRepository(settings.db, scope);
  return {
    cards: keyedLoader<MemberCardRow | null>((ids) => cards.cardsFor(ids, newMemberNumber, settings.now()), null),
    tiers: keyedLoader<string | null>((ids) => cards.tiersFor(ids), null),
    cardSigner: cardSigner(settings.env.IDENTITY_SIGNING_KEY) as CardSigner,
    cardTtlSeconds: settings.env.CARD_QR_TTL_SECONDS,
  };
}

export type ProductionContext = ReturnType<typeof productionContext>;
