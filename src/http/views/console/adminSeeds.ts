import { html, raw } from 'hono/html';
import type { seeds } from '../../../db/schema.ts';
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

export interface SeedForm {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}
const EMPTY: SeedForm = { name: '', line1: '', line2: '', city: '', region: '', postalCode: '', country: '' };

const NOTICES: Record<string, string> = {
  'seed-added': 'The postal seed is added: the next postal dispatches may take it.',
  'seed-retired': 'The seed is retired: no new dispatch takes it.',
};

const address = (a: unknown) => {
  const p = (a ?? {}) as Record<string, string | null>;
  return [p.line1, p.line2, p.city, p.region, p.postalCode, p.country].filter(Boolean).join(', ');
};

/** Seeds: postal ones staff add and retire, email ones made per dispatch (listed only). */
export function seedsPage(opts: {
  viewer: Viewer;
  seeds: (typeof seeds.$inferSelect)[];
  done?: string;
  errors?: Record<string, string>;
  form?: SeedForm;
}): Html {
  const { viewer } = opts;
  const errors = opts.errors ?? {};
  const form = opts.form ?? EMPTY;
  const postal = opts.seeds.filter((s) => s.channel === 'postal');
  const email = opts.seeds.filter((s) => s.channel === 'email');
  const notice = opts.done ? NOTICES[opts.done] : undefined;
  const input = (field: keyof SeedForm, label: string, extra = '') => {
    const key = field === 'name' ? 'name' : `postalAddress.${field}`;
    return html`<label for="${key}">${label}</label><input type="text" id="${key}" name="${field}" value="${form[field]}"${raw(extra ? ` ${extra}` : '')}${describedBy(errors, key)}>${fieldError(errors, key)}`;
  };
  return layout({
    title: 'Seeds',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Seeds</h1>${adminSubnav('/console/admin/seeds')}
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<p>Seeds are decoy recipients of our own. Mail reaching one outside its dispatch raises a misuse alert on the contracts page.</p>
<h2 id="postal-heading">Postal seeds</h2>
${
  postal.length === 0
    ? html`<p>No postal seeds: postal dispatches under a contract that requires seeds cannot go out until one is added.</p>`
    : html`<table aria-labelledby="postal-heading"><thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Added</th><th scope="col">State</th></tr></thead><tbody>
${postal.map(
  (
    s,
  ) => html`<tr><td>${s.name} <span class="hint">#${s.id}</span></td><td>${address(s.postalAddress)}</td><td>${when(s.createdAt)}</td>
<td>${s.active ? html`<form method="post" action="/console/admin/seeds/${s.id}/retire">${csrfField(viewer)}<button class="danger" aria-label="Retire seed ${s.name} #${s.id}">Retire</button></form>` : 'retired'}</td></tr>`,
)}</tbody></table>`
}
<h3>Add a postal seed</h3>
${errorList(errors)}
<form method="post" action="/console/admin/seeds">${csrfField(viewer)}
${input('name', 'Name on the envelope', 'required maxlength="200"')}
${input('line1', 'Address line 1', 'required maxlength="200"')}
${input('line2', 'Address line 2 (optional)', 'maxlength="200"')}
${input('city', 'City', 'required maxlength="100"')}
${input('region', 'Region (optional)', 'maxlength="100"')}
${input('postalCode', 'Postal code (optional)', 'maxlength="20"')}
${input('country', 'Country (two letters, e.g. GB)', 'required maxlength="2"')}
<div class="actions"><button>Add the seed</button></div>
</form>
<h2 id="email-heading">Email seeds <span class="hint">(made for each dispatch; the newest 50)</span></h2>
${
  email.length === 0
    ? html`<p>None yet.</p>`
    : html`<table aria-labelledby="email-heading"><thead><tr><th scope="col">Address</th><th scope="col">Dispatch</th><th scope="col">Made</th></tr></thead><tbody>
${email.slice(0, 50).map((s) => html`<tr><td>${s.address}</td><td>${s.disclosureId ? `disclosure #${s.disclosureId}` : '—'}</td><td>${when(s.createdAt)}</td></tr>`)}</tbody></table>`
}`,
  });
}
