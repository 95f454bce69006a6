import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { CHANNELS, STAFF_SOURCES, TOPICS } from '../../consent/vocabulary.ts';
import {
  CORRECTABLE,
  type Correction,
  correctMember,
  emptyCorrection,
  findMember,
  searchMembers,
  suppressionOf,
} from '../../console/members.ts';
import type { Deps } from '../../deps.ts';
import { memberHistory } from '../../unsubscribe/consentHistory.ts';
import { recordStaffRequest } from '../../unsubscribe/staffRequests.ts';
import type { AppEnv } from '../auth.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { memberPage, memberSearchPage, type RequestForm } from '../views/console/members.ts';
import { type ConsoleKit, str } from './consoleKit.ts';

/** Members in the console: search, profile with consents and history, requests, corrections. Editors and up. */
export function consoleMemberRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const show = async (
    c: Context,
    viewer: Viewer,
    id: number,
    opts: {
      correction?: Correction;
      errors?: Record<string, string>;
      requestErrors?: Record<string, string>;
      request?: RequestForm;
    } = {},
    status: 200 | 400 = 200,
  ) => {
    const member = await findMember(deps.db, id);
    if (!member) return kit.render(c, notFoundPage(viewer, 'member'), 404);
    const history = (await memberHistory(deps.db, id))!;
    return kit.render(
      c,
      memberPage({
        viewer,
        member,
        history,
        suppression: await suppressionOf(deps.db, member.emailNormalized),
        correction: opts.correction ?? emptyCorrection(member),
        errors: opts.errors ?? {},
        requestErrors: opts.requestErrors ?? {},
        request: opts.request,
        notice: kit.notice(c),
      }),
      status,
    );
  };

  app.get('/console/members', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    const q = (c.req.query('q') ?? '').trim();
    return kit.render(c, memberSearchPage(viewer, q, q ? await searchMembers(deps.db, q) : null));
  });

  app.get('/console/members/:id{[0-9]{1,15}}', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    return show(c, viewer, Number(c.req.param('id')));
  });

  app.post('/console/members/:id{[0-9]{1,15}}/requests', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const { viewer, form } = posted;
    const id = Number(c.req.param('id'));
    const errors: Record<string, string> = {};
    const source = str(form, 'source') as (typeof STAFF_SOURCES)[number];
    if (!STAFF_SOURCES.includes(source)) errors.source = 'choose how the member asked: email, phone or post';
    const note = str(form, 'note');
    if (!note) errors.note = 'say what the member asked for';
    else if (note.length > 1000) errors.note = 'keep the note under 1,000 characters';
    const changes = TOPICS.flatMap((topic) =>
      CHANNELS.flatMap((channel) => {
        const v = str(form, `change:${topic}:${channel}`);
        return v === 'in' || v === 'out' ? [{ topic, channel, granted: v === 'in' }] : [];
      }),
    );
    if (changes.length === 0) errors.changes = 'choose at least one change';
    const on = str(form, 'requestedOn');
    let requestedAt: Date | undefined;
    if (on) {
      requestedAt = /^\d{4}-\d{2}-\d{2}$/.test(on) ? new Date(`${on}T12:00:00Z`) : undefined;
      if (!requestedAt || Number.isNaN(requestedAt.getTime()) || requestedAt > deps.clock.now()) {
        errors.requestedOn = 'a date, today or earlier';
        requestedAt = undefined;
      }
    }
    if (Object.keys(errors).length > 0) {
      const asked = Object.fromEntries(
        changes.map((ch) => [`${ch.topic}:${ch.channel}`, ch.granted ? 'in' : 'out'] as const),
      );
      const request = { source: str(form, 'source'), note, requestedOn: on, changes: asked };
      return show(c, viewer, id, { requestErrors: errors, request }, 400);
    }
    const recorded = await recordStaffRequest(deps.db, {
      memberId: id,
      source,
      note,
      changes,
      requestedAt,
      actor: `staff:${viewer.staff.id}`,
    });
    if (recorded === null) return kit.render(c, notFoundPage(viewer, 'member'), 404);
    deps.metrics.consentChanges.labels(source).inc(recorded);
    return c.redirect(`/console/members/${id}?done=recorded`, 303);
  });

  app.post('/console/members/:id{[0-9]{1,15}}', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const id = Number(c.req.param('id'));
    const correction = Object.fromEntries(CORRECTABLE.map((k) => [k, str(posted.form, k)])) as Correction;
    const outcome = await correctMember(deps.db, id, correction, `staff:${posted.viewer.staff.id}`);
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'member'), 404);
    if (outcome.type === 'invalid')
      return show(c, posted.viewer, id, { correction, errors: outcome.errors }, 400);
    return c.redirect(`/console/members/${id}?done=corrected`, 303);
  });
}
