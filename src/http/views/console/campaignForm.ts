import { html, raw } from 'hono/html';
import type { AudiencePreview } from '../../../audiences/preview.ts';
import { TOPIC_LABELS } from '../../../consent/topicLabels.ts';
import { CHANNELS, MEMBER_STATUSES, SOCIETY_TOPICS, type Topic } from '../../../consent/vocabulary.ts';
import { type CampaignForm, MAX_VARIANTS, variantField } from '../../../console/campaignForm.ts';
import type { ContractChoice } from '../../../subcontractors/contractChoices.ts';
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
} from './layout.ts';

const SECTION = '/console/campaigns';

export const topicLabel = (t: string) => {
  const label = TOPIC_LABELS.en[t as Topic] ?? t;
  return label.charAt(0).toUpperCase() + label.slice(1);
};

export const channelWord = (channel: string) => (channel === 'postal' ? 'post' : channel);

type SegmentField =
  | 'countries'
  | 'languages'
  | 'membershipTypes'
  | 'chapters'
  | 'joinedAfter'
  | 'joinedBefore'
  | 'renewedAfter';

function segmentFields(form: CampaignForm, errors: Record<string, string>): Html {
  const text = (
    name: SegmentField,
    label: string,
    hint: string,
  ) => html`<label for="${name}">${label} <span class="hint">${hint}</span></label>
<input type="text" id="${name}" name="${name}" value="${form[name]}"${describedBy(errors, name)}>${fieldError(errors, name)}`;
  const date = (name: SegmentField, label: string) => html`<label for="${name}">${label}</label>
<input type="date" id="${name}" name="${name}" value="${form[name]}"${describedBy(errors, name)}>${fieldError(errors, name)}`;
  return html`<fieldset>
<legend>Who receives it</legend>
<p class="hint">Only members who opted in to this topic on this channel and are not suppressed. Leave a field empty to include everyone.</p>
${
  form.kept
    ? html`<div id="kept">
<p>This audience was set through the API in a way these fields cannot show. It is kept as it is:</p>
<pre class="segment">${form.kept}</pre>
<input type="hidden" name="kept" value="${form.kept}">
<label class="inline"><input type="checkbox" name="replaceKept" value="yes"> Replace it with the choices below</label>${fieldError(errors, 'kept')}
</div>`
    : ''
}
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

/** Template or own MJML: both stay on the page, so the choice works without script. */
function contentFields(form: CampaignForm, templates: string[], errors: Record<string, string>): Html {
  return html`<fieldset id="source"><legend>Content</legend>
<label class="inline"><input type="radio" name="source" value="template"${checked(form.source === 'template')}> A template</label>
<label class="inline"><input type="radio" name="source" value="mjml"${checked(form.source === 'mjml')}> MJML written here</label>
<div data-source="template">
<label for="template">Template</label>
<select id="template" name="template"${describedBy(errors, 'template')}>${templates.map((t) => html`<option value="${t}"${selected(form.template === t)}>${t}</option>`)}</select>${fieldError(errors, 'template')}
</div>
<div data-source="mjml">
<label for="mjml">MJML <span class="hint">(a whole &lt;mjml&gt; document or just its &lt;mj-body&gt;; may use {{name}} and {{first_name}}. The footer with the unsubscribe and preference links and the Society’s address is added at the end: do not write your own, and do not hide it.)</span></label>
<textarea id="mjml" name="mjml" class="code" rows="16" spellcheck="false"${describedBy(errors, 'mjml')}>${form.mjml}</textarea>${fieldError(errors, 'mjml')}
</div>
</fieldset>`;
}

/** The saved translations and one empty row to add another (save to get the next). */
function variantFields(form: CampaignForm, errors: Record<string, string>): Html {
  const rows = form.variants.length < MAX_VARIANTS ? [...form.variants, null] : form.variants;
  return html`<fieldset id="variants"><legend>Translations</legend>
<p class="hint">Members whose language is given here get this subject and MJML instead of the main ones; what a translation leaves empty comes from the main content. Empty a row to remove it.</p>
${rows.map((v, i) => {
  const lang = variantField(i, 'language');
  const subject = variantField(i, 'subject');
  const mjml = variantField(i, 'mjml');
  return html`<fieldset class="variant"><legend>${v ? `Translation ${i + 1}` : 'Add a translation'}</legend>
<label for="${lang}">Language of the translation <span class="hint">(two-letter code, e.g. fr)</span></label>
<input type="text" id="${lang}" name="${lang}" value="${v?.language ?? ''}"${describedBy(errors, lang)}>${fieldError(errors, lang)}
<label for="${subject}">Translated subject</label>
<input type="text" id="${subject}" name="${subject}" value="${v?.subject ?? ''}"${describedBy(errors, subject)}>${fieldError(errors, subject)}
<label for="${mjml}">Translated MJML <span class="hint">(leave empty to use the main content)</span></label>
<textarea id="${mjml}" name="${mjml}" class="code" rows="${v?.mjml ? 12 : 3}" spellcheck="false"${describedBy(errors, mjml)}>${v?.mjml ?? ''}</textarea>${fieldError(errors, mjml)}
</fieldset>`;
})}
</fieldset>`;
}

function contractOptions(form: CampaignForm, contracts: ContractChoice[]): Html {
  const known = contracts.some((c) => String(c.id) === form.contractId);
  return html`<option value="">The usual contract for the channel</option>
${form.contractId && !known ? html`<option value="${form.contractId}" selected>Contract ${form.contractId} (not in force today)</option>` : ''}
${CHANNELS.map((ch) => {
  const list = contracts.filter((c) => c.service === ch);
  return list.length === 0
    ? ''
    : html`<optgroup label="By ${channelWord(ch)}">${list.map(
        (c) =>
          html`<option value="${c.id}" data-service="${c.service}"${selected(String(c.id) === form.contractId)}>${c.reference} — ${c.subcontractor}, until ${c.validTo}</option>`,
      )}</optgroup>`;
})}`;
}

function sendingFields(
  form: CampaignForm,
  contracts: ContractChoice[],
  errors: Record<string, string>,
): Html {
  return html`<fieldset><legend>How it is sent</legend>
<div class="grid"><div>
<label for="fromAddress">From <span class="hint">(leave empty for the Society’s usual sender)</span></label>
<input type="text" id="fromAddress" name="fromAddress" value="${form.fromAddress}"${describedBy(errors, 'fromAddress')}>${fieldError(errors, 'fromAddress')}
<label for="replyTo">Replies go to <span class="hint">(leave empty to reply to the sender)</span></label>
<input type="text" id="replyTo" name="replyTo" value="${form.replyTo}"${describedBy(errors, 'replyTo')}>${fieldError(errors, 'replyTo')}
</div><div>
<label for="rateLimit">Send rate <span class="hint">(messages per second, at most 10000; leave empty to send as fast as the Society’s overall rate allows)</span></label>
<input type="text" inputmode="decimal" id="rateLimit" name="rateLimit" value="${form.rateLimit}"${describedBy(errors, 'rateLimit')}>${fieldError(errors, 'rateLimit')}
<label for="contractId">Subcontractor contract <span class="hint">(the terms the email service or mail house works under; only contracts in force for the campaign’s channel can be used)</span></label>
<select id="contractId" name="contractId"${describedBy(errors, 'contractId')}>${contractOptions(form, contracts)}</select>${fieldError(errors, 'contractId')}
</div></div>
</fieldset>`;
}

/** The create/edit form. `audience` is shown when counted; `preview` when the content renders. */
export function campaignFormPage(opts: {
  viewer: Viewer;
  id: number | null;
  form: CampaignForm;
  templates: string[];
  contracts: ContractChoice[];
  errors: Record<string, string>;
  audience?: AudiencePreview | null;
  preview?: { subject: string; html: string } | null;
  /** Whose language the preview is drawn in (empty: the main language). */
  previewLanguage?: string;
  notice?: string;
}): Html {
  const { viewer, id, form, templates, errors, audience } = opts;
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
<form method="post" action="${action}" data-audience-count="/console/audience-count" data-live-preview="/console/campaigns/preview" novalidate>
${csrfField(viewer)}
<div class="grid"><div>
<label for="name">Name <span class="hint">(for staff only)</span></label>
<input type="text" id="name" name="name" required value="${form.name}"${describedBy(errors, 'name')}>${fieldError(errors, 'name')}
<label for="topic">Topic</label>
<select id="topic" name="topic"${describedBy(errors, 'topic')}>${SOCIETY_TOPICS.map((t) => html`<option value="${t}"${selected(form.topic === t)}>${topicLabel(t)}</option>`)}</select>${fieldError(errors, 'topic')}
<label for="channel">Channel</label>
<select id="channel" name="channel"${describedBy(errors, 'channel')}>${CHANNELS.map((ch) => html`<option value="${ch}"${selected(form.channel === ch)}>${channelWord(ch)}</option>`)}</select>${fieldError(errors, 'channel')}
<p class="hint">By post, the mail house prints the artwork uploaded on the campaign’s page; the subject and content below are still kept for the record.</p>
</div><div>
<label for="subject">Subject <span class="hint">(may use {{name}} and {{first_name}})</span></label>
<input type="text" id="subject" name="subject" required value="${form.subject}"${describedBy(errors, 'subject')}>${fieldError(errors, 'subject')}
<label for="defaultLanguage">Language <span class="hint">(two-letter code)</span></label>
<input type="text" id="defaultLanguage" name="defaultLanguage" value="${form.defaultLanguage}"${describedBy(errors, 'defaultLanguage')}>${fieldError(errors, 'defaultLanguage')}
</div></div>
${contentFields(form, templates, errors)}
${variantFields(form, errors)}
${sendingFields(form, opts.contracts, errors)}
${segmentFields(form, errors)}
<p id="audience-count" role="status" aria-live="polite">${
      audience
        ? `${audience.total} members would receive it now.`
        : 'Press “Count audience” to see how many members would receive it.'
    }</p>
<label for="previewLanguage">Preview as a member who reads <span class="hint">(a language code such as fr; empty: the main language)</span></label>
<input type="text" id="previewLanguage" name="previewLanguage" value="${opts.previewLanguage ?? ''}">
<div class="actions">
<button name="intent" value="save">${id === null ? 'Save draft' : 'Save and preview'}</button>
<button class="secondary" name="intent" value="preview">Preview</button>
<button class="secondary" name="intent" value="count">Count audience</button>
</div>
</form>
${previews(opts.preview ?? null, id)}`,
  });
}

