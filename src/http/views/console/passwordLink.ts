import { html } from 'hono/html';
import { PASSWORD_MIN } from '../../../console/password.ts';
import { type Html, layout } from './layout.ts';

/** The page a single-use password link opens: choose a password, then sign in with it. */
export function passwordLinkPage(opts: {
  action: string;
  holder: { name: string; email: string };
  error?: string;
}): Html {
  return layout({
    title: 'Set your password',
    body: html`<div class="narrow"><h1>Set your password</h1>
<p>For ${opts.holder.name}, who signs in as <strong>${opts.holder.email}</strong>. This link works once.</p>
${opts.error ? html`<div class="errors" role="alert"><p>${opts.error}</p></div>` : ''}
<form method="post" action="${opts.action}">
<label for="password">New password <span class="hint">(at least ${PASSWORD_MIN} characters)</span></label>
<input type="password" id="password" name="password" required minlength="${PASSWORD_MIN}" autocomplete="new-password">
<label for="confirm">The same password again</label>
<input type="password" id="confirm" name="confirm" required autocomplete="new-password">
<div class="actions"><button>Set my password</button></div>
</form></div>`,
  });
}

export function passwordLinkGonePage(): Html {
  return layout({
    title: 'Link not valid',
    body: html`<div class="narrow"><h1>This link no longer works</h1>
<p>It has been used, has expired, or was replaced by a newer one. Ask an administrator for a new link, or <a href="/console/sign-in">sign in</a> if you have set your password.</p></div>`,
  });
}
