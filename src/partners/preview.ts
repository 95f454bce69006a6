import type { Config } from '../config/loadConfig.ts';
import type { offers } from '../db/schema.ts';
import {
  compileCampaign,
  fillPartnerOffer,
  loadTemplate,
  renderFor,
  renderSubject,
} from '../templates/index.ts';
import { renderOfferMarkdown } from './markdown.ts';

type Offer = Pick<
  typeof offers.$inferSelect,
  'headline' | 'bodyMarkdown' | 'ctaUrl' | 'ctaLabel' | 'imageUrl' | 'subject'
>;

/** A problem that stops an offer from becoming a mailing, for staff. */
export type OfferContentProblem = { type: 'invalid-content'; message: string };

/** The topic label of partner offers in the footer: "you chose to receive partner offers by email". */
const TOPIC_LABEL = 'partner offers';

/**
 * The offer as campaign MJML: the Society's partner-offer template filled
 * with the offer (body from Markdown, sanitised) and the fixed disclosure.
 */
export async function offerMjml(
  offer: Offer,
  partnerName: string,
  societyName: string,
): Promise<{ ok: true; mjml: string } | ({ ok: false } & OfferContentProblem)> {
  const template = await loadTemplate('partner-offer');
  if (!template.ok)
    return { ok: false, type: 'invalid-content', message: 'the partner-offer template is missing' };
  const filled = fillPartnerOffer(
    template.mjml,
    {
      partnerName,
      headline: offer.headline,
      bodyHtml: renderOfferMarkdown(offer.bodyMarkdown),
      ctaUrl: offer.ctaUrl,
      ctaLabel: offer.ctaLabel,
      imageUrl: offer.imageUrl,
    },
    { language: 'en', societyName },
  );
  if (!filled.ok) {
    return {
      ok: false,
      type: 'invalid-content',
      message: filled.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    };
  }
  return { ok: true, mjml: filled.mjml };
}

/**
 * The offer as a member would get it, rendered for a sample member with
 * placeholder links: what a reviewer approves.
 */
export async function renderOfferPreview(
  offer: Offer,
  partnerName: string,
  config: Pick<Config, 'SOCIETY_NAME' | 'SOCIETY_POSTAL_ADDRESS' | 'PUBLIC_URL'>,
): Promise<
  { ok: true; subject: string; html: string; text: string } | ({ ok: false } & OfferContentProblem)
> {
  const filled = await offerMjml(offer, partnerName, config.SOCIETY_NAME);
  if (!filled.ok) return filled;
  const compiled = await compileCampaign({
    mjml: filled.mjml,
    language: 'en',
    topicLabel: TOPIC_LABEL,
    footer: { societyName: config.SOCIETY_NAME, postalAddress: config.SOCIETY_POSTAL_ADDRESS },
  });
  if (!compiled.ok) {
    const message =
      compiled.type === 'footer-hidden'
        ? compiled.message
        : compiled.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ');
    return { ok: false, type: 'invalid-content', message };
  }
  const rendered = renderFor(compiled.template, {
    name: 'Sample Member',
    unsubscribeUrl: `${config.PUBLIC_URL}/u/preview-only`,
    preferencesUrl: `${config.PUBLIC_URL}/p/preview-only`,
  });
  return { ok: true, subject: renderSubject(offer.subject, { name: 'Sample Member' }), ...rendered };
}
