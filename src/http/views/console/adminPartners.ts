import { html } from 'hono/html';
import type { PartnerView } from '../../../partners/partnerAdmin.ts';
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

type KeyView = {
  id: number;
  label: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

export function partnersPage(opts: {
  viewer: Viewer;
  partners: (PartnerView & { keys: KeyView[]; userCount: number })[];
  errors: Record<string, string>;
  form: { name: string; contactEmail: string };
  newKey?: { partnerName: string; key: string };
  notice?: string;
}): Html {
  const { viewer, errors } = opts;
  return layout({
    title: 'Partners and keys',
    viewer,
    section: ADMIN_SECTION,
    notice: opts.notice,
    body: html`<h1>Partners and keys</h1>${adminSubnav('/console/admin/partners')}
${
  opts.newKey
    ? html`<div class="notice" role="status"><p>New key for ${opts.newKey.partnerName}. Copy it now: it is shown only this once.</p>
<p class="key">${opts.newKey.key}</p><p>The partner uses it as a bearer token on the partner API. People of the partner sign in to the <a href="/partner">partner portal</a> with their own email and password: add them under its portal users.</p></div>`
    : ''
}
${opts.partners.map(
  (
    p,
  ) => html`<section aria-labelledby="partner-${p.id}"><h2 id="partner-${p.id}">${p.name} <span class="state">${p.status}</span></h2>
<p>Contact: ${p.contactEmail}. Added ${when(p.createdAt)}.</p>
<p><a href="/console/admin/partners/${p.id}/users">Portal users of ${p.name}</a> (${String(p.userCount)})</p>
<div class="actions">
<form method="post" action="/console/admin/partners/${p.id}/status">${csrfField(viewer)}<input type="hidden" name="status" value="${p.status === 'approved' ? 'suspended' : 'approved'}"><button class="${p.status === 'approved' ? 'danger' : ''}">${p.status === 'approved' ? 'Suspend (its keys and portal users stop working)' : 'Approve again'}</button></form>
<form method="post" action="/console/admin/partners/${p.id}/keys">${csrfField(viewer)}<label for="label-${p.id}">Key label</label><input type="text" id="label-${p.id}" name="label" value="api" required maxlength="100"><button>Issue a key</button></form>
</div>
${
  p.keys.length === 0
    ? html`<p>No keys.</p>`
    : html`<table><thead><tr><th scope="col">Key</th><th scope="col">Issued</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead><tbody>
${p.keys.map(
  (
    k,
  ) => html`<tr><td>${k.label} <span class="hint">#${k.id}</span></td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td>
<td>${k.revokedAt ? `revoked ${when(k.revokedAt)}` : html`<form method="post" action="/console/admin/partners/${p.id}/keys/${k.id}/revoke">${csrfField(viewer)}<button class="danger" aria-label="Revoke key ${k.label} #${k.id}">Revoke</button></form>`}</td></tr>`,
)}</tbody></table>`
}</section>`,
)}
<h2>Add a partner</h2>
${errorList(errors)}
<form method="post" action="/console/admin/partners">${csrfField(viewer)}
<label for="name">Name</label><input type="text" id="name" name="name" required value="${opts.form.name}"${describedBy(errors, 'name')}>${fieldError(errors, 'name')}
<label for="contactEmail">Contact email</label><input type="email" id="contactEmail" name="contactEmail" required value="${opts.form.contactEmail}"${describedBy(errors, 'contactEmail')}>${fieldError(errors, 'contactEmail')}
<div class="actions"><button>Add the partner</button></div>
</form>`,
  });
}
