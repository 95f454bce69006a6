import { escapeHtml } from './placeholders.ts';
import type { FooterSettings } from './types.ts';

/** Languages the footer (and the partner disclosure) are written in. */
export const FOOTER_LANGUAGES = ['en', 'fr', 'es'] as const;
export type FooterLanguage = (typeof FOOTER_LANGUAGES)[number];

interface Wording {
  why: (society: string, topic: string) => string;
  unsubscribe: (topic: string) => string;
  preferences: string;
  nameFallback: string;
}

const WORDING: Record<FooterLanguage, Wording> = {
  en: {
    why: (society, topic) =>
      `You receive this because you are a member of ${society} and chose to receive ${topic} by email.`,
    unsubscribe: (topic) => `Unsubscribe from ${topic} in one click`,
    preferences: 'Manage your email preferences',
    nameFallback: 'member',
  },
  fr: {
    why: (society, topic) =>
      `Vous recevez ce message parce que vous êtes membre de ${society} et avez choisi de recevoir ${topic} par e-mail.`,
    unsubscribe: (topic) => `Ne plus recevoir ${topic} (désabonnement en un clic)`,
    preferences: 'Gérer vos préférences de messages',
    nameFallback: 'membre',
  },
  es: {
    why: (society, topic) =>
      `Recibe este mensaje porque es miembro de ${society} y eligió recibir ${topic} por correo electrónico.`,
    unsubscribe: (topic) => `Dejar de recibir ${topic} (baja con un clic)`,
    preferences: 'Gestionar sus preferencias de correo',
    nameFallback: 'miembro',
  },
};

/** The footer language for a content language: its own if written, else English. */
export function footerLanguage(language: string): FooterLanguage {
  const primary = language.toLowerCase().split('-')[0]!;
  return (FOOTER_LANGUAGES as readonly string[]).includes(primary) ? (primary as FooterLanguage) : 'en';
}

export function nameFallback(language: string): string {
  return WORDING[footerLanguage(language)].nameFallback;
}

// Colours are set on the elements, not through mj-attributes, so no template
// can restyle the footer away: #3f3f46 and #1d4ed8 on #f4f4f5 are 9.6:1 and 6.1:1.
const TEXT =
  'color="#3f3f46" font-family="Helvetica, Arial, sans-serif" font-size="13px" line-height="1.6" align="left"';
const LINK = 'style="color:#1d4ed8;text-decoration:underline"';

/**
 * The mandatory footer as an `<mj-section>`. Placeholders for the links stay
 * in place for the per-recipient join. Kept on one line to leave the line
 * numbers of the content it follows untouched.
 */
export function footerMjml(language: string, topicLabel: string, settings: FooterSettings): string {
  const lang = footerLanguage(language);
  const w = WORDING[lang];
  const society = escapeHtml(settings.societyName);
  const topic = escapeHtml(topicLabel);
  const address = settings.postalAddress
    .split(/\r?\n/)
    .map((line) => escapeHtml(line.trim()))
    .filter(Boolean)
    .join('<br />');
  const paragraphs = [
    `<p style="margin:0 0 12px">${w.why(society, topic)}</p>`,
    `<p style="margin:0 0 4px"><a href="{{unsubscribe_url}}" ${LINK}>${w.unsubscribe(topic)}</a></p>`,
    `<p style="margin:0 0 12px"><a href="{{preferences_url}}" ${LINK}>${w.preferences}</a></p>`,
    `<p style="margin:0">${society}<br />${address}</p>`,
  ].join('');
  return (
    `<mj-section background-color="#f4f4f5" padding="24px 0"><mj-column>` +
    `<mj-text ${TEXT} padding="0 24px"><div lang="${lang}">${paragraphs}</div></mj-text>` +
    `</mj-column></mj-section>`
  );
}

/**
 * What must survive compiling, in the visible HTML and in the text, for the
 * footer to count as shown. `textPlaceholder` writes a placeholder as the
 * text part carries it.
 */
export function footerMarks(
  settings: FooterSettings,
  textPlaceholder: (name: string) => string,
): { html: string[]; text: string[] } {
  const lastLine =
    settings.postalAddress
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? '';
  return {
    html: ['href="{{unsubscribe_url}}"', 'href="{{preferences_url}}"', escapeHtml(lastLine)],
    text: [textPlaceholder('unsubscribe_url'), textPlaceholder('preferences_url'), lastLine],
  };
}
