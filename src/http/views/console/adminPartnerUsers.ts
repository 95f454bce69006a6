import { html } from 'hono/html';
import type { PartnerView } from '../../../partners/partnerAdmin.ts';
import type { PartnerUserView } from '../../../partners/partnerUsers.ts';
import { ADMIN_SECTION, adminSubnav } from './admin.ts';
import {
  csrfField,
  describedBy,
  errorList,
  fieldError,
  type Html,
  layout,
  type Viewer,
  when,
} from './layout.ts';

/** This page's own notices after a redirect (`?done=`): fixed texts, never text from the URL. */
export const PARTNER_USER_NOTICES: Record<string, string> = {
  'user-disabled': 'The user is disabled and signed out of the portal.',
  'user-enabled': 'The user is enabled again.',
};

const STATE_TEXT: Record<PartnerUserView['state'], string> = {
  invited: 'no password yet',
  active: 'active',
  locked: 'locked after failed sign-ins',
  disabled: 'disabled',
};

/** The portal users of one partner: who they are, adding one, new set-password links, disabling. */
export function partnerUsersPage(opts: {
  viewer: Viewer;
  partner: PartnerView;
  users: PartnerUserView[];
  errors: Record<string, string>;
  form: { name: string; email: string };
  /** A set-password link just issued: shown in this answer only. */
  newLink?: { userName: string; url: string; expiresAt: Date };
  notice?: string;
}): Html {
  const { viewer, partner, errors } = opts;
  const notice = opts.notice ? PARTNER_USER_NOTICES[opts.notice] : undefined;
  const base = `/console/admin/partners/${partner.id}/users`;
  return layout({
    title: `Portal users of ${partner.name}`,
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Portal users of ${partner.name}</h1>${adminSubnav('/console/admin/partners')}
<p><a href="/console/admin/partners">All partners</a></p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${partner.status === 'suspended' ? html`<p class="notice" role="status">${partner.name} is suspended: none of its users can sign in until it is approved again.</p>` : ''}
${
  opts.newLink
    ? html`<div class="notice" role="status"><p>Set-password link for ${opts.newLink.userName}. Copy it now: it is shown only this once.</p>
<p class="key">${opts.newLink.url}</p><p>Send it to the user. It works once, until ${when(opts.newLink.expiresAt)}; an earlier link of the same user no longer works.</p></div>`
    : ''
}
${
  opts.users.length === 0
    ? html`<p>No portal users yet.</p>`
    : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">State</th><th scope="col">Open link until</th><th scope="col">Actions</th></tr></thead><tbody>
${opts.users.map(
  (
    u,
  ) => html`<tr><td>${u.name}</td><td>${u.email}</td><td><span class="state">${STATE_TEXT[u.state]}</span></td><td>${when(u.setupExpiresAt)}</td>
<td><div class="actions">
<form method="post" action="${base}/${u.id}/link">${csrfField(viewer)}<button aria-label="New set-password link for ${u.name}">New set-password link</button></form>
<form method="post" action="${base}/${u.id}/${u.state === 'disabled' ? 'enable' : 'disable'}">${csrfField(viewer)}<button class="${u.state === 'disabled' ? '' : 'danger'}" aria-label="${u.state === 'disabled' ? 'Enable' : 'Disable'} ${u.name}">${u.state === 'disabled' ? 'Enable' : 'Disable'}</button></form>
</div></td></tr>`,
)}</tbody></table>`
}
<h2>Add a portal user</h2>
<p>The new user gets a one-time link to choose a password; you see the link once, here.</p>
${errorList(errors)}
<form method="post" action="${base}">${csrfField(viewer)}
<label for="name">Name</label><input type="text" id="name" name="name" required maxlength="200" value="${opts.form.name}"${describedBy(errors, 'name')}>${fieldError(errors, 'name')}
<label for="email">Email</label><input type="email" id="email" name="email" required value="${opts.form.email}"${describedBy(errors, 'email')}>${fieldError(errors, 'email')}
<div class="actions"><button>Add the user</button></div>
</form>`,
  });
}
