import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { PASSWORD_MIN } from '../../console/password.ts';
import type { PartnerOfferView } from '../../partners/offers.ts';
import type { OfferReport } from '../../partners/report.ts';

type Page = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The portal's form fields, as the browser sent them (strings), for redisplay after an error. */
export type OfferForm = Record<
  | 'title'
  | 'subject'
  | 'headline'
  | 'body'
  | 'ctaUrl'
  | 'ctaLabel'
  | 'imageUrl'
  | 'windowFrom'
  | 'windowTo'
  | 'maxRecipients'
  | 'countries'
  | 'membershipTypes'
  | 'languages',
  string
>;

/** Who is signed in, for the page header and its sign-out form. */
export interface PortalViewer {
  partnerName: string;
  userName: string;
  csrfToken: string;
}

function layout(title: string, body: Page, viewer?: PortalViewer): Page {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Partner portal</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}
input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}
textarea{min-height:10rem}
.error{color:#a40000;font-weight:400}
.notice{background:#eef6ee;border:1px solid #8ab58a;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ccc}
header form{display:flex;gap:.5rem;align-items:center}
button{font:inherit;padding:.4rem 1rem;margin-top:1rem}
header button{margin-top:0}
</style>
</head>
<body>
<header><strong>Partner portal</strong>${
    viewer
      ? html`<form method="post" action="/partner/sign-out"><input type="hidden" name="csrf" value="${viewer.csrfToken}"><span>${viewer.userName}, ${viewer.partnerName}</span> <button>Sign out</button></form>`
      : ''
  }</header>
<main>${body}</main>
</body></html>`;
}

const alert = (error?: string) => (error ? html`<p class="error" role="alert">${error}</p>` : '');
const notice = (text?: string) => (text ? html`<p class="notice" role="status">${text}</p>` : '');

export function signInPage(opts: { error?: string; notice?: string; email?: string } = {}): Page {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
${notice(opts.notice)}${alert(opts.error)}
<form method="post" action="/partner/sign-in">
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button>Sign in</button>
</form>
<p>No password yet, or forgot it? Ask the Society for a set-password link.</p>`,
  );
}

/** The page a set-password link opens: the form while the link is live, an explanation once it is not. */
export function setPasswordPage(opts: { token: string; live: boolean; error?: string }): Page {
  if (!opts.live) {
    return layout(
      'Link no longer valid',
      html`<h1>This link can no longer be used</h1>
<p>A set-password link works once, for 72 hours, and only the newest one sent to you. Ask the Society for a new link.</p>
<p><a href="/partner">Go to the sign-in page</a></p>`,
    );
  }
  return layout(
    'Choose a password',
    html`<h1>Choose your password</h1>
${alert(opts.error)}
<form method="post" action="/partner/set-password">
<input type="hidden" name="token" value="${opts.token}">
<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}" aria-describedby="password-hint"><small id="password-hint">At least ${PASSWORD_MIN} characters.</small>
<label for="confirm">New password again</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button>Set the password</button>
</form>`,
  );
}

export function offerListPage(viewer: PortalViewer, offers: PartnerOfferView[], notice?: string): Page {
  return layout(
    'Your offers',
    html`<h1>Your offers</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<p><a href="/partner/offers/new">Submit a new offer</a></p>
${
  offers.length === 0
    ? html`<p>No offers yet.</p>`
    : html`<table><thead><tr><th>Offer</th><th>State</th><th>Window</th></tr></thead><tbody>
${offers.map((o) => html`<tr><td><a href="/partner/offers/${o.id}">${o.title}</a></td><td>${o.state}</td><td>${o.sendWindow.from.slice(0, 10)} – ${o.sendWindow.to.slice(0, 10)}</td></tr>`)}
</tbody></table>`
}`,
    viewer,
  );
}

const field = (
  name: keyof OfferForm,
  label: string,
  form: Partial<OfferForm>,
  errors: Record<string, string>,
  type = 'text',
  hint = '',
) => html`<label for="${name}">${label}${errors[name] ? html` <span class="error">${errors[name]}</span>` : ''}</label>
${
  name === 'body'
    ? html`<textarea id="${name}" name="${name}">${form[name] ?? ''}</textarea>`
    : html`<input id="${name}" name="${name}" type="${type}" value="${form[name] ?? ''}">`
}${hint ? html`<small>${hint}</small>` : ''}`;

