import { html } from 'hono/html';
import { ROLES } from '../../../staff/roles.ts';
import type { StaffTokenView, StaffView } from '../../../staff/staffAdmin.ts';
import { ADMIN_SECTION, adminSubnav } from './admin.ts';
import {
  csrfField,
  describedBy,
  errorList,
  fieldError,
  type Html,
  layout,
  selected,
  type Viewer,
  when,
} from './layout.ts';

/** Fixed notices a redirect on these pages may ask for (`?done=`). */
const STAFF_NOTICES: Record<string, string> = {
  role: 'The role is changed.',
  disabled: 'The account is disabled: its sessions are ended and its API tokens revoked.',
  enabled: 'The account is enabled again.',
  unlocked: 'The account is unlocked.',
  'sso-unlinked':
    'The account is not linked to single sign-on any more: the next single sign-on with its email address links it again.',
  'token-revoked': 'The token is revoked.',
};

export const staffNotice = (done: string | undefined) =>
  done && STAFF_NOTICES[done] ? html`<p class="notice" role="status">${STAFF_NOTICES[done]}</p>` : '';

/** A secret shown in this answer only: it is never stored in clear. */
export type ShownOnce =
  | { kind: 'link'; name: string; url: string; expiresAt: Date }
  | { kind: 'token'; name: string; label: string; token: string };

function shownOnce(s: ShownOnce | undefined): Html | string {
  if (!s) return '';
  if (s.kind === 'token') {
    return html`<div class="notice" role="status"><p>New API token “${s.label}” for ${s.name}. Copy it now: it is shown only this once.</p><p class="key">${s.token}</p></div>`;
  }
  return html`<div class="notice" role="status"><p>Give ${s.name} this link to set their password. Copy it now: it is shown only this once, works once, and expires ${when(s.expiresAt)}.</p>
<p class="key">${s.url}</p></div>`;
}

const state = (s: StaffView, now: Date) => {
  const parts: string[] = [s.disabled ? 'disabled' : 'enabled'];
  if (s.lockedUntil && s.lockedUntil > now) parts.push(`locked until ${when(s.lockedUntil)}`);
  if (!s.hasPassword) parts.push('no password yet');
  return parts.join(', ');
};

export interface NewStaffForm {
  name: string;
  email: string;
  role: string;
}

