import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { offerInputSchema } from '../../partners/offerInput.ts';
import {
  findPartnerOffer,
  listPartnerOffers,
  partnerView,
  submitOffer,
  withdrawOffer,
} from '../../partners/offers.ts';
import { setPasswordWithLink, setupLinkIsLive } from '../../partners/partnerUserPassword.ts';
import { signInPartnerUser } from '../../partners/partnerUserSignIn.ts';
import {
  closePortalSession,
  csrfMatches,
  PORTAL_SESSION_MS,
  type PortalSession,
  partnerUserActor,
  portalSession,
} from '../../partners/portalSession.ts';
import { offerReport } from '../../partners/report.ts';
import type { Mount } from '../app.ts';
import {
  type OfferForm,
  offerFormPage,
  offerListPage,
  offerPage,
  type PortalViewer,
  setPasswordPage,
  signInPage,
} from '../views/partnerPortalPages.ts';

const COOKIE = 'partner_session';
const FORM_FIELDS = [
  'title',
  'subject',
  'headline',
  'body',
  'ctaUrl',
  'ctaLabel',
  'imageUrl',
  'windowFrom',
  'windowTo',
  'maxRecipients',
  'countries',
  'membershipTypes',
  'languages',
] as const satisfies readonly (keyof OfferForm)[];

