import { html, raw } from 'hono/html';
import { CHANNEL_LABELS, TOPIC_LABELS } from '../../../consent/topicLabels.ts';
import { CHANNELS, type Channel, STAFF_SOURCES, TOPICS, type Topic } from '../../../consent/vocabulary.ts';
import type { Correction, MemberRow } from '../../../console/members.ts';
import type { MemberHistory } from '../../../unsubscribe/consentHistory.ts';
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

const SECTION = '/console/members';
const topicLabel = (t: Topic) => TOPIC_LABELS.en[t].charAt(0).toUpperCase() + TOPIC_LABELS.en[t].slice(1);
const channelLabel = (c: Channel) => CHANNEL_LABELS.en[c];
const SOURCE_WORDS: Record<string, string> = {
  'staff-email': 'by email',
  'staff-phone': 'by phone',
  'staff-post': 'by post',
};

/** A staff request as last posted, shown again with its errors. */
export interface RequestForm {
  source: string;
  note: string;
  requestedOn: string;
  /** "topic:channel" → "in" | "out" */
  changes: Record<string, 'in' | 'out'>;
}

/** A group's error tied to it (aria-invalid belongs on the controls, not the group). */
const groupError = (errors: Record<string, string>, field: string) =>
  errors[field] ? raw(` aria-describedby="${field}-error"`) : '';

const NO_REQUEST: RequestForm = { source: 'staff-phone', note: '', requestedOn: '', changes: {} };

export function memberSearchPage(viewer: Viewer, query: string, results: MemberRow[] | null): Html {
  return layout({
    title: 'Members',
    viewer,
    section: SECTION,
    body: html`<h1>Members</h1>
<form method="get" action="/console/members" role="search">
<label for="q">Email address or membership number <span class="hint">(or the start of one)</span></label>
<input type="search" id="q" name="q" value="${query}" required minlength="2">
<div class="actions"><button>Search</button></div>
</form>
${
  results === null
    ? ''
    : results.length === 0
      ? html`<p role="status">No member matches “${query}”.</p>`
      : html`<table><caption class="hint">${results.length === 50 ? 'The first 50 matches' : `${results.length} match${results.length === 1 ? '' : 'es'}`}</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Membership number</th><th scope="col">Status</th></tr></thead>
<tbody>${results.map((m) => html`<tr><td><a href="/console/members/${m.id}">${m.email}</a></td><td>${m.name}</td><td>${m.externalId ?? '—'}</td><td>${m.status}</td></tr>`)}</tbody></table>`
}`,
  });
}