export function staffListPage(opts: {
  viewer: Viewer;
  staff: StaffView[];
  now: Date;
  errors?: Record<string, string>;
  form?: NewStaffForm;
  shown?: ShownOnce;
  done?: string;
}): Html {
  const { viewer, now } = opts;
  const errors = opts.errors ?? {};
  const form = opts.form ?? { name: '', email: '', role: 'editor' };
  return layout({
    title: 'Staff',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Staff</h1>${adminSubnav('/console/admin/staff')}${staffNotice(opts.done)}${shownOnce(opts.shown)}
<table aria-labelledby="staff-heading"><caption id="staff-heading">Staff accounts</caption><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Last sign-in</th></tr></thead><tbody>
${opts.staff.map(
  (s) =>
    html`<tr><td><a href="/console/admin/staff/${s.id}">${s.name}</a></td><td>${s.email}</td><td>${s.role}</td><td>${state(s, now)}</td><td>${when(s.lastSignInAt)}</td></tr>`,
)}</tbody></table>
<h2>Add a staff member</h2>
<p>They get no password: you are shown a link, once, that they open to choose one. The link works once and expires after three days.</p>
${errorList(errors)}
<form method="post" action="/console/admin/staff">${csrfField(viewer)}
<label for="name">Name</label><input type="text" id="name" name="name" required maxlength="200" value="${form.name}"${describedBy(errors, 'name')}>${fieldError(errors, 'name')}
<label for="email">Email</label><input type="email" id="email" name="email" required value="${form.email}"${describedBy(errors, 'email')}>${fieldError(errors, 'email')}
<label for="role">Role</label><select id="role" name="role"${describedBy(errors, 'role')}>${roleOptions(form.role)}</select>${fieldError(errors, 'role')}
<div class="actions"><button>Add the staff member</button></div>
</form>`,
  });
}

const roleOptions = (current: string) =>
  ROLES.map((r) => html`<option value="${r}"${selected(r === current)}>${r}</option>`);

export function staffDetailPage(opts: {
  viewer: Viewer;
  staff: StaffView;
  tokens: StaffTokenView[];
  now: Date;
  error?: string;
  errors?: Record<string, string>;
  shown?: ShownOnce;
  done?: string;
}): Html {
  const { viewer, staff: s, now } = opts;
  const errors = opts.errors ?? {};
  const base = `/console/admin/staff/${s.id}`;
  const locked = s.lockedUntil !== null && s.lockedUntil > now;
  return layout({
    title: s.name,
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>${s.name}</h1>${adminSubnav('/console/admin/staff')}${staffNotice(opts.done)}${shownOnce(opts.shown)}
${opts.error ? html`<div class="errors" role="alert"><p>${opts.error}</p></div>` : ''}
<dl class="facts"><dt>Email</dt><dd>${s.email}</dd><dt>Role</dt><dd>${s.role}</dd><dt>State</dt><dd>${state(s, now)}</dd>
<dt>Single sign-on</dt><dd>${s.ssoLinked ? 'linked' : 'not linked'}</dd>
<dt>Last sign-in</dt><dd>${when(s.lastSignInAt)}</dd><dt>Added</dt><dd>${when(s.createdAt)}</dd></dl>
<h2>Role</h2>
<form method="post" action="${base}/role">${csrfField(viewer)}
<label for="role">Role</label><select id="role" name="role"${describedBy(errors, 'role')}>${roleOptions(s.role)}</select>${fieldError(errors, 'role')}
<div class="actions"><button>Change the role</button></div></form>
<h2>Access</h2>
<div class="actions">
<form method="post" action="${base}/disabled">${csrfField(viewer)}<input type="hidden" name="disabled" value="${s.disabled ? 'false' : 'true'}">
<button${s.disabled ? '' : html` class="danger"`}>${s.disabled ? 'Enable the account' : 'Disable the account (ends sessions, revokes API tokens)'}</button></form>
${locked ? html`<form method="post" action="${base}/unlock">${csrfField(viewer)}<button>Unlock the account</button></form>` : ''}
${s.disabled ? '' : html`<form method="post" action="${base}/password-link">${csrfField(viewer)}<button>Make a new password link</button></form>`}
</div>
${
  s.ssoLinked
    ? html`<h2>Single sign-on</h2>
<p>This account is linked to one person at the identity provider: only they open it by single sign-on. Unlink it after a move to a new identity provider; the next single sign-on with its email address links it again.</p>
<form method="post" action="${base}/unlink-sso">${csrfField(viewer)}<div class="actions"><button class="danger">Unlink single sign-on</button></div></form>`
    : ''
}
<h2 id="tokens-heading">API tokens</h2>
${
  opts.tokens.length === 0
    ? html`<p>No API tokens.</p>`
    : html`<table aria-labelledby="tokens-heading"><thead><tr><th scope="col">Token</th><th scope="col">Issued</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead><tbody>
${opts.tokens.map(
  (
    k,
  ) => html`<tr><td>${k.label} <span class="hint">#${k.id}</span></td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td>
<td>${k.revokedAt ? `revoked ${when(k.revokedAt)}` : html`<form method="post" action="${base}/tokens/${k.id}/revoke">${csrfField(viewer)}<button class="danger" aria-label="Revoke token ${k.label} #${k.id}">Revoke</button></form>`}</td></tr>`,
)}</tbody></table>`
}
${
  s.disabled
    ? ''
    : html`<form method="post" action="${base}/tokens">${csrfField(viewer)}
<label for="label">Token label</label><input type="text" id="label" name="label" required maxlength="100" value="api"${describedBy(errors, 'label')}>${fieldError(errors, 'label')}
<div class="actions"><button>Issue an API token</button></div></form>`
}`,
  });
}

/** The words for a refused change of the last enabled admin. */
export const lastAdminMessage = (name: string, change: 'demote' | 'disable') =>
  `${name} is the last enabled admin and cannot be ${change === 'demote' ? 'given another role' : 'disabled'}: make someone else an admin first.`;
