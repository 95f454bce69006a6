import { html } from 'hono/html';
import type { QueueCount } from '../../../console/adminQueries.ts';
import type { auditLog } from '../../../db/schema.ts';
import { type Html, layout, type Viewer, when } from './layout.ts';

export const ADMIN_SECTION = '/console/admin';

/** The administration section's own navigation, with `current` marked. */
export const adminSubnav = (current: string) =>
  html`<nav aria-label="Administration"><ul class="actions" style="list-style:none;padding:0">${[
    ['/console/admin/staff', 'Staff'],
    ['/console/admin/partners', 'Partners and keys'],
    ['/console/admin/contracts', 'Contracts and disclosures'],
    ['/console/admin/disclosures', 'Deletion confirmations'],
    ['/console/admin/seeds', 'Seeds'],
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
<p>Choose a page above:</p>
<ul>
<li><strong>Staff</strong>: add colleagues (each gets a single-use link to set a password), change roles, disable or unlock accounts, issue and revoke API tokens.</li>
<li><strong>Partners</strong>: partners, their API keys and portal users.</li>
<li><strong>Contracts</strong>: subcontractors, their contracts, the disclosure ledger and misuse alerts.</li>
<li><strong>Deletions</strong>: record that a subcontractor deleted a dispatch’s data; overdue ones are flagged.</li>
<li><strong>Seeds</strong>: the decoy postal addresses that reveal misuse.</li>
<li><strong>Audit and queues</strong>: every change, and the state of the job queues.</li>
</ul>`,
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
