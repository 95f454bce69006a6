import { html } from 'hono/html';
import type { OfferState } from '../../../partners/offerStates.ts';
import type { StaffOfferView } from '../../../partners/offers.ts';
import { hasRole } from '../../../staff/roles.ts';
import { checked, csrfField, type Html, layout, selected, type Viewer, when } from './layout.ts';

const SECTION = '/console/offers';

export const QUEUE_FILTERS: Record<string, { label: string; states: OfferState[] | null }> = {
  waiting: { label: 'Waiting for review', states: ['submitted', 'in-review'] },
  approved: { label: 'Approved, not scheduled', states: ['approved'] },
  changes: { label: 'Changes requested', states: ['changes-requested'] },
  done: {
    label: 'Scheduled, sent, rejected or withdrawn',
    states: ['scheduled', 'sent', 'rejected', 'withdrawn'],
  },
  all: { label: 'All', states: null },
};

export function offerQueuePage(
  viewer: Viewer,
  filter: string,
  offers: StaffOfferView[],
  notice?: string,
): Html {
  return layout({
    title: 'Offers',
    viewer,
    section: SECTION,
    notice,
    body: html`<h1>Partner offers</h1>
<nav aria-label="Offer filters"><ul class="actions" style="list-style:none;padding:0">${Object.entries(
      QUEUE_FILTERS,
    ).map(
      ([key, f]) =>
        html`<li><a href="/console/offers?show=${key}"${key === filter ? html` aria-current="page"` : ''}>${f.label}</a></li>`,
    )}</ul></nav>
${
  offers.length === 0
    ? html`<p>Nothing here.</p>`
    : html`<table><thead><tr><th scope="col">Offer</th><th scope="col">Partner</th><th scope="col">State</th><th scope="col">Window</th><th scope="col">Submitted</th></tr></thead>
<tbody>${offers.map(
        (
          o,
        ) => html`<tr><td><a href="/console/offers/${o.id}">${o.title}</a></td><td>${o.partnerName}</td><td><span class="state">${o.state}</span></td>
<td>${o.sendWindow.from.slice(0, 10)} to ${o.sendWindow.to.slice(0, 10)}</td><td>${when(o.createdAt)}</td></tr>`,
      )}</tbody></table>`
}`,
  });
}

export function offerReviewPage(opts: {
  viewer: Viewer;
  offer: StaffOfferView;
  preview: { subject: string; html: string } | { error: string };
  timeZones: string[];
  /** The decision as last posted, shown again with its error. */
  review?: { to: string; note: string } | undefined;
  /** The schedule as last posted, shown again with its error. */
  schedule?: { date: string; time: string; timeZone: string } | undefined;
  error?: string;
  notice?: string;
}): Html {
  const { viewer, offer: o } = opts;
  const review = opts.review ?? { to: '', note: '' };
  const approver = hasRole(viewer.staff.role, 'approver');
  const targeting = Object.entries(o.targeting).filter(([, v]) => Array.isArray(v) && v.length > 0);
  const windowStart = new Date(Math.max(new Date(o.sendWindow.from).getTime(), Date.now()));
  const schedule = opts.schedule ?? {
    date: windowStart.toISOString().slice(0, 10),
    time: windowStart.toISOString().slice(11, 16),
    timeZone: 'UTC',
  };
  return layout({
    title: o.title,
    viewer,
    section: SECTION,
    notice: opts.notice,
    body: html`<p><a href="/console/offers">Offer queue</a></p>
<h1>${o.title}</h1>
${opts.error ? html`<p class="errors" role="alert">${opts.error}</p>` : ''}
<dl class="facts">
<dt>Partner</dt><dd>${o.partnerName}</dd>
<dt>State</dt><dd><span class="state">${o.state}</span></dd>
${o.reviewNote ? html`<dt>Last note to the partner</dt><dd>${o.reviewNote}</dd>` : ''}
<dt>Subject</dt><dd>${o.subject}</dd>
<dt>Link</dt><dd>${o.ctaLabel}: ${o.ctaUrl}</dd>
<dt>Send window</dt><dd>${when(o.sendWindow.from)} to ${when(o.sendWindow.to)}</dd>
<dt>At most</dt><dd>${o.maxRecipients} recipients, only members who opted in to partner offers</dd>
<dt>Targeting</dt><dd>${targeting.length === 0 ? 'everyone who opted in' : targeting.map(([k, v]) => `${k}: ${(v as string[]).join(', ')}`).join('; ')}</dd>
${o.campaignId ? html`<dt>Campaign</dt><dd><a href="/console/campaigns/${o.campaignId}">Follow its sending</a></dd>` : ''}
</dl>
${
  !approver
    ? html`<p class="hint">Approvers review and schedule offers.</p>`
    : o.state === 'submitted'
      ? html`<form method="post" action="/console/offers/${o.id}/review">${csrfField(viewer)}<input type="hidden" name="to" value="in-review"><button>Start the review</button></form>`
      : o.state === 'in-review'
        ? html`<h2>Decision</h2>
<form method="post" action="/console/offers/${o.id}/review">${csrfField(viewer)}
<fieldset><legend>Your decision</legend>
<label class="inline"><input type="radio" name="to" value="approved" required${checked(review.to === 'approved')}> Approve</label>
<label class="inline"><input type="radio" name="to" value="changes-requested"${checked(review.to === 'changes-requested')}> Request changes</label>
<label class="inline"><input type="radio" name="to" value="rejected"${checked(review.to === 'rejected')}> Reject</label>
</fieldset>
<label for="note">Note to the partner <span class="hint">(required; the partner sees it)</span></label>
<textarea id="note" name="note" required maxlength="2000">${review.note}</textarea>
<div class="actions"><button>Record the decision</button></div>
</form>`
        : o.state === 'approved'
          ? html`<h2>Schedule</h2>
<form method="post" action="/console/offers/${o.id}/schedule">${csrfField(viewer)}
<p>It goes out as a partner-offers campaign to members who opted in, within the window.</p>
<label for="sendDate">Date</label><input type="date" id="sendDate" name="sendDate" required value="${schedule.date}">
<label for="sendTime">Time</label><input type="time" id="sendTime" name="sendTime" required value="${schedule.time}">
<label for="timeZone">Time zone</label>
<select id="timeZone" name="timeZone">${opts.timeZones.map((z) => html`<option${selected(z === schedule.timeZone)}>${z}</option>`)}</select>
<div class="actions"><button>Schedule the offer</button></div>
</form>`
          : ''
}
<section aria-labelledby="preview-heading">
<h2 id="preview-heading">As members would see it</h2>
${
  'error' in opts.preview
    ? html`<p class="errors">${opts.preview.error}</p>`
    : html`<p>Subject: <strong>${opts.preview.subject}</strong></p>
<div class="previews">
<figure class="desktop"><figcaption>Desktop</figcaption><iframe title="Offer preview at desktop width" sandbox srcdoc="${opts.preview.html}"></iframe></figure>
<figure class="mobile"><figcaption>Mobile</figcaption><iframe title="Offer preview at mobile width" sandbox srcdoc="${opts.preview.html}"></iframe></figure>
</div>`
}
</section>`,
  });
}