export function memberPage(opts: {
  viewer: Viewer;
  member: MemberRow;
  history: MemberHistory;
  suppression: string | null;
  correction: Correction;
  errors: Record<string, string>;
  requestErrors: Record<string, string>;
  request?: RequestForm | undefined;
  notice?: string;
}): Html {
  const { viewer, member: m, history, correction, errors, requestErrors } = opts;
  const request = opts.request ?? NO_REQUEST;
  const current = new Map(history.current.map((c) => [`${c.topic}/${c.channel}`, c]));
  const text = (
    name: keyof Correction,
    label: string,
    type = 'text',
    autocomplete = 'off',
  ) => html`<label for="${name}">${label}</label>
<input type="${type}" id="${name}" name="${name}" autocomplete="${autocomplete}" value="${correction[name]}"${describedBy(errors, name)}>${fieldError(errors, name)}`;
  return layout({
    title: m.name,
    viewer,
    section: SECTION,
    notice: opts.notice,
    body: html`<p><a href="/console/members">Search members</a></p>
<h1>${m.name}</h1>
<dl class="facts">
<dt>Email</dt><dd>${m.email}${opts.suppression ? html` <strong class="withdrawn">— no mail is sent to it (${opts.suppression})</strong>` : ''}</dd>
<dt>Membership number</dt><dd>${m.externalId ?? '—'}</dd>
<dt>Status</dt><dd>${m.status}${m.membershipType ? `, ${m.membershipType}` : ''}${m.chapter ? `, ${m.chapter} chapter` : ''}</dd>
<dt>Country and language</dt><dd>${m.country ?? '—'}, ${m.language}</dd>
<dt>Joined</dt><dd>${m.joinedOn ?? '—'}${m.renewedOn ? `, renewed ${m.renewedOn}` : ''}</dd>
</dl>

<h2 id="consents-heading">What they receive now</h2>
<table aria-labelledby="consents-heading">
<thead><tr><th scope="col">Topic</th>${CHANNELS.map((ch) => html`<th scope="col">By ${channelLabel(ch)}</th>`)}</tr></thead>
<tbody>${TOPICS.map(
      (t) =>
        html`<tr><th scope="row">${topicLabel(t)}</th>${CHANNELS.map((ch) => {
          const c = current.get(`${t}/${ch}`);
          return c?.granted
            ? html`<td><span class="granted">Yes</span> <span class="hint">since ${when(c.occurredAt)}</span></td>`
            : html`<td>No${c?.source ? html` <span class="hint">(${c.source}, ${when(c.occurredAt)})</span>` : ''}</td>`;
        })}</tr>`,
    )}</tbody></table>

<h2>Record a request the member made</h2>
${errorList(requestErrors)}
<form method="post" action="/console/members/${m.id}/requests">
${csrfField(viewer)}
<fieldset id="source"${groupError(requestErrors, 'source')}><legend>How did they ask?</legend>
${STAFF_SOURCES.map((s) => html`<label class="inline"><input type="radio" name="source" value="${s}"${checked(request.source === s)}> ${SOURCE_WORDS[s]}</label>`)}
${fieldError(requestErrors, 'source')}
</fieldset>
<fieldset id="changes"${groupError(requestErrors, 'changes')}><legend>What did they ask for?</legend>
${fieldError(requestErrors, 'changes')}
<table><thead><tr><th scope="col">Topic and channel</th><th scope="col">Change</th></tr></thead><tbody>
${TOPICS.flatMap((t) =>
  CHANNELS.map(
    (ch) => html`<tr><td><label for="change-${t}-${ch}">${topicLabel(t)} by ${channelLabel(ch)}</label></td>
<td><select id="change-${t}-${ch}" name="change:${t}:${ch}"><option value="">No change</option><option value="out"${selected(request.changes[`${t}:${ch}`] === 'out')}>Stop sending it</option><option value="in"${selected(request.changes[`${t}:${ch}`] === 'in')}>Send it</option></select></td></tr>`,
  ),
)}</tbody></table>
</fieldset>
<label for="note">Note <span class="hint">(what they asked, in your words; no addresses)</span></label>
<textarea id="note" name="note" required maxlength="1000"${describedBy(requestErrors, 'note')}>${request.note}</textarea>${fieldError(requestErrors, 'note')}
<label for="requestedOn">Date of the request <span class="hint">(leave empty for today)</span></label>
<input type="date" id="requestedOn" name="requestedOn" value="${request.requestedOn}"${describedBy(requestErrors, 'requestedOn')}>${fieldError(requestErrors, 'requestedOn')}
<div class="actions"><button>Record the request</button></div>
</form>

<h2 id="history-heading">Consent history</h2>
${
  history.events.length === 0
    ? html`<p>No changes recorded.</p>`
    : html`<table aria-labelledby="history-heading"><thead><tr><th scope="col">When</th><th scope="col">Topic and channel</th><th scope="col">Change</th><th scope="col">How</th><th scope="col">Who</th><th scope="col">Why</th></tr></thead>
<tbody>${[...history.events].reverse().map(
        (
          e,
        ) => html`<tr><td>${when(e.occurredAt)}</td><td>${topicLabel(e.topic)} by ${channelLabel(e.channel)}</td>
<td>${e.granted ? html`<span class="granted">opted in</span>` : html`<span class="withdrawn">opted out</span>`}</td>
<td>${e.source}</td><td>${e.actor}</td><td>${e.note ?? ''}</td></tr>`,
      )}</tbody></table>`
}

<h2>Correct their details</h2>
${errorList(errors)}
<form method="post" action="/console/members/${m.id}">
${csrfField(viewer)}
<div class="grid"><div>
${text('name', 'Name')}
${text('email', 'Email address', 'email')}
${text('language', 'Language (two-letter code)')}
${text('country', 'Country (two-letter code)')}
</div><div>
${text('addressLine1', 'Address line 1')}
${text('addressLine2', 'Address line 2')}
${text('city', 'City')}
${text('region', 'Region')}
${text('postalCode', 'Postal code')}
</div></div>
<div class="actions"><button>Save the corrections</button></div>
</form>`,
  });
}