export function offerFormPage(
  viewer: PortalViewer,
  form: Partial<OfferForm>,
  errors: Record<string, string>,
): Page {
  const general = errors._ ? html`<p class="error" role="alert">${errors._}</p>` : '';
  return layout(
    'New offer',
    html`<h1>Submit an offer</h1>${general}
<form method="post" action="/partner/offers">
<input type="hidden" name="csrf" value="${viewer.csrfToken}">
${field('title', 'Title', form, errors)}
${field('subject', 'Subject line', form, errors)}
${field('headline', 'Headline', form, errors)}
${field('body', 'Body (Markdown; HTML is removed)', form, errors)}
${field('ctaUrl', 'Call-to-action link (https)', form, errors, 'url')}
${field('ctaLabel', 'Call-to-action label', form, errors)}
${field('imageUrl', 'Image URL (optional, from an allowed host)', form, errors, 'url')}
${field('windowFrom', 'Send no earlier than (UTC)', form, errors, 'datetime-local')}
${field('windowTo', 'Send no later than (UTC)', form, errors, 'datetime-local')}
${field('maxRecipients', 'Most recipients', form, errors, 'number')}
${field('countries', 'Countries (optional)', form, errors, 'text', 'Two-letter codes, comma separated, e.g. FR, DE')}
${field('membershipTypes', 'Membership types (optional)', form, errors, 'text', 'Comma separated')}
${field('languages', 'Languages (optional)', form, errors, 'text', 'Codes, comma separated, e.g. en, fr')}
<button>Submit for review</button>
</form>`,
    viewer,
  );
}

const counts = (title: string, map: Record<string, number | string>) =>
  html`<h3>${title}</h3>${
    Object.keys(map).length === 0
      ? html`<p>None yet.</p>`
      : html`<table><tbody>${Object.entries(map).map(([k, v]) => html`<tr><td>${k}</td><td>${String(v)}</td></tr>`)}</tbody></table>`
  }`;

export function offerPage(viewer: PortalViewer, offer: PartnerOfferView, report: OfferReport): Page {
  const withdrawable = ['submitted', 'in-review', 'changes-requested', 'approved', 'scheduled'].includes(
    offer.state,
  );
  return layout(
    offer.title,
    html`<p><a href="/partner/offers">All offers</a></p>
<h1>${offer.title}</h1>
<p>State: <strong>${offer.state}</strong></p>
${offer.reviewNote ? html`<p>Reviewer’s note: ${offer.reviewNote}</p>` : ''}
<dl><dt>Subject</dt><dd>${offer.subject}</dd><dt>Headline</dt><dd>${offer.headline}</dd>
<dt>Link</dt><dd>${offer.ctaUrl}</dd><dt>Window</dt><dd>${offer.sendWindow.from} – ${offer.sendWindow.to}</dd>
<dt>Most recipients</dt><dd>${String(offer.maxRecipients)}</dd></dl>
<h2>Results</h2>
<p>Counts below 10 show as “&lt;10”. The Society never shares who received your offer.</p>
<table><tbody>
<tr><td>Sent</td><td>${String(report.sent)}</td></tr>
<tr><td>Delivered</td><td>${String(report.delivered)}</td></tr>
<tr><td>Bounced</td><td>${String(report.bounced)}</td></tr>
<tr><td>Unsubscribed from partner offers</td><td>${String(report.unsubscribed)}</td></tr>
</tbody></table>
${counts('By country', report.byCountry)}
${counts('By membership type', report.byMembershipType)}
${counts('By language', report.byLanguage)}
${
  withdrawable
    ? html`<form method="post" action="/partner/offers/${offer.id}/withdraw"><input type="hidden" name="csrf" value="${viewer.csrfToken}"><button>Withdraw this offer</button></form>`
    : ''
}`,
    viewer,
  );
}
