import { type FooterLanguage, footerLanguage } from './footer.ts';
import { escapeHtml } from './placeholders.ts';

/** An approved offer's content, as the partner submitted it. */
export interface PartnerOffer {
  partnerName: string;
  headline: string;
  /** HTML already sanitised upstream (sanitize-html); inserted as is. */
  bodyHtml: string;
  ctaUrl: string;
  ctaLabel: string;
  imageUrl?: string | null;
  /** Default: the headline. */
  imageAlt?: string | null;
}

export interface OfferIssue {
  field: string;
  message: string;
}

export type OfferFillResult =
  | { ok: true; mjml: string }
  | { ok: false; type: 'invalid-offer'; errors: OfferIssue[] };

const DISCLOSURE: Record<FooterLanguage, (society: string, partner: string) => string> = {
  en: (society, partner) =>
    `This message is sent by ${society} on behalf of ${partner}. You receive it because you chose to hear about partner offers. ${partner} has not received your name or email address.`,
  fr: (society, partner) =>
    `Ce message vous est envoyé par ${society} pour le compte de ${partner}. Vous le recevez parce que vous avez choisi d'être informé des offres de partenaires. ${partner} n'a reçu ni votre nom ni votre adresse e-mail.`,
  es: (society, partner) =>
    `Este mensaje se lo envía ${society} en nombre de ${partner}. Lo recibe porque eligió recibir ofertas de socios. ${partner} no ha recibido su nombre ni su dirección de correo electrónico.`,
};

const SLOT = /\{\{\s*offer\.([a-z_]+)\s*\}\}/g;

/**
 * Fills an offer template's `{{offer.*}}` slots with the offer's values at
 * compile time: every value HTML-escaped (braces too, so a partner can never
 * write a placeholder) except the pre-sanitised body. The disclosure — sent
 * by the Society on behalf of the partner, because the member chose partner
 * offers — is written here, not by the partner, and a template without its
 * slot is refused.
 */
export function fillPartnerOffer(
  mjml: string,
  offer: PartnerOffer,
  { language = 'en', societyName }: { language?: string; societyName: string },
): OfferFillResult {
  const errors = checkOffer(offer);
  if (!/\{\{\s*offer\.disclosure\s*\}\}/.test(mjml)) {
    errors.push({ field: 'template', message: 'The template has no {{offer.disclosure}} slot' });
  }
  const partner = escapeHtml(offer.partnerName.trim());
  const values: Record<string, string> = {
    disclosure: DISCLOSURE[footerLanguage(language)](escapeHtml(societyName), partner),
    partner,
    headline: escapeHtml(offer.headline.trim()),
    body_html: fenceBody(offer.bodyHtml),
    cta_url: escapeHtml(offer.ctaUrl),
    cta_label: escapeHtml(offer.ctaLabel.trim()),
    image: offer.imageUrl
      ? `<mj-image src="${escapeHtml(offer.imageUrl)}" alt="${escapeHtml((offer.imageAlt ?? offer.headline).trim())}" />`
      : '',
  };
  for (const match of mjml.matchAll(SLOT)) {
    if (!Object.hasOwn(values, match[1]!)) {
      errors.push({ field: 'template', message: `Unknown slot {{offer.${match[1]}}}` });
    }
  }
  if (errors.length > 0) return { ok: false, type: 'invalid-offer', errors };
  return { ok: true, mjml: mjml.replace(SLOT, (_, slot: string) => values[slot]!) };
}

function checkOffer(offer: PartnerOffer): OfferIssue[] {
  const errors: OfferIssue[] = [];
  for (const field of ['partnerName', 'headline', 'ctaLabel'] as const) {
    if (!offer[field].trim()) errors.push({ field, message: 'must not be empty' });
  }
  if (!isWebUrl(offer.ctaUrl)) errors.push({ field: 'ctaUrl', message: 'must be an absolute http(s) URL' });
  if (offer.imageUrl && !isWebUrl(offer.imageUrl)) {
    errors.push({ field: 'imageUrl', message: 'must be an absolute http(s) URL' });
  }
  return errors;
}

function isWebUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:');
}

/**
 * The sanitised body may not close its `<mj-text>`, open MJML of its own,
 * open a comment that would swallow the footer, nor form a placeholder:
 * those characters become entities.
 */
function fenceBody(html: string): string {
  return html
    .replace(/<(\/?mj|!)/gi, '&lt;$1')
    .replace(/\{/g, '&#123;')
    .replace(/\}/g, '&#125;');
}
