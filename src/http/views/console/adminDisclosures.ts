import { html } from 'hono/html';
import type { pendingDeletions } from '../../../console/adminQueries.ts';
import { ADMIN_SECTION, adminSubnav } from './admin.ts';
import { csrfField, describedBy, fieldError, type Html, layout, type Viewer, when } from './layout.ts';

type Pending = Awaited<ReturnType<typeof pendingDeletions>>[number];

/** Disclosures whose deletion the subcontractor has not confirmed yet, overdue ones first, each with a form to record the confirmation. */
export function deletionsPage(opts: {
  viewer: Viewer;
  pending: Pending[];
  now: Date;
  done?: string;
  /** The disclosure whose form was refused, with its fields' errors and what was typed. */
  refused?: { id: number; errors: Record<string, string>; at: string; note: string };
}): Html {
  const { viewer, now } = opts;
  const overdue = opts.pending.filter((r) => r.d.deleteBy < now).length;
  return layout({
    title: 'Deletion confirmations',
    viewer,
    section: ADMIN_SECTION,
    body: html`<h1>Deletion confirmations</h1>${adminSubnav('/console/admin/disclosures')}
${opts.done === 'deletion-confirmed' ? html`<p class="notice" role="status">The deletion is recorded as confirmed.</p>` : ''}
<p>Each dispatch to a subcontractor must be deleted by them within the contract’s retention. Record here when they confirm it, with the date they give.</p>
${
  opts.pending.length === 0
    ? html`<p>Every disclosure’s deletion is confirmed.</p>`
    : html`<p>${opts.pending.length} awaiting confirmation${overdue > 0 ? html`, <strong class="withdrawn">${overdue} overdue</strong>` : ''}.</p>
<table aria-labelledby="pending-heading"><caption id="pending-heading">Awaiting confirmation</caption><thead><tr><th scope="col">Reference</th><th scope="col">To</th><th scope="col">Disclosed</th><th scope="col">Delete by</th><th scope="col">Confirmation</th></tr></thead><tbody>
${opts.pending.map((r) => row(viewer, r, now, opts.refused?.id === r.d.id ? opts.refused : undefined))}</tbody></table>`
}`,
  });
}

function row(
  viewer: Viewer,
  r: Pending,
  now: Date,
  refused: { errors: Record<string, string>; at: string; note: string } | undefined,
): Html {
  const errors = refused?.errors ?? {};
  const id = r.d.id;
  const late = r.d.deleteBy < now;
  // Field names carry the disclosure id so that each row's error is tied to its own input.
  return html`<tr><td>${r.d.reference}</td><td>${r.subcontractor} under ${r.contract}</td><td>${when(r.d.disclosedAt)}</td>
<td>${late ? html`<strong class="withdrawn">overdue since ${when(r.d.deleteBy)}</strong>` : `due by ${when(r.d.deleteBy)}`}</td>
<td><form method="post" action="/console/admin/disclosures/${id}/deletion-confirmation">${csrfField(viewer)}
<label for="at-${id}">Deleted on</label><input type="date" id="at-${id}" name="at" value="${refused?.at ?? now.toISOString().slice(0, 10)}"${describedBy(errors, `at-${id}`)}>${fieldError(errors, `at-${id}`)}
<label for="note-${id}">Note <span class="hint">(optional)</span></label><input type="text" id="note-${id}" name="note" maxlength="1000" value="${refused?.note ?? ''}"${describedBy(errors, `note-${id}`)}>${fieldError(errors, `note-${id}`)}
<button aria-label="Record deletion of ${r.d.reference} as confirmed">Confirmed</button></form></td></tr>`;
}
