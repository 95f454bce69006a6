/**
 * The words of the member pages (unsubscribe, preference centre) in every
 * language we answer in. A member's `language` picks the set; anything else
 * falls back to English. Placeholders are `{name}`, filled by `say`; values go
 * through the page templates, which escape them.
 */
import type { Channel, Topic } from '../consent/vocabulary.ts';

export const PAGE_LANGUAGES = ['en', 'fr', 'es'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

export interface PageStrings {
  topics: Record<Topic, string>;
  channels: Record<Channel, string>;
  confirmTitle: string;
  confirmBody: string;
  unsubscribeButton: string;
  doneTitle: string;
  doneBody: string;
  leaveAllButton: string;
  managePreferences: string;
  undoButton: string;
  allDoneTitle: string;
  allDoneBody: string;
  undoneTitle: string;
  undoneBody: string;
  preferencesTitle: string;
  preferencesIntro: string;
  receive: string;
  saveButton: string;
  savedNotice: string;
  invalidTitle: string;
  invalidBody: string;
  refusedTitle: string;
  refusedBody: string;
  footer: string;
}

const en: PageStrings = {
  topics: {
    'society-news': 'Society news',
    events: 'Events',
    'internet-issues': 'Internet issues',
    'partner-offers': 'Offers from approved partners',
  },
  channels: { email: 'Email', postal: 'Post' },
  confirmTitle: 'Unsubscribe from {topic}?',
  confirmBody: 'Press the button to stop receiving emails about {topic}. Nothing changes until you do.',
  unsubscribeButton: 'Unsubscribe',
  doneTitle: 'You are unsubscribed from {topic}',
  doneBody: 'We will not email you about {topic} again unless you ask us to.',
  leaveAllButton: 'Leave all {society} mailings',
  managePreferences: 'Manage my preferences',
  undoButton: 'Undo: keep receiving {topic}',
  allDoneTitle: 'You will receive no more mailings from {society}',
  allDoneBody: 'You have left every mailing, by email and by post. You can come back at any time.',
  undoneTitle: 'You are subscribed to {topic} again',
  undoneBody: 'Nothing else has changed.',
  preferencesTitle: 'Your mailing preferences',
  preferencesIntro: 'Tick what you want to receive. Changes take effect as soon as you save.',
  receive: 'Receive {topic} by {channel}',
  saveButton: 'Save my preferences',
  savedNotice: 'Your preferences are saved.',
  invalidTitle: 'This link is not valid',
  invalidBody:
    'It may have been cut short when it was copied. Nothing has been changed. Please use the link in the email exactly as it is, or contact us.',
  refusedTitle: 'This request came from another website',
  refusedBody: 'Nothing has been changed. Please use the buttons on our own page.',
  footer: '{society}',
};

const fr: PageStrings = {
  topics: {
    'society-news': 'Actualités de la Society',
    events: 'Événements',
    'internet-issues': "Enjeux de l'Internet",
    'partner-offers': 'Offres de partenaires agréés',
  },
  channels: { email: 'Courriel', postal: 'Courrier postal' },
  confirmTitle: 'Vous désabonner de « {topic} » ?',
  confirmBody:
    'Appuyez sur le bouton pour ne plus recevoir de courriels « {topic} ». Rien ne change tant que vous ne l’avez pas fait.',
  unsubscribeButton: 'Me désabonner',
  doneTitle: 'Vous êtes désabonné(e) de « {topic} »',
  doneBody: 'Nous ne vous écrirons plus au sujet de « {topic} », sauf si vous nous le demandez.',
  leaveAllButton: 'Ne plus recevoir aucun envoi de {society}',
  managePreferences: 'Gérer mes préférences',
  undoButton: 'Annuler : continuer à recevoir « {topic} »',
  allDoneTitle: 'Vous ne recevrez plus aucun envoi de {society}',
  allDoneBody:
    'Vous êtes désabonné(e) de tous les envois, par courriel et par courrier. Vous pouvez revenir à tout moment.',
  undoneTitle: 'Vous êtes de nouveau abonné(e) à « {topic} »',
  undoneBody: 'Rien d’autre n’a changé.',
  preferencesTitle: 'Vos préférences d’envoi',
  preferencesIntro:
    'Cochez ce que vous souhaitez recevoir. Les changements prennent effet dès l’enregistrement.',
  receive: 'Recevoir « {topic} » par {channel}',
  saveButton: 'Enregistrer mes préférences',
  savedNotice: 'Vos préférences sont enregistrées.',
  invalidTitle: 'Ce lien n’est pas valide',
  invalidBody:
    'Il a peut-être été tronqué lors d’un copier-coller. Rien n’a été modifié. Utilisez le lien du courriel tel quel, ou contactez-nous.',
  refusedTitle: 'Cette demande vient d’un autre site',
  refusedBody: 'Rien n’a été modifié. Utilisez les boutons de notre propre page.',
  footer: '{society}',
};

const es: PageStrings = {
  topics: {
    'society-news': 'Noticias de la Society',
    events: 'Eventos',
    'internet-issues': 'Cuestiones de Internet',
    'partner-offers': 'Ofertas de socios aprobados',
  },
  channels: { email: 'Correo electrónico', postal: 'Correo postal' },
  confirmTitle: '¿Darse de baja de «{topic}»?',
  confirmBody:
    'Pulse el botón para dejar de recibir correos sobre «{topic}». No cambia nada hasta que lo haga.',
  unsubscribeButton: 'Darme de baja',
  doneTitle: 'Se ha dado de baja de «{topic}»',
  doneBody: 'No le escribiremos más sobre «{topic}», salvo que nos lo pida.',
  leaveAllButton: 'Dejar todos los envíos de {society}',
  managePreferences: 'Gestionar mis preferencias',
  undoButton: 'Deshacer: seguir recibiendo «{topic}»',
  allDoneTitle: 'No recibirá más envíos de {society}',
  allDoneBody:
    'Se ha dado de baja de todos los envíos, por correo electrónico y postal. Puede volver cuando quiera.',
  undoneTitle: 'Vuelve a estar suscrito a «{topic}»',
  undoneBody: 'No ha cambiado nada más.',
  preferencesTitle: 'Sus preferencias de envío',
  preferencesIntro: 'Marque lo que desea recibir. Los cambios se aplican en cuanto guarda.',
  receive: 'Recibir «{topic}» por {channel}',
  saveButton: 'Guardar mis preferencias',
  savedNotice: 'Sus preferencias se han guardado.',
  invalidTitle: 'Este enlace no es válido',
  invalidBody:
    'Puede que se haya cortado al copiarlo. No se ha cambiado nada. Use el enlace del correo tal cual, o contáctenos.',
  refusedTitle: 'Esta solicitud viene de otro sitio web',
  refusedBody: 'No se ha cambiado nada. Use los botones de nuestra propia página.',
  footer: '{society}',
};

const STRINGS: Record<PageLanguage, PageStrings> = { en, fr, es };

/** The page language for a member's language code; English for anything we lack. */
export function pageLanguage(code: string | null | undefined): PageLanguage {
  const base = (code ?? '').trim().toLowerCase().slice(0, 2);
  return (PAGE_LANGUAGES as readonly string[]).includes(base) ? (base as PageLanguage) : 'en';
}

/** The best page language for an Accept-Language header, for pages shown before we know the member. */
export function languageFromAcceptHeader(header: string | undefined): PageLanguage {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.slice(0, 2);
    if ((PAGE_LANGUAGES as readonly string[]).includes(base)) return base as PageLanguage;
  }
  return 'en';
}

export function stringsFor(language: PageLanguage): PageStrings {
  return STRINGS[language];
}

/** Fills `{name}` placeholders; unknown names stay as they are. */
export function say(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