/**
 * The rendered message at desktop and mobile widths. The frames get their
 * document inline (srcdoc) and are sandboxed: the app forbids being framed,
 * and a message never needs scripts. Drawn empty and hidden when there is
 * nothing to show yet, so the page's script can fill them as the form changes.
 */
export function previews(preview: { subject: string; html: string } | null, id: number | null): Html {
  const hidden = preview ? '' : raw(' hidden');
  return html`<section aria-labelledby="preview-heading" data-preview>
<h2 id="preview-heading">Preview</h2>
<p data-preview-status role="status" aria-live="polite">${preview ? '' : 'Press “Preview” to see the message as a member would get it.'}</p>
<p data-preview-subject-line${hidden}>Subject: <strong data-preview-subject>${preview?.subject ?? ''}</strong>${id !== null && preview ? html` · <a href="/console/campaigns/${id}/preview">Open the saved version on its own</a>` : ''}</p>
<div class="previews"${hidden}>
<figure class="desktop"><figcaption>Desktop (640 px)</figcaption><iframe title="Preview at desktop width" sandbox srcdoc="${preview?.html ?? ''}"></iframe></figure>
<figure class="mobile"><figcaption>Mobile (375 px)</figcaption><iframe title="Preview at mobile width" sandbox srcdoc="${preview?.html ?? ''}"></iframe></figure>
</div>
</section>`;
}
