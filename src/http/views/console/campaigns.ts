import { html, raw } from 'hono/html';
import type { AudiencePreview } from '../../../audiences/preview.ts';
import type { Campaign, Progress } from '../../../campaigns/campaignStore.ts';
import { type CampaignAction, type CampaignState, transition } from '../../../campaigns/lifecycle.ts';
import { TOPIC_LABELS } from '../../../consent/topicLabels.ts';
import { CHANNELS, MEMBER_STATUSES, SOCIETY_TOPICS, type Topic } from '../../../consent/vocabulary.ts';
import type { CampaignForm } from '../../../console/campaignDrafts.ts';
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

const SECTION = '/console/campaigns';

const topicLabel = (t: string) => {
  const label = TOPIC_LABELS.en[t as Topic] ?? t;
  return label.charAt(0).toUpperCase() + label.slice(1);
};

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

function segmentFields(form: CampaignForm, errors: Record<string, string>): Html {
  const text = (
    name: keyof CampaignForm,
    label: string,
    hint: string,
  ) => html`<label for="${name}">${label} <span class="hint">${hint}</span></label>
<input type="text" id="${name}" name="${name}" value="${form[name] as string}"${describedBy(errors, name)}>${fieldError(errors, name)}`;
  const date = (name: keyof CampaignForm, label: string) => html`<label for="${name}">${label}</label>
<input type="date" id="${name}" name="${name}" value="${form[name] as string}"${describedBy(errors, name)}>${fieldError(errors, name)}`;
  return html`<fieldset>
<legend>Who receives it</legend>
<p class="hint">Only members who opted in to this topic on this channel and are not suppressed. Leave a field empty to include everyone.</p>
<div class="grid"><div>
${text('countries', 'Countries', '(two-letter codes separated by commas, e.g. FR, DE)')}
${text('languages', 'Languages', '(e.g. en, fr)')}
${text('membershipTypes', 'Membership types', '(e.g. individual, student)')}
${text('chapters', 'Chapters', '(names separated by commas)')}
</div><div>
<fieldset id="statuses"><legend>Membership status</legend>
${MEMBER_STATUSES.map((s) => html`<label class="inline"><input type="checkbox" name="statuses" value="${s}"${checked(form.statuses.includes(s))}> ${s}</label>`)}
${fieldError(errors, 'statuses')}
</fieldset>
${date('joinedAfter', 'Joined after')}
${date('joinedBefore', 'Joined before')}
${date('renewedAfter', 'Renewed after')}
</div></div>
</fieldset>`;
}

