import { html } from 'hono/html';
import type {
  contractOverview,
  QueueCount,
  recentDisclosures,
  recentMisuseAlerts,
} from '../../../console/adminQueries.ts';
import type { auditLog } from '../../../db/schema.ts';
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

export const ADMIN_SECTION = '/console/admin';

/** The administration section's own navigation, with `current` marked. */
export const adminSubnav = (current: string) =>
  html`<nav aria-label="Administration"><ul class="actions" style="list-style:none;padding:0">${[
    ['/console/admin/partners', 'Partners and keys'],
    ['/console/admin/contracts', 'Contracts and disclosures'],
    ['/console/admin/audit', 'Audit log'],
    ['/console/admin/queues', 'Queue health'],
  ].map(
    ([href, label]) =>
      html`<li><a href="${href}"${href === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>`;

export function adminHomePage(viewer: Viewer): Html {
  return layout({
    title: 'Administration',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Administration</h1>${adminSubnav('')}
<p>Partners and their API keys, subcontractor contracts with the disclosure ledger and misuse alerts, the audit log of every change, and the state of the job queues.</p>`,
  });
}

export function contractsPage(opts: {
  viewer: Viewer;
  contracts: Awaited<ReturnType<typeof contractOverview>>;
  disclosures: Awaited<ReturnType<typeof recentDisclosures>>;
  alerts: Awaited<ReturnType<typeof recentMisuseAlerts>>;
  now: Date;
}): Html {
  const { viewer, now } = opts;
  const deletion = (d: { deleteBy: Date; deletionConfirmedAt: Date | null }) =>
    d.deletionConfirmedAt
      ? html`confirmed ${when(d.deletionConfirmedAt)}`
      : d.deleteBy < now
        ? html`<strong class="withdrawn">overdue since ${when(d.deleteBy)}</strong>`
        : html`due by ${when(d.deleteBy)}`;
  return layout({
    title: 'Contracts and disclosures',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Contracts and disclosures</h1>${adminSubnav('/console/admin/contracts')}
<h2 id="alerts-heading">Misuse alerts</h2>
${
  opts.alerts.length === 0
    ? html`<p>None: no seed address has received mail outside its dispatch.</p>`
    : html`<table aria-labelledby="alerts-heading"><thead><tr><th scope="col">When</th><th scope="col">Subcontractor</th><th scope="col">What happened</th></tr></thead><tbody>
${opts.alerts.map((r) => html`<tr><td>${when(r.a.at)}</td><td>${r.subcontractor ?? 'unknown'}</td><td>${r.a.summary}</td></tr>`)}</tbody></table>`
}
<h2 id="contracts-heading">Contracts</h2>
<table aria-labelledby="contracts-heading"><thead><tr><th scope="col">Reference</th><th scope="col">Subcontractor</th><th scope="col">Purposes</th><th scope="col">Fields</th><th scope="col">Valid</th><th scope="col">Per dispatch</th><th scope="col">Retention</th><th scope="col">State</th></tr></thead><tbody>
${opts.contracts.map(
  (
    r,
  ) => html`<tr><td>${r.contract.reference}</td><td>${r.subcontractor} (${r.service})</td><td>${r.contract.purposes.join(', ')}</td><td>${r.contract.fields.join(', ')}</td>
<td>${r.contract.validFrom} to ${r.contract.validTo}</td><td>${r.contract.maxRecipientsPerDispatch}</td><td>${r.contract.retentionDays} days</td><td>${r.contract.status}</td></tr>`,
)}</tbody></table>
<h2 id="disclosures-heading">Disclosures <span class="hint">(the newest 50)</span></h2>
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

export function auditPageView(
  viewer: Viewer,
  rows: (typeof auditLog.$inferSelect)[],
  next: number | null,
): Html {
  return layout({
    title: 'Audit log',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Audit log</h1>${adminSubnav('/console/admin/audit')}
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">Details</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${when(r.at)}</td><td>${r.actor}</td><td>${r.action}</td><td>${r.target}</td><td><code>${JSON.stringify(r.details)}</code></td></tr>`)}
</tbody></table>
${next ? html`<p><a href="/console/admin/audit?before=${next}">Older entries</a></p>` : html`<p>That is the beginning of the log.</p>`}`,
  });
}

export function queuesPage(viewer: Viewer, counts: QueueCount[]): Html {
  const queues = [...new Set(counts.map((c) => c.queue))];
  const states = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];
  const n = (q: string, s: string) => counts.find((c) => c.queue === q && c.state === s)?.count ?? 0;
  return layout({
    title: 'Queue health',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Queue health</h1>${adminSubnav('/console/admin/queues')}
<p>Jobs by queue and state, as pg-boss holds them. Many <em>retry</em> or <em>failed</em> jobs need a look at the logs.</p>
${
  queues.length === 0
    ? html`<p>No jobs yet.</p>`
    : html`<table><thead><tr><th scope="col">Queue</th>${states.map((s) => html`<th scope="col">${s}</th>`)}</tr></thead><tbody>
${queues.map((q) => html`<tr><th scope="row">${q}</th>${states.map((s) => html`<td>${n(q, s)}</td>`)}</tr>`)}</tbody></table>`
}`,
  });
}
