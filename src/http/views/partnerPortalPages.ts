import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
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

function layout(title: string, body: Page, partnerName?: string, csrf?: string): Page {
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
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem;border-bottom:1px solid #ddd}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ccc}
button{font:inherit;padding:.4rem 1rem;margin-top:1rem}
</style>
</head>
<body>
<header><strong>Partner portal</strong>${
    partnerName
      ? html`<form method="post" action="/partner/sign-out"><input type="hidden" name="csrf" value="${csrf}"><span>${partnerName}</span> <button>Sign out</button></form>`
      : ''
  }</header>
<main>${body}</main>
</body></html>`;
}

export function signInPage(error?: string): Page {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p>Paste the API key the Society gave you.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/partner/sign-in">
<label for="key">API key</label><input id="key" name="key" type="password" autocomplete="off" required>
<button>Sign in</button>
</form>`,
  );
}

export function offerListPage(partnerName: string, csrf: string, offers: PartnerOfferView[]): Page {
  return layout(
    'Your offers',
    html`<h1>Your offers</h1>
<p><a href="/partner/offers/new">Submit a new offer</a></p>
${
  offers.length === 0
    ? html`<p>No offers yet.</p>`
    : html`<table><thead><tr><th>Offer</th><th>State</th><th>Window</th></tr></thead><tbody>
${offers.map((o) => html`<tr><td><a href="/partner/offers/${o.id}">${o.title}</a></td><td>${o.state}</td><td>${o.sendWindow.from.slice(0, 10)} – ${o.sendWindow.to.slice(0, 10)}</td></tr>`)}
</tbody></table>`
}`,
    partnerName,
    csrf,
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
  partnerName: string,
  csrf: string,
  form: Partial<OfferForm>,
  errors: Record<string, string>,
): Page {
  const general = errors._ ? html`<p class="error" role="alert">${errors._}</p>` : '';
  return layout(
    'New offer',
    html`<h1>Submit an offer</h1>${general}
<form method="post" action="/partner/offers">
<input type="hidden" name="csrf" value="${csrf}">
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
    partnerName,
    csrf,
  );
}

const counts = (title: string, map: Record<string, number | string>) =>
  html`<h3>${title}</h3>${
    Object.keys(map).length === 0
      ? html`<p>None yet.</p>`
      : html`<table><tbody>${Object.entries(map).map(([k, v]) => html`<tr><td>${k}</td><td>${String(v)}</td></tr>`)}</tbody></table>`
  }`;

export function offerPage(
  partnerName: string,
  csrf: string,
  offer: PartnerOfferView,
  report: OfferReport,
): Page {
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
    ? html`<form method="post" action="/partner/offers/${offer.id}/withdraw"><input type="hidden" name="csrf" value="${csrf}"><button>Withdraw this offer</button></form>`
    : ''
}`,
    partnerName,
    csrf,
  );
}
