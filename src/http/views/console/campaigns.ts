import { html, raw } from 'hono/html';
import type { Campaign, Progress } from '../../../campaigns/campaignStore.ts';
import { type CampaignAction, type CampaignState, transition } from '../../../campaigns/lifecycle.ts';
import { channelWord, previews, topicLabel } from './campaignForm.ts';
import { csrfField, type Html, layout, selected, type Viewer, when } from './layout.ts';

const SECTION = '/console/campaigns';

/** What each state means, in the words staff use. */
const STATE_WORDS: Record<CampaignState, string> = {
  draft: 'Draft: not scheduled yet; you can still change it.',
  scheduled: 'Scheduled: it will start at the time shown.',
  building: 'Preparing: the list of recipients is being drawn up from their current consents.',
  sending: 'Sending: messages are going out now.',
  paused: 'Paused: nothing more goes out until someone resumes it.',
  completed: 'Finished: every recipient has been dealt with.',
  cancelled: 'Cancelled: nobody else will receive it.',
  failed: 'Stopped because of a problem (see below); nobody else will receive it.',
};

export interface ScheduleForm {
  date: string;
  time: string;
  timeZone: string;
}

export interface ProgressView {
  state: CampaignState;
  audience: number;
  done: number;
  summary: string;
}

export function progressView(state: CampaignState, p: Progress): ProgressView {
  const done = p.sent + p.skipped + p.failed + p.inDoubt;
  const parts = [`${p.sent} of ${p.audience} sent`];
  if (p.skipped) parts.push(`${p.skipped} skipped (unsubscribed or suppressed since)`);
  if (p.failed) parts.push(`${p.failed} could not be sent`);
  if (p.inDoubt) parts.push(`${p.inDoubt} in doubt`);
  if (p.bounced) parts.push(`${p.bounced} bounced`);
  if (p.unsubscribes) parts.push(`${p.unsubscribes} unsubscribed`);
  return { state, audience: p.audience, done, summary: `${parts.join('; ')}.` };
}

export function campaignListPage(
  viewer: Viewer,
  rows: { campaign: Campaign; progress: ProgressView }[],
  notice?: string,
): Html {
  return layout({
    title: 'Campaigns',
    viewer,
    section: SECTION,
    notice,
    body: html`<h1>Campaigns</h1>
<p><a class="button" href="/console/campaigns/new">New campaign</a></p>
${
  rows.length === 0
    ? html`<p>No campaigns yet.</p>`
    : html`<table>
<caption class="hint">Newest first</caption>
<thead><tr><th scope="col">Campaign</th><th scope="col">State</th><th scope="col">Topic and channel</th><th scope="col">Send time</th><th scope="col">Progress</th></tr></thead>
<tbody>${rows.map(
        ({ campaign: c, progress: p }) => html`<tr>
<td><a href="/console/campaigns/${c.id}">${c.name}</a>${c.kind === 'partner-offer' ? html` <span class="hint">(partner offer)</span>` : ''}</td>
<td><span class="state">${c.state}</span></td>
<td>${topicLabel(c.topic)} by ${c.channel}</td>
<td>${c.sendAt ? when(c.sendAt) : '—'}</td>
<td>${p.audience > 0 ? html`<progress max="${p.audience}" value="${p.done}" aria-label="Progress of ${c.name}"></progress> <span class="hint">${p.done} of ${p.audience}</span>` : html`<span class="hint">—</span>`}</td>
</tr>`,
      )}</tbody></table>`
}`,
  });
}

const can = (state: CampaignState, action: CampaignAction) => transition(state, action).type === 'ok';

function lifecycleButton(viewer: Viewer, id: number, action: string, label: string, danger = false): Html {
  return html`<form method="post" action="/console/campaigns/${id}/${action}">${csrfField(viewer)}<button${danger ? raw(' class="danger"') : ''}>${label}</button></form>`;
}

