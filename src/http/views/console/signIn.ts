import { html } from 'hono/html';
import { PASSWORD_MIN } from '../../../console/password.ts';
import { type Html, layout } from './layout.ts';

/**
 * The sign-in page. With `sso` (the configured label), single sign-on is
 * offered first, as a plain link: it works without JavaScript.
 */
export function signInPage(opts: {
  error?: string;
  email?: string;
  next?: string;
  notice?: string;
  sso?: string | undefined;
}): Html {
  const ssoHref = `/console/sign-in/oidc${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`;
  return layout({
    title: 'Sign in',
    notice: opts.notice,
    body: html`<div class="narrow">
<h1>Sign in to the staff console</h1>
${opts.error ? html`<p class="errors" role="alert">${opts.error}</p>` : ''}
${
  opts.sso
    ? html`<p class="actions"><a class="button" href="${ssoHref}">Sign in with ${opts.sso}</a></p>
<h2>Or sign in with your password</h2>`
    : ''
}
<form method="post" action="/console/sign-in">
<input type="hidden" name="next" value="${opts.next ?? ''}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button>Sign in</button></div>
</form>
<p>First time here? <a href="/console/first-sign-in">Set your password with your API token</a>.</p>
<p>Partners sign in to the <a href="/partner">partner portal</a>.</p>
</div>`,
  });
}

/**
 * Setting a password by showing an API token: how the first admin (whose
 * token is printed at first start) and anyone given a token gets in.
 */
export function firstSignInPage(opts: { error?: string }): Html {
  return layout({
    title: 'Set your password',
    body: html`<div class="narrow">
<h1>Set your password</h1>
<p>Paste the staff API token you were given (the first administrator’s is printed when the service first starts),
then choose a password for the console. An administrator can also set one with
<code>npm run cli -- staff password --email &lt;address&gt;</code>.</p>
${opts.error ? html`<p class="errors" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/console/first-sign-in">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<label for="password">New password <span class="hint">(at least ${PASSWORD_MIN} characters)</span></label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}">
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}">
<div class="actions"><button>Set password</button></div>
</form>
</div>`,
  });
}
