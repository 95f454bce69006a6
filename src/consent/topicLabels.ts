import type { Channel, Topic } from './vocabulary.ts';

type Labels = Record<Topic, string>;

/** What members read for each topic, in the languages pages and footers speak. */
export const TOPIC_LABELS: Record<'en' | 'fr' | 'es', Labels> = {
  en: {
    'society-news': 'Society news',
    events: 'events',
    'internet-issues': 'Internet issues',
    'partner-offers': 'partner offers',
  },
  fr: {
    'society-news': 'les actualités de la Société',
    events: 'les événements',
    'internet-issues': 'les enjeux d’Internet',
    'partner-offers': 'les offres de partenaires',
  },
  es: {
    'society-news': 'las noticias de la Sociedad',
    events: 'los eventos',
    'internet-issues': 'los temas de Internet',
    'partner-offers': 'las ofertas de socios',
  },
};

export const CHANNEL_LABELS: Record<'en' | 'fr' | 'es', Record<Channel, string>> = {
  en: { email: 'email', postal: 'post' },
  fr: { email: 'e-mail', postal: 'courrier' },
  es: { email: 'correo electrónico', postal: 'correo postal' },
};

/** The label of a topic in a language, falling back to English. */
export function topicLabel(topic: Topic, language: string): string {
  const lang = language.slice(0, 2).toLowerCase();
  return (TOPIC_LABELS[lang as keyof typeof TOPIC_LABELS] ?? TOPIC_LABELS.en)[topic];
}