/** Where an API field's error shows on the form. */
const FORM_FIELD_OF: Record<string, keyof OfferForm> = {
  'sendWindow.from': 'windowFrom',
  'sendWindow.to': 'windowTo',
  sendWindow: 'windowTo',
  'targeting.countries': 'countries',
  'targeting.membershipTypes': 'membershipTypes',
  'targeting.languages': 'languages',
};

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
/** A datetime-local value is read as UTC, as the form says. */
const utc = (v: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.length === 16 ? `${v}:00` : v}Z` : v;

/** The portal form as the API's offer input. */
function toOfferInput(form: OfferForm) {
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  const targeting: Record<string, string[]> = {};
  if (list(form.countries).length) targeting.countries = list(form.countries).map((c) => c.toUpperCase());
  if (list(form.membershipTypes).length) targeting.membershipTypes = list(form.membershipTypes);
  if (list(form.languages).length) targeting.languages = list(form.languages).map((l) => l.toLowerCase());
  return {
    title: form.title,
    subject: form.subject,
    headline: form.headline,
    body: form.body,
    ctaUrl: form.ctaUrl,
    ctaLabel: optional(form.ctaLabel),
    imageUrl: optional(form.imageUrl),
    sendWindow: { from: utc(form.windowFrom), to: utc(form.windowTo) },
    maxRecipients: form.maxRecipients.trim() === '' ? Number.NaN : Number(form.maxRecipients),
    targeting,
  };
}

/** A row id from the path; beyond what a bigint column holds it is no id at all. */
const idOf = (v: string | undefined) => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** Notices shown after a redirect, by `?done=`. */
const NOTICES: Record<string, string> = {
  'password-set': 'Your password is set. Sign in with it.',
  'signed-out': 'You are signed out.',
};

/**
 * The partner portal: server-rendered pages over the same domain functions
 * as the partner API. A partner user signs in with email and password (set
 * through a one-time link from the Society); the browser then holds an
 * HttpOnly session cookie. Forms are protected twice, as in the console:
 * an Origin check on every post, and the session's CSRF token in every form
 * of a signed-in user. API keys are for the partner API only.
 */
export const partnerPortalRoutes: Mount = (app, deps) => {
  const now = () => deps.clock.now();
  const offerBody = offerInputSchema({ imageHosts: deps.config.OFFER_IMAGE_HOSTS, now });
  const secure = deps.config.PUBLIC_URL.startsWith('https:');
  const publicOrigin = new URL(deps.config.PUBLIC_URL).origin;

  app.use(
    '/partner/*',
    csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin }),
  );

  const session = (c: Context) => portalSession(deps.db, getCookie(c, COOKIE), now());
  const noStore = (c: Context) => c.header('Cache-Control', 'no-store');
  const viewerOf = (s: PortalSession): PortalViewer => ({
    partnerName: s.partnerName,
    userName: s.userName,
    csrfToken: s.csrfToken,
  });
  const notice = (c: Context) => NOTICES[c.req.query('done') ?? ''];

  /** The fields of a form post as strings; null when the body is no readable form (e.g. multipart without a boundary). */
  const readForm = async (c: Context): Promise<Record<string, string> | null> => {
    const raw = await c.req.parseBody().catch(() => null);
    if (!raw) return null;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
  };

  /** The signed-in partner user, or a redirect to the sign-in page. */
  async function signedIn(c: Context): Promise<PortalSession | Response> {
    const s = await session(c);
    return s ?? c.redirect('/partner', 303);
  }
  /** A form post from the signed-in partner user with the right CSRF token. */
  async function posted(c: Context): Promise<{ s: PortalSession; form: Record<string, string> } | Response> {
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    const form = await readForm(c);
    if (!form) return c.text('The form could not be read.', 400);
    if (!csrfMatches(s, form.csrf)) return c.text('The form has expired; go back and reload it.', 403);
    return { s, form };
  }

  app.get('/partner', async (c) => {
    noStore(c);
    if (await session(c)) return c.redirect('/partner/offers', 303);
    return c.html(signInPage({ notice: notice(c) }));
  });

  app.post('/partner/sign-in', async (c) => {
    noStore(c);
    const body = await readForm(c);
    if (!body) return c.html(signInPage({ error: 'The form could not be read.' }), 400);
    const email = (body.email ?? '').trim().slice(0, 254);
    // Passwords are taken as typed: spaces count.
    const password = (body.password ?? '').slice(0, 1024);
    if (!email || !password) {
      const missing = !email ? 'email address' : 'password';
      return c.html(signInPage({ error: `Enter your ${missing}.`, email }), 400);
    }
    const outcome = await signInPartnerUser(deps.db, { email, password }, now());
    if (outcome.type === 'locked') {
      const minutes = Math.max(1, Math.ceil((outcome.until.getTime() - now().getTime()) / 60_000));
      const error = `Too many failed attempts: this account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}. Try again later, or ask the Society.`;
      return c.html(signInPage({ error, email }), 403);
    }
    if (outcome.type === 'refused') {
      return c.html(signInPage({ error: 'That email address and password do not match.', email }), 401);
    }
    setCookie(c, COOKIE, outcome.sessionId, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/partner',
      maxAge: PORTAL_SESSION_MS / 1000,
    });
    return c.redirect('/partner/offers', 303);
  });

  app.get('/partner/set-password', async (c) => {
    noStore(c);
    const token = c.req.query('token') ?? '';
    const live = await setupLinkIsLive(deps.db, token, now());
    return c.html(setPasswordPage({ token, live }), live ? 200 : 410);
  });

  app.post('/partner/set-password', async (c) => {
    noStore(c);
    const form = await readForm(c);
    if (!form) return c.text('The form could not be read.', 400);
    const token = form.token ?? '';
    const password = form.password ?? '';
    if (password !== (form.confirm ?? '')) {
      const live = await setupLinkIsLive(deps.db, token, now());
      return c.html(
        setPasswordPage({ token, live, error: 'The two passwords differ: type the same one twice.' }),
        live ? 400 : 410,
      );
    }
    const outcome = await setPasswordWithLink(deps.db, token, password, now());
    if (outcome.type === 'invalid-link') return c.html(setPasswordPage({ token, live: false }), 410);
    if (outcome.type === 'weak') {
      return c.html(
        setPasswordPage({ token, live: true, error: `Choose a stronger password: ${outcome.message}.` }),
        400,
      );
    }
    return c.redirect('/partner?done=password-set', 303);
  });

  app.post('/partner/sign-out', async (c) => {
    const p = await posted(c);
    if (p instanceof Response) return p;
    await closePortalSession(deps.db, getCookie(c, COOKIE)!);
    deleteCookie(c, COOKIE, { path: '/partner', secure });
    return c.redirect('/partner?done=signed-out', 303);
  });

  app.get('/partner/offers', async (c) => {
    noStore(c);
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    const rows = await listPartnerOffers(deps.db, s.partnerId);
    return c.html(offerListPage(viewerOf(s), rows.map(partnerView)));
  });

  app.get('/partner/offers/new', async (c) => {
    noStore(c);
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    return c.html(offerFormPage(viewerOf(s), { ctaLabel: 'Learn more' }, {}));
  });

  app.post('/partner/offers', async (c) => {
    noStore(c);
    const p = await posted(c);
    if (p instanceof Response) return p;
    const form = Object.fromEntries(FORM_FIELDS.map((f) => [f, p.form[f] ?? ''])) as OfferForm;
    const parsed = offerBody.safeParse(toOfferInput(form));
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join('.');
        const key =
          FORM_FIELD_OF[path] ?? FORM_FIELD_OF[path.split('.').slice(0, 2).join('.')] ?? path.split('.')[0];
        const at = key && (FORM_FIELDS as readonly string[]).includes(key) ? key : '_';
        errors[at] ??= issue.message;
      }
      return c.html(offerFormPage(viewerOf(p.s), form, errors), 400);
    }
    const row = await deps.db.transaction((tx) =>
      submitOffer(tx, p.s.partnerId, parsed.data, partnerUserActor(p.s.userId)),
    );
    return c.redirect(`/partner/offers/${row.id}`, 303);
  });

  app.get('/partner/offers/:id{[0-9]{1,15}}', async (c) => {
    noStore(c);
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    const id = idOf(c.req.param('id'));
    const row = id === undefined ? undefined : await findPartnerOffer(deps.db, s.partnerId, id);
    if (!row) return c.text('You have no such offer.', 404);
    const report = await offerReport(deps.db, row.id, row.campaignId);
    return c.html(offerPage(viewerOf(s), partnerView(row), report));
  });

  app.post('/partner/offers/:id{[0-9]{1,15}}/withdraw', async (c) => {
    const p = await posted(c);
    if (p instanceof Response) return p;
    const id = idOf(c.req.param('id'));
    if (id === undefined) return c.text('You have no such offer.', 404);
    const outcome = await withdrawOffer(deps.db, p.s.partnerId, id, partnerUserActor(p.s.userId));
    if (outcome.type === 'not-found') return c.text('You have no such offer.', 404);
    if (outcome.type === 'illegal') return c.text(outcome.message, 409);
    return c.redirect(`/partner/offers/${id}`, 303);
  });
};
