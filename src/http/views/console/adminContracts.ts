import { html } from 'hono/html';
import type {
  contractOverview,
  recentDisclosures,
  recentMisuseAlerts,
} from '../../../console/adminQueries.ts';
import { CONTRACT_STATUSES } from '../../../subcontractors/contractInput.ts';
import { CONTRACT_FIELDS, PURPOSES, SERVICES } from '../../../subcontractors/contractTerms.ts';
import { ADMIN_SECTION, adminSubnav } from './admin.ts';
import {
  checked,
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

/** The contract form as typed, to fill it again after a refusal. */
export interface ContractForm {
  subcontractorId: string;
  reference: string;
  purposes: string[];
  fields: string[];
  validFrom: string;
  validTo: string;
  maxRecipientsPerDispatch: string;
  retentionDays: string;
  seedsRequired: boolean;
  status: string;
}

export const emptyContractForm = (today: string): ContractForm => ({
  subcontractorId: '',
  reference: '',
  purposes: ['society-mailing'],
  fields: ['email'],
  validFrom: today,
  validTo: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
  maxRecipientsPerDispatch: '1000',
  retentionDays: '30',
  seedsRequired: true,
  status: 'active',
});

const NOTICES: Record<string, string> = {
  'subcontractor-created': 'The subcontractor is registered.',
  'contract-created': 'The contract is recorded.',
  'contract-status': 'The contract’s status is changed.',
};

export function contractsPage(opts: {
  viewer: Viewer;
  subcontractors: { id: number; name: string; service: string }[];
  contracts: Awaited<ReturnType<typeof contractOverview>>;
  disclosures: Awaited<ReturnType<typeof recentDisclosures>>;
  alerts: Awaited<ReturnType<typeof recentMisuseAlerts>>;
  now: Date;
  done?: string;
  errors?: Record<string, string>;
  form?: ContractForm;
  subcontractorForm?: { name: string; service: string };
  subcontractorErrors?: Record<string, string>;
}): Html {
  const { viewer, now } = opts;
  const errors = opts.errors ?? {};
  const form = opts.form ?? emptyContractForm(now.toISOString().slice(0, 10));
  const subErrors = opts.subcontractorErrors ?? {};
  const subForm = opts.subcontractorForm ?? { name: '', service: 'email' };
  const deletion = (d: { deleteBy: Date; deletionConfirmedAt: Date | null }) =>
    d.deletionConfirmedAt
      ? html`confirmed ${when(d.deletionConfirmedAt)}`
      : d.deleteBy < now
        ? html`<strong class="withdrawn">overdue since ${when(d.deleteBy)}</strong>`
        : html`due by ${when(d.deleteBy)}`;
  const notice = opts.done ? NOTICES[opts.done] : undefined;
  return layout({
    title: 'Contracts and disclosures',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Contracts and disclosures</h1>${adminSubnav('/console/admin/contracts')}
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<h2 id="alerts-heading">Misuse alerts</h2>
${
  opts.alerts.length === 0
    ? html`<p>None: no seed address has received mail outside its dispatch.</p>`
    : html`<table aria-labelledby="alerts-heading"><thead><tr><th scope="col">When</th><th scope="col">Subcontractor</th><th scope="col">What happened</th></tr></thead><tbody>
${opts.alerts.map((r) => html`<tr><td>${when(r.a.at)}</td><td>${r.subcontractor ?? 'unknown'}</td><td>${r.a.summary}</td></tr>`)}</tbody></table>`
}
<h2 id="contracts-heading">Contracts</h2>
<p>A contract’s terms stay as recorded, since disclosures were made under them; only its status changes. For new terms, record a new contract and end the old one.</p>
<table aria-labelledby="contracts-heading"><thead><tr><th scope="col">Reference</th><th scope="col">Subcontractor</th><th scope="col">Purposes</th><th scope="col">Fields</th><th scope="col">Valid</th><th scope="col">Per dispatch</th><th scope="col">Retention</th><th scope="col">Seeds</th><th scope="col">Status</th></tr></thead><tbody>
${opts.contracts.map(
  (
    r,
  ) => html`<tr><td>${r.contract.reference}</td><td>${r.subcontractor} (${r.service})</td><td>${r.contract.purposes.join(', ')}</td><td>${r.contract.fields.join(', ')}</td>
<td>${r.contract.validFrom} to ${r.contract.validTo}</td><td>${r.contract.maxRecipientsPerDispatch}</td><td>${r.contract.retentionDays} days</td><td>${r.contract.seedsRequired ? 'required' : 'not required'}</td>
<td><form method="post" action="/console/admin/contracts/${r.contract.id}/status">${csrfField(viewer)}<label class="hint" for="status-${r.contract.id}">Status of ${r.contract.reference}</label>
<select id="status-${r.contract.id}" name="status">${CONTRACT_STATUSES.map((s) => html`<option${selected(s === r.contract.status)}>${s}</option>`)}</select> <button>Change</button></form></td></tr>`,
)}</tbody></table>
<h2 id="new-contract">Record a contract</h2>
${
  opts.subcontractors.length === 0
    ? html`<p>Register the subcontractor first (below).</p>`
    : html`${errorList(errors)}
<form method="post" action="/console/admin/contracts">${csrfField(viewer)}
<label for="subcontractorId">Subcontractor</label><select id="subcontractorId" name="subcontractorId"${describedBy(errors, 'subcontractorId')}>
${opts.subcontractors.map((s) => html`<option value="${s.id}"${selected(String(s.id) === form.subcontractorId)}>${s.name} (${s.service})</option>`)}</select>${fieldError(errors, 'subcontractorId')}
<label for="reference">Reference</label><input type="text" id="reference" name="reference" required maxlength="100" value="${form.reference}"${describedBy(errors, 'reference')}>${fieldError(errors, 'reference')}
<fieldset id="purposes"${describedBy(errors, 'purposes')}><legend>Purposes</legend>${PURPOSES.map((p) => html`<label class="inline"><input type="checkbox" name="purposes" value="${p}"${checked(form.purposes.includes(p))}> ${p}</label>`)}${fieldError(errors, 'purposes')}</fieldset>
<fieldset id="fields"${describedBy(errors, 'fields')}><legend>Fields it may receive</legend>${CONTRACT_FIELDS.map((f) => html`<label class="inline"><input type="checkbox" name="fields" value="${f}"${checked(form.fields.includes(f))}> ${f}</label>`)}${fieldError(errors, 'fields')}</fieldset>
<label for="validFrom">Valid from</label><input type="date" id="validFrom" name="validFrom" required value="${form.validFrom}"${describedBy(errors, 'validFrom')}>${fieldError(errors, 'validFrom')}
<label for="validTo">Valid to <span class="hint">(included)</span></label><input type="date" id="validTo" name="validTo" required value="${form.validTo}"${describedBy(errors, 'validTo')}>${fieldError(errors, 'validTo')}
<label for="maxRecipientsPerDispatch">Most recipients per dispatch</label><input type="number" id="maxRecipientsPerDispatch" name="maxRecipientsPerDispatch" min="1" step="1" required value="${form.maxRecipientsPerDispatch}"${describedBy(errors, 'maxRecipientsPerDispatch')}>${fieldError(errors, 'maxRecipientsPerDispatch')}
<label for="retentionDays">Days it may keep the data</label><input type="number" id="retentionDays" name="retentionDays" min="0" max="3650" step="1" required value="${form.retentionDays}"${describedBy(errors, 'retentionDays')}>${fieldError(errors, 'retentionDays')}
<p><label class="inline"><input type="checkbox" name="seedsRequired" value="true"${checked(form.seedsRequired)}> Seeds required in every dispatch</label></p>
<label for="status">Status</label><select id="status" name="status">${CONTRACT_STATUSES.map((s) => html`<option${selected(s === form.status)}>${s}</option>`)}</select>${fieldError(errors, 'status')}
<div class="actions"><button>Record the contract</button></div>
</form>`
}
<h2 id="subcontractors-heading">Subcontractors</h2>
${
  opts.subcontractors.length === 0
    ? html`<p>None yet.</p>`
    : html`<ul aria-labelledby="subcontractors-heading">${opts.subcontractors.map((s) => html`<li>${s.name} (${s.service})</li>`)}</ul>`
}
<h3>Register a subcontractor</h3>
${errorList(subErrors)}
<form method="post" action="/console/admin/subcontractors">${csrfField(viewer)}
<label for="subcontractor-name">Name</label><input type="text" id="subcontractor-name" name="name" required maxlength="200" value="${subForm.name}"${describedBy(subErrors, 'name')}>${fieldError(subErrors, 'name')}
<label for="service">Service</label><select id="service" name="service"${describedBy(subErrors, 'service')}>${SERVICES.map((s) => html`<option${selected(s === subForm.service)}>${s}</option>`)}</select>${fieldError(subErrors, 'service')}
<div class="actions"><button>Register the subcontractor</button></div>
</form>
<h2 id="disclosures-heading">Disclosures <span class="hint">(the newest 50)</span></h2>
<p><a href="/console/admin/disclosures">Record a subcontractor’s confirmation of deletion</a></p>
${
  opts.disclosures.length === 0
    ? html`<p>Nothing has been disclosed yet.</p>`
    : html`<table aria-labelledby="disclosures-heading"><thead><tr><th scope="col">Reference</th><th scope="col">When</th><th scope="col">To</th><th scope="col">Campaign</th><th scope="col">Recipients</th><th scope="col">Fields</th><th scope="col">Deletion</th></tr></thead><tbody>
${opts.disclosures.map(
  (
    r,
  ) => html`<tr><td>${r.d.reference}</td><td>${when(r.d.disclosedAt)}</td><td>${r.subcontractor} under ${r.contract}</td>
<td><a href="/console/campaigns/${r.d.campaignId}">#${r.d.campaignId}</a></td><td>${r.d.recipientCount} + ${r.d.seedIds.length} seeds</td><td>${r.d.fields.join(', ')}</td><td>${deletion(r.d)}</td></tr>`,
)}</tbody></table>`
}`,
  });
}