/** The create/edit form. `audience` is shown when counted; `preview` when the draft renders. */
export function campaignFormPage(opts: {
  viewer: Viewer;
  id: number | null;
  form: CampaignForm;
  templates: string[];
  errors: Record<string, string>;
  audience?: AudiencePreview | null;
  preview?: { subject: string; html: string } | null;
  notice?: string;
}): Html {
  const { viewer, id, form, templates, errors, audience, preview } = opts;
  const title = id === null ? 'New campaign' : `Edit ${form.name}`;
  const action = id === null ? '/console/campaigns' : `/console/campaigns/${id}`;
  return layout({
    title,
    viewer,
    section: SECTION,
    notice: opts.notice,
    body: html`<h1>${title}</h1>
${id !== null ? html`<p><a href="/console/campaigns/${id}">Back to the campaign</a></p>` : ''}
${errorList(errors)}
<form method="post" action="${action}" data-audience-count="/console/audience-count" novalidate>
${csrfField(viewer)}
<div class="grid"><div>
<label for="name">Name <span class="hint">(for staff only)</span></label>
<input type="text" id="name" name="name" required value="${form.name}"${describedBy(errors, 'name')}>${fieldError(errors, 'name')}
<label for="topic">Topic</label>
<select id="topic" name="topic"${describedBy(errors, 'topic')}>${SOCIETY_TOPICS.map((t) => html`<option value="${t}"${selected(form.topic === t)}>${topicLabel(t)}</option>`)}</select>${fieldError(errors, 'topic')}
<label for="channel">Channel</label>
<select id="channel" name="channel">${CHANNELS.map((ch) => html`<option value="${ch}"${selected(form.channel === ch)}>${ch === 'postal' ? 'post' : ch}</option>`)}</select>
</div><div>
<label for="subject">Subject <span class="hint">(may use {{name}} and {{first_name}})</span></label>
<input type="text" id="subject" name="subject" required value="${form.subject}"${describedBy(errors, 'subject')}>${fieldError(errors, 'subject')}
<label for="template">Template</label>
<select id="template" name="template"${describedBy(errors, 'template')}>${templates.map((t) => html`<option value="${t}"${selected(form.template === t)}>${t}</option>`)}</select>${fieldError(errors, 'template')}
<label for="defaultLanguage">Language <span class="hint">(two-letter code)</span></label>
<input type="text" id="defaultLanguage" name="defaultLanguage" value="${form.defaultLanguage}"${describedBy(errors, 'defaultLanguage')}>${fieldError(errors, 'defaultLanguage')}
<label for="fromAddress">From <span class="hint">(leave empty for the Society’s usual sender)</span></label>
<input type="text" id="fromAddress" name="fromAddress" value="${form.fromAddress}"${describedBy(errors, 'fromAddress')}>${fieldError(errors, 'fromAddress')}
</div></div>
${segmentFields(form, errors)}
<p id="audience-count" role="status" aria-live="polite">${
      audience
        ? `${audience.total} members would receive it now.`
        : 'Press “Count audience” to see how many members would receive it.'
    }</p>
<div class="actions">
<button name="intent" value="save">${id === null ? 'Save draft' : 'Save and preview'}</button>
<button class="secondary" name="intent" value="count">Count audience</button>
</div>
</form>
${preview ? previews(preview, id!) : ''}`,
  });
}

/**
 * The rendered message at desktop and mobile widths. The frames get their
 * document inline (srcdoc) and are sandboxed: the app forbids being framed,
 * and a message never needs scripts.
 */
export function previews(preview: { subject: string; html: string }, id: number): Html {
  return html`<section aria-labelledby="preview-heading">
<h2 id="preview-heading">Preview</h2>
<p>Subject: <strong>${preview.subject}</strong> · <a href="/console/campaigns/${id}/preview">Open the preview on its own</a></p>
<div class="previews">
<figure class="desktop"><figcaption>Desktop (640 px)</figcaption><iframe title="Preview at desktop width" sandbox srcdoc="${preview.html}"></iframe></figure>
<figure class="mobile"><figcaption>Mobile (375 px)</figcaption><iframe title="Preview at mobile width" sandbox srcdoc="${preview.html}"></iframe></figure>
</div>
</section>`;
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
  timeZones: string[];
  error?: string;
  notice?: string;
}): Html {
  const { viewer, campaign: c, progress: p } = opts;
  const today = new Date().toISOString().slice(0, 10);
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
<dt>Topic</dt><dd>${topicLabel(c.topic)} by ${c.channel}</dd>
<dt>Subject</dt><dd>${c.subject}</dd>
<dt>Template</dt><dd>${c.template ?? 'own MJML (set through the API)'}</dd>
<dt>From</dt><dd>${c.fromAddress}</dd>
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
<label for="sendDate">Date</label><input type="date" id="sendDate" name="sendDate" required value="${today}">
<label for="sendTime">Time</label><input type="time" id="sendTime" name="sendTime" required value="09:00">
<label for="timeZone">Time zone</label>
<select id="timeZone" name="timeZone">${opts.timeZones.map((z) => html`<option${selected(z === c.timeZone)}>${z}</option>`)}</select>
<p class="hint">A time in the past starts sending straight away.</p>
<button>Schedule</button>
</form></div>`
    : ''
}
${'error' in opts.preview ? html`<h2>Preview</h2><p class="errors">${opts.preview.error}</p>` : previews(opts.preview, c.id)}`,
  });
}
