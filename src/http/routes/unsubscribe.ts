import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import { CHANNELS, TOPICS } from '../../consent/vocabulary.ts';
import type { Deps } from '../../deps.ts';
import { languageFromAcceptHeader, type PageLanguage, pageLanguage } from '../../unsubscribe/i18n.ts';
import {
  currentPreferences,
  type Preferences,
  preferenceKey,
  savePreferences,
} from '../../unsubscribe/preferences.ts';
import { type LinkRecipient, resolveLink } from '../../unsubscribe/resolveLink.ts';
import {
  leaveAllMailings,
  type UnsubscribingRecipient,
  undoUnsubscribe,
  unsubscribeFromTopic,
} from '../../unsubscribe/unsubscribe.ts';
import type { Mount } from '../app.ts';
import {
  confirmPage,
  invalidLinkPage,
  leftAllPage,
  preferencesPage,
  refusedPage,
  undonePage,
  unsubscribedPage,
} from '../views/memberPages.ts';

/**
 * The member's side of unsubscribing: `/u/:token` and `/p/:token`.
 *
 * - GET /u/:token shows one button and never changes anything (link scanners
 *   follow GETs).
 * - POST /u/:token with `List-Unsubscribe=One-Click` (urlencoded or
 *   multipart) is RFC 8058 one-click: the opt-out is committed, then 200, no
 *   redirect, no cookie, no auth; repeating it changes nothing more.
 * - POST /u/:token with `action` = unsubscribe | all | undo comes from our own
 *   page's buttons, and must come from our own page (see `crossSite`).
 * - GET /p/:token is the preference centre; POST saves it.
 *
 * The token is the only credential: a forged or altered one gets the 400 page
 * before any query. A seed (decoy) recipient sees every page and changes
 * nothing. Nothing here logs the token or anything about the member.
 */
export const unsubscribeRoutes: Mount = (app, deps) => {
  const society = deps.config.SOCIETY_NAME;
  const publicOrigin = new URL(deps.config.PUBLIC_URL).origin;
  const ctxFor = (language: PageLanguage) => ({ language, society });

  const show = (
    c: Context,
    status: 200 | 400 | 403,
    page: HtmlEscapedString | Promise<HtmlEscapedString>,
  ) => {
    c.header('Cache-Control', 'no-store');
    return c.html(page, status);
  };
  const badLink = (c: Context) =>
    show(c, 400, invalidLinkPage(ctxFor(languageFromAcceptHeader(c.req.header('accept-language')))));

  const resolve = async (c: Context) => {
    const resolved = await resolveLink(deps.db, deps.linkKeys, c.req.param('token') ?? '');
    return resolved.ok ? resolved.recipient : null;
  };

  app.get('/u/:token', async (c) => {
    const recipient = await resolve(c);
    if (!recipient) return badLink(c);
    const ctx = ctxFor(pageLanguage(recipient.language));
    return show(c, 200, confirmPage(ctx, c.req.param('token'), recipient.topic));
  });

  app.post('/u/:token', async (c) => {
    const recipient = await resolve(c);
    if (!recipient) return badLink(c);
    const token = c.req.param('token');
    const ctx = ctxFor(pageLanguage(recipient.language));
    const form = await readForm(c);
    const member = asMember(recipient);

    if (form?.['List-Unsubscribe'] === 'One-Click') {
      if (member) count(deps, 'one-click', await unsubscribeFromTopic(deps.db, member, 'one-click'));
      return show(c, 200, unsubscribedPage(ctx, token, recipient.topic));
    }
    if (crossSite(c, publicOrigin)) return show(c, 403, refusedPage(ctx));
    switch (form?.action) {
      case 'unsubscribe':
        if (member)
          count(deps, 'unsubscribe-link', await unsubscribeFromTopic(deps.db, member, 'unsubscribe-link'));
        return show(c, 200, unsubscribedPage(ctx, token, recipient.topic));
      case 'all':
        if (member) count(deps, 'unsubscribe-link', await leaveAllMailings(deps.db, member));
        return show(c, 200, leftAllPage(ctx, token));
      case 'undo':
        if (member) count(deps, 'unsubscribe-link', await undoUnsubscribe(deps.db, member));
        return show(c, 200, undonePage(ctx, token, recipient.topic));
      default:
        return badLink(c);
    }
  });

  app.get('/p/:token', async (c) => {
    const recipient = await resolve(c);
    if (!recipient) return badLink(c);
    const ctx = ctxFor(pageLanguage(recipient.language));
    const prefs =
      recipient.memberId === null
        ? emptyPreferences()
        : await currentPreferences(deps.db, recipient.memberId);
    return show(c, 200, preferencesPage(ctx, c.req.param('token'), prefs));
  });

  app.post('/p/:token', async (c) => {
    const recipient = await resolve(c);
    if (!recipient) return badLink(c);
    const ctx = ctxFor(pageLanguage(recipient.language));
    if (crossSite(c, publicOrigin)) return show(c, 403, refusedPage(ctx));
    const form = await readForm(c);
    if (!form) return badLink(c);
    const token = c.req.param('token');
    if (recipient.memberId === null)
      return show(c, 200, preferencesPage(ctx, token, emptyPreferences(), { saved: true }));
    const wanted: Preferences = new Map();
    for (const topic of TOPICS) {
      for (const channel of CHANNELS)
        wanted.set(preferenceKey(topic, channel), form[preferenceKey(topic, channel)] === 'on');
    }
    const written = await savePreferences(deps.db, recipient.memberId, wanted, {
      campaignId: recipient.campaignId,
    });
    count(deps, 'preference-centre', written);
    const prefs = await currentPreferences(deps.db, recipient.memberId);
    return show(c, 200, preferencesPage(ctx, token, prefs, { saved: true }));
  });
};

function asMember(recipient: LinkRecipient): UnsubscribingRecipient | null {
  return recipient.memberId === null
    ? null
    : {
        recipientId: recipient.recipientId,
        campaignId: recipient.campaignId,
        memberId: recipient.memberId,
        topic: recipient.topic,
      };
}

/** The form fields of an urlencoded or multipart body (first value of each); null if unreadable. */
async function readForm(c: Context): Promise<Record<string, string> | null> {
  try {
    const body = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(body)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string') fields[name] = first;
    }
    return fields;
  } catch {
    return null;
  }
}

/**
 * True when a browser tells us a page form was posted from another site. The
 * token already limits what such a post could do to one recipient; this keeps
 * another site from pressing "undo" or "save" for a member who opened it.
 * `Origin: null` is what browsers send under our no-referrer policy, so only a
 * real, different origin counts against the request. One-click POSTs come from
 * mail clients, not pages, and are not checked (RFC 8058).
 */
function crossSite(c: Context, publicOrigin: string): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  return origin !== undefined && origin !== 'null' && origin !== publicOrigin;
}

function emptyPreferences(): Preferences {
  const prefs: Preferences = new Map();
  for (const topic of TOPICS) for (const channel of CHANNELS) prefs.set(preferenceKey(topic, channel), false);
  return prefs;
}

function count(deps: Deps, source: string, written: number) {
  if (written > 0) deps.metrics.consentChanges.labels(source).inc(written);
}
