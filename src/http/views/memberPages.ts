/**
 * The pages a member reaches from a link in an email: confirm, unsubscribed,
 * left everything, undone, the preference centre, and the refusal pages.
 *
 * Server-rendered, no JavaScript, no external assets (the CSP allows none),
 * one column that reads on a phone, real <label>s, a visible focus ring, and
 * text and buttons at WCAG AA contrast or better. Every value is escaped by
 * `hono/html`; the token in form actions is URL-safe by construction.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { CHANNELS, TOPICS, type Topic } from '../../consent/vocabulary.ts';
import { type PageLanguage, type PageStrings, say, stringsFor } from '../../unsubscribe/i18n.ts';
import { type Preferences, preferenceKey } from '../../unsubscribe/preferences.ts';

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageContext {
  language: PageLanguage;
  society: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
p{margin:0 0 1rem}
form{margin:0 0 1rem}
button,.button{display:inline-block;min-height:2.75rem;padding:.6rem 1.1rem;border:2px solid #0b4f8a;border-radius:.3rem;
 background:#0b4f8a;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#0b4f8a}
a{color:#0b4f8a}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #1b1b1b}
fieldset{border:1px solid #767676;border-radius:.3rem;margin:0 0 1rem;padding:.5rem 1rem 1rem}
legend{font-weight:700;padding:0 .25rem}
.choice{display:flex;align-items:center;gap:.6rem;min-height:2.75rem}
.choice input{width:1.4rem;height:1.4rem;margin:0;accent-color:#0b4f8a}
.notice{border-left:.3rem solid #00703c;padding:.5rem .9rem;background:#f3f9f5}
footer{margin-top:2.5rem;padding-top:1rem;border-top:1px solid #b1b4b6;color:#505a5f;font-size:.9rem}
`;

function layout(ctx: PageContext, title: string, body: Markup): Markup {
  const t = stringsFor(ctx.language);
  return html`<!doctype html>
<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title} · ${ctx.society}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
<footer>${say(t.footer, { society: ctx.society })}</footer>
</main>
</body>
</html>`;
}

const topicName = (t: PageStrings, topic: Topic) => t.topics[topic];
const unsubscribePath = (token: string) => `/u/${token}`;
const preferencesPath = (token: string) => `/p/${token}`;

/** GET /u/:token — one button; the GET itself never changes anything. */
export function confirmPage(ctx: PageContext, token: string, topic: Topic): Markup {
  const t = stringsFor(ctx.language);
  const values = { topic: topicName(t, topic), society: ctx.society };
  return layout(
    ctx,
    say(t.confirmTitle, values),
    html`<p>${say(t.confirmBody, values)}</p>
<form method="post" action="${unsubscribePath(token)}">
<input type="hidden" name="action" value="unsubscribe">
<button type="submit">${t.unsubscribeButton}</button>
</form>
<p><a href="${preferencesPath(token)}">${t.managePreferences}</a></p>`,
  );
}

/** After unsubscribing: the topic left, and the three ways on. */
export function unsubscribedPage(ctx: PageContext, token: string, topic: Topic): Markup {
  const t = stringsFor(ctx.language);
  const values = { topic: topicName(t, topic), society: ctx.society };
  return layout(
    ctx,
    say(t.doneTitle, values),
    html`<p role="status">${say(t.doneBody, values)}</p>
<form method="post" action="${unsubscribePath(token)}">
<input type="hidden" name="action" value="all">
<button type="submit">${say(t.leaveAllButton, values)}</button>
</form>
<p><a class="button secondary" href="${preferencesPath(token)}">${t.managePreferences}</a></p>
<form method="post" action="${unsubscribePath(token)}">
<input type="hidden" name="action" value="undo">
<button type="submit" class="secondary">${say(t.undoButton, values)}</button>
</form>`,
  );
}

export function leftAllPage(ctx: PageContext, token: string): Markup {
  const t = stringsFor(ctx.language);
  const values = { society: ctx.society };
  return layout(
    ctx,
    say(t.allDoneTitle, values),
    html`<p role="status">${t.allDoneBody}</p>
<p><a href="${preferencesPath(token)}">${t.managePreferences}</a></p>`,
  );
}

export function undonePage(ctx: PageContext, token: string, topic: Topic): Markup {
  const t = stringsFor(ctx.language);
  return layout(
    ctx,
    say(t.undoneTitle, { topic: topicName(t, topic) }),
    html`<p role="status">${t.undoneBody}</p>
<p><a href="${preferencesPath(token)}">${t.managePreferences}</a></p>`,
  );
}

/** GET and POST /p/:token: one fieldset per topic, one labelled checkbox per channel. */
export function preferencesPage(
  ctx: PageContext,
  token: string,
  prefs: Preferences,
  options: { saved?: boolean } = {},
): Markup {
  const t = stringsFor(ctx.language);
  return layout(
    ctx,
    t.preferencesTitle,
    html`${options.saved ? html`<p class="notice" role="status">${t.savedNotice}</p>` : ''}
<p>${t.preferencesIntro}</p>
<form method="post" action="${preferencesPath(token)}">
${TOPICS.map(
  (topic) => html`<fieldset>
<legend>${t.topics[topic]}</legend>
${CHANNELS.map((channel) => {
  const id = `c-${topic}-${channel}`;
  const label = say(t.receive, { topic: t.topics[topic], channel: t.channels[channel].toLowerCase() });
  return html`<div class="choice"><input type="checkbox" id="${id}" name="${preferenceKey(topic, channel)}" value="on"${
    prefs.get(preferenceKey(topic, channel)) ? html` checked` : ''
  }><label for="${id}" aria-label="${label}">${t.channels[channel]}</label></div>`;
})}
</fieldset>`,
)}
<button type="submit">${t.saveButton}</button>
</form>`,
  );
}

/** 400: a token we did not sign, or for a recipient we do not have. */
export function invalidLinkPage(ctx: PageContext): Markup {
  const t = stringsFor(ctx.language);
  return layout(ctx, t.invalidTitle, html`<p>${t.invalidBody}</p>`);
}

/** 403: a page form posted from another site. */
export function refusedPage(ctx: PageContext): Markup {
  const t = stringsFor(ctx.language);
  return layout(ctx, t.refusedTitle, html`<p>${t.refusedBody}</p>`);
}
