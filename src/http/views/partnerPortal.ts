import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { offerInputSchema } from '../../partners/offerInput.ts';
import {
  findPartnerOffer,
  listPartnerOffers,
  partnerView,
  submitOffer,
  withdrawOffer,
} from '../../partners/offers.ts';
import {
  closePortalSession,
  csrfMatches,
  openPortalSession,
  PORTAL_SESSION_MS,
  type PortalSession,
  portalSession,
} from '../../partners/portalSession.ts';
import { offerReport } from '../../partners/report.ts';
import { principalForToken } from '../../staff/staffUsers.ts';
import type { Mount } from '../app.ts';
import { type OfferForm, offerFormPage, offerListPage, offerPage, signInPage } from './partnerPortalPages.ts';

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

/**
 * The partner portal: server-rendered pages over the same domain functions
 * as the partner API. A partner signs in with its API key once; the browser
 * then holds an HttpOnly session cookie, and every form carries the
 * session's CSRF token.
 */
export const partnerPortalRoutes: Mount = (app, deps) => {
  const now = () => deps.clock.now();
  const offerBody = offerInputSchema({ imageHosts: deps.config.OFFER_IMAGE_HOSTS, now });
  const secure = deps.config.PUBLIC_URL.startsWith('https:');

  const session = (c: Context) => portalSession(deps.db, getCookie(c, COOKIE), now());
  const noStore = (c: Context) => c.header('Cache-Control', 'no-store');

  /** The fields of a form post; null when the body is no readable form (e.g. multipart without a boundary). */
  const readForm = (c: Context) => c.req.parseBody().catch(() => null);

  /** The signed-in partner, or a redirect to the sign-in page. */
  async function signedIn(c: Context): Promise<PortalSession | Response> {
    const s = await session(c);
    return s ?? c.redirect('/partner', 303);
  }
  /** A form post from the signed-in partner with the right CSRF token. */
  async function posted(c: Context): Promise<{ s: PortalSession; form: Record<string, string> } | Response> {
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    const raw = await readForm(c);
    if (!raw) return c.text('The form could not be read.', 400);
    const form = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
    if (!csrfMatches(s, form.csrf)) return c.text('The form has expired; go back and reload it.', 403);
    return { s, form };
  }

  app.get('/partner', async (c) => {
    noStore(c);
    if (await session(c)) return c.redirect('/partner/offers', 303);
    return c.html(signInPage());
  });

  app.post('/partner/sign-in', async (c) => {
    noStore(c);
    const body = await readForm(c);
    if (!body) return c.html(signInPage('The form could not be read.'), 400);
    const { key } = body;
    const principal =
      typeof key === 'string' && /^[A-Za-z0-9_-]{10,200}$/.test(key.trim())
        ? await principalForToken(deps.db, key.trim())
        : null;
    if (principal?.kind !== 'partner') return c.html(signInPage('That key is not a valid partner key.'), 401);
    const id = await openPortalSession(deps.db, principal.partnerId, now());
    setCookie(c, COOKIE, id, {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: '/partner',
      maxAge: PORTAL_SESSION_MS / 1000,
    });
    return c.redirect('/partner/offers', 303);
  });

  app.post('/partner/sign-out', async (c) => {
    const p = await posted(c);
    if (p instanceof Response) return p;
    await closePortalSession(deps.db, getCookie(c, COOKIE)!);
    deleteCookie(c, COOKIE, { path: '/partner' });
    return c.redirect('/partner', 303);
  });

  app.get('/partner/offers', async (c) => {
    noStore(c);
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    const rows = await listPartnerOffers(deps.db, s.partnerId);
    return c.html(offerListPage(s.partnerName, s.csrfToken, rows.map(partnerView)));
  });

  app.get('/partner/offers/new', async (c) => {
    noStore(c);
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    return c.html(offerFormPage(s.partnerName, s.csrfToken, { ctaLabel: 'Learn more' }, {}));
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
      return c.html(offerFormPage(p.s.partnerName, p.s.csrfToken, form, errors), 400);
    }
    const row = await deps.db.transaction((tx) => submitOffer(tx, p.s.partnerId, parsed.data));
    return c.redirect(`/partner/offers/${row.id}`, 303);
  });

  app.get('/partner/offers/:id{[0-9]+}', async (c) => {
    noStore(c);
    const s = await signedIn(c);
    if (s instanceof Response) return s;
    const row = await findPartnerOffer(deps.db, s.partnerId, Number(c.req.param('id')));
    if (!row) return c.text('You have no such offer.', 404);
    const report = await offerReport(deps.db, row.id, row.campaignId);
    return c.html(offerPage(s.partnerName, s.csrfToken, partnerView(row), report));
  });

  app.post('/partner/offers/:id{[0-9]+}/withdraw', async (c) => {
    const p = await posted(c);
    if (p instanceof Response) return p;
    const id = Number(c.req.param('id'));
    const outcome = await withdrawOffer(deps.db, p.s.partnerId, id);
    if (outcome.type === 'not-found') return c.text('You have no such offer.', 404);
    if (outcome.type === 'illegal') return c.text(outcome.message, 409);
    return c.redirect(`/partner/offers/${id}`, 303);
  });
};
