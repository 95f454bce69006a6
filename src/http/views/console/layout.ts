import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { hasRole, type Role } from '../../../staff/roles.ts';
import type { StaffPrincipal } from '../../../staff/staffUsers.ts';

/** What a view returns: escaped HTML, possibly still being produced. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The signed-in person a page is drawn for. */
export interface Viewer {
  staff: StaffPrincipal;
  csrfToken: string;
}

const SECTIONS: { href: string; label: string; role: Role }[] = [
  { href: '/console/campaigns', label: 'Campaigns', role: 'editor' },
  { href: '/console/members', label: 'Members', role: 'editor' },
  { href: '/console/offers', label: 'Offers', role: 'editor' },
  { href: '/console/admin', label: 'Administration', role: 'admin' },
];

/** The hidden field every console form carries. */
export const csrfField = (v: Viewer) => html`<input type="hidden" name="csrf" value="${v.csrfToken}">`;

/** Fixed notices a redirect may ask for (`?done=`): never text from the URL itself. */
export const NOTICES: Record<string, string> = {
  created: 'The draft is saved.',
  saved: 'Your changes are saved.',
  'test-sent': 'The test message is on its way to your address.',
  scheduled: 'The campaign is scheduled.',
  unscheduled: 'The campaign is back to draft.',
  paused: 'The campaign is paused.',
  resumed: 'Sending has resumed.',
  cancelled: 'The campaign is cancelled.',
  deleted: 'The draft is deleted.',
  recorded: 'The request is recorded.',
  corrected: 'The member’s details are corrected.',
  reviewed: 'The review decision is recorded.',
  'offer-scheduled': 'The offer is scheduled as a campaign.',
  'partner-created': 'The partner is added.',
  'partner-status': 'The partner’s status is changed.',
  'key-revoked': 'The key is revoked.',
  'password-set': 'Your password is set. Sign in with it.',
  'signed-out': 'You are signed out.',
  'staff-created': 'The staff account is created.',
};

export function layout(opts: {
  title: string;
  viewer?: Viewer;
  section?: string;
  notice?: string | undefined;
  body: Html;
}): Html {
  const { title, viewer, section, notice, body } = opts;
  const message = notice ? NOTICES[notice] : undefined;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Staff console</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site"><div class="bar">
<span class="brand">Society mailer</span>
${
  viewer
    ? html`<nav aria-label="Console sections"><ul>${SECTIONS.filter((s) =>
        hasRole(viewer.staff.role, s.role),
      ).map(
        (s) =>
          html`<li><a href="${s.href}"${s.href === section ? raw(' aria-current="page"') : ''}>${s.label}</a></li>`,
      )}</ul></nav>
<div class="who"><span>${viewer.staff.name} (${viewer.staff.role})</span>
<form method="post" action="/console/sign-out">${csrfField(viewer)}<button>Sign out</button></form></div>`
    : ''
}
</div></header>
<main id="main">
${message ? html`<p class="notice" role="status">${message}</p>` : ''}
${body}
</main>
</body>
</html>`;
}

/** A list of problems at the top of a form. */
export function errorList(errors: Record<string, string>): Html | string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return html`<div class="errors" role="alert"><p>Please correct the following:</p><ul>${entries.map(
    ([field, message]) =>
      html`<li>${field === '_' ? message : html`<a href="#${field}">${label(field)}</a>: ${message}`}</li>`,
  )}</ul></div>`;
}

const label = (field: string) => field.replace(/([A-Z])/g, ' $1').toLowerCase();

/** The error beside a field, if any, tied to it by aria-describedby. */
export function fieldError(errors: Record<string, string>, field: string): Html | string {
  return errors[field] ? html`<span class="error" id="${field}-error">${errors[field]}</span>` : '';
}

export const describedBy = (errors: Record<string, string>, field: string) =>
  errors[field] ? raw(` aria-describedby="${field}-error" aria-invalid="true"`) : '';

export const selected = (on: boolean) => (on ? raw(' selected') : '');
export const checked = (on: boolean) => (on ? raw(' checked') : '');

/** A date and time for people: 2026-03-01 09:00 UTC. */
export function when(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const iso = new Date(d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function forbiddenPage(viewer: Viewer, role: Role): Html {
  return layout({
    title: 'Not allowed',
    viewer,
    body: html`<h1>Not allowed</h1><p>This page needs the ${role} role; you are signed in as ${viewer.staff.role}. Ask an administrator if you need it.</p>`,
  });
}

export function expiredFormPage(viewer: Viewer | undefined): Html {
  return layout({
    title: 'Form expired',
    viewer,
    body: html`<h1>The form has expired</h1><p>Nothing was changed. Go back, reload the page and try again.</p>`,
  });
}

export function notFoundPage(viewer: Viewer, what: string): Html {
  return layout({
    title: 'Not found',
    viewer,
    body: html`<h1>Not found</h1><p>There is no such ${what}.</p>`,
  });
}