export function campaignPage(opts: {
  viewer: Viewer;
  campaign: Campaign;
  progress: ProgressView;
  preview: { subject: string; html: string } | { error: string };
  /** How the campaign's contract is named, null for the usual contract of its channel. */
  contract: string | null;
  hasArtwork: boolean;
  timeZones: string[];
  /** The schedule as last posted, to show again with its error. */
  schedule?: ScheduleForm | undefined;
  error?: string;
  notice?: string;
}): Html {
  const { viewer, campaign: c, progress: p } = opts;
  const asked = opts.schedule ?? {
    date: new Date().toISOString().slice(0, 10),
    time: '09:00',
    timeZone: c.timeZone,
  };
  return layout({
    title: c.name,
    viewer,
    section: SECTION,
    notice: opts.notice,
    body: html`<p><a href="/console/campaigns">All campaigns</a></p>
<h1>${c.name}</h1>
${opts.error ? html`<p class="errors" role="alert">${opts.error}</p>` : ''}
<dl class="facts">
<dt>State</dt><dd><span class="state" data-campaign-state>${c.state}</span> ${STATE_WORDS[c.state]}</dd>
${c.stateReason ? html`<dt>Why</dt><dd>${c.stateReason}</dd>` : ''}
<dt>Topic</dt><dd>${topicLabel(c.topic)} by ${channelWord(c.channel)}</dd>
<dt>Subject</dt><dd>${c.subject}</dd>
<dt>Content</dt><dd>${c.template ? `the ${c.template} template` : 'MJML written for this campaign'}, in ${c.defaultLanguage}</dd>
<dt>Translations</dt><dd>${Object.keys(c.variants).length > 0 ? Object.keys(c.variants).join(', ') : 'none'}</dd>
<dt>From</dt><dd>${c.fromAddress}${c.replyTo ? html`; replies go to ${c.replyTo}` : ''}</dd>
<dt>Send rate</dt><dd>${c.rateLimit === null ? 'as fast as the Society’s overall rate allows' : `at most ${c.rateLimit} messages per second`}</dd>
<dt>Contract</dt><dd>${opts.contract ?? `the usual contract for ${channelWord(c.channel)}`}</dd>
${c.channel === 'postal' ? html`<dt>Print artwork</dt><dd>${opts.hasArtwork ? 'uploaded' : 'none yet: the mail house needs it'}</dd>` : ''}
<dt>Send time</dt><dd>${c.sendAt ? html`${when(c.sendAt)} <span class="hint">(chosen as ${c.timeZone} time)</span>` : '—'}</dd>
<dt>Created by</dt><dd>${c.createdBy}, ${when(c.createdAt)}</dd>
</dl>

<section aria-labelledby="progress-heading" data-progress-url="/console/campaigns/${c.id}/progress" data-state="${c.state}">
<h2 id="progress-heading">Progress</h2>
<progress max="${Math.max(p.audience, 1)}" value="${p.done}" aria-labelledby="progress-heading"></progress>
<p data-progress-text>${p.audience > 0 ? p.summary : c.state === 'draft' || c.state === 'scheduled' ? 'The recipients are drawn up when sending starts.' : p.summary}</p>
${['scheduled', 'building', 'sending'].includes(c.state) ? html`<p class="hint">This updates by itself; without JavaScript, <a href="/console/campaigns/${c.id}">reload the page</a>.</p>` : ''}
</section>

<h2>Actions</h2>
<div class="actions">
${c.state === 'draft' ? html`<a class="button secondary" href="/console/campaigns/${c.id}/edit">Edit</a>` : ''}
${can(c.state, 'pause') ? lifecycleButton(viewer, c.id, 'pause', 'Pause') : ''}
${can(c.state, 'resume') ? lifecycleButton(viewer, c.id, 'resume', 'Resume sending') : ''}
${can(c.state, 'unschedule') ? lifecycleButton(viewer, c.id, 'unschedule', 'Back to draft') : ''}
${can(c.state, 'cancel') ? lifecycleButton(viewer, c.id, 'cancel', 'Cancel the campaign', true) : ''}
${c.state === 'draft' ? lifecycleButton(viewer, c.id, 'delete', 'Delete the draft', true) : ''}
${['completed', 'cancelled', 'failed'].includes(c.state) ? html`<p>None: this campaign is over.</p>` : ''}
</div>
${
  c.state === 'draft'
    ? html`<div class="grid">
<form method="post" action="/console/campaigns/${c.id}/test-send">
${csrfField(viewer)}
<h3>Send a test</h3>
<p>A copy marked [TEST] goes to your own address, ${viewer.staff.email}.</p>
<button class="secondary">Send me a test</button>
</form>
<form method="post" action="/console/campaigns/${c.id}/schedule">
${csrfField(viewer)}
<h3>Schedule</h3>
<label for="sendDate">Date</label><input type="date" id="sendDate" name="sendDate" required value="${asked.date}">
<label for="sendTime">Time</label><input type="time" id="sendTime" name="sendTime" required value="${asked.time}">
<label for="timeZone">Time zone</label>
<select id="timeZone" name="timeZone">${opts.timeZones.map((z) => html`<option${selected(z === asked.timeZone)}>${z}</option>`)}</select>
<p class="hint">A time in the past starts sending straight away.</p>
<button>Schedule</button>
</form></div>`
    : ''
}
${
  c.channel === 'postal' && ['draft', 'scheduled'].includes(c.state)
    ? html`<form method="post" action="/console/campaigns/${c.id}/artwork" enctype="multipart/form-data">
${csrfField(viewer)}
<h3>Print artwork</h3>
<label for="artwork">PDF for the mail house <span class="hint">(${opts.hasArtwork ? 'replaces the one uploaded' : 'required before sending by post'})</span></label>
<input type="file" id="artwork" name="artwork" accept="application/pdf" required>
<div class="actions"><button class="secondary">Upload the artwork</button></div>
</form>`
    : ''
}
${'error' in opts.preview ? html`<h2>Preview</h2><p class="errors">${opts.preview.error}</p>` : previews(opts.preview, c.id)}`,
  });
}
