import type { OpenAPIHono } from '@hono/zod-openapi';
import { fromZonedTime } from 'date-fns-tz';
import type { Context } from 'hono';
import { isTimeZone } from '../../campaigns/campaignInput.ts';
import type { Deps } from '../../deps.ts';
import { REVIEW_ACTIONS } from '../../partners/offerStates.ts';
import { findOffer, listOffers, moveOffer, staffView } from '../../partners/offers.ts';
import { renderOfferPreview } from '../../partners/preview.ts';
import { scheduleOffer } from '../../partners/scheduleOffer.ts';
import type { AppEnv } from '../auth.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { offerQueuePage, offerReviewPage, QUEUE_FILTERS } from '../views/console/offers.ts';
import { type ConsoleKit, str } from './consoleKit.ts';

const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

/** The offer review queue: editors look, approvers decide and schedule. */
export function consoleOfferRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const show = async (
    c: Context,
    viewer: Viewer,
    id: number,
    error?: string,
    status: 200 | 400 | 409 = 200,
    asked: Pick<Parameters<typeof offerReviewPage>[0], 'review' | 'schedule'> = {},
  ) => {
    const row = await findOffer(deps.db, id);
    if (!row) return kit.render(c, notFoundPage(viewer, 'offer'), 404);
    const rendered = await renderOfferPreview(row.offer, row.partnerName, deps.config);
    const preview = rendered.ok
      ? { subject: rendered.subject, html: rendered.html }
      : { error: `The offer cannot be rendered: ${rendered.message}` };
    return kit.render(
      c,
      offerReviewPage({
        viewer,
        offer: staffView(row),
        preview,
        timeZones: TIME_ZONES,
        ...asked,
        error,
        notice: kit.notice(c),
      }),
      status,
    );
  };

  app.get('/console/offers', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    const show = c.req.query('show') ?? 'waiting';
    const filter = QUEUE_FILTERS[show] ? show : 'waiting';
    const states = QUEUE_FILTERS[filter]!.states;
    const rows = (await listOffers(deps.db))
      .map(staffView)
      .filter((o) => !states || states.includes(o.state));
    return kit.render(c, offerQueuePage(viewer, filter, rows, kit.notice(c)));
  });

  app.get('/console/offers/:id{[0-9]{1,15}}', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    return show(c, viewer, Number(c.req.param('id')));
  });

  app.post('/console/offers/:id{[0-9]{1,15}}/review', async (c) => {
    const posted = await kit.form(c, 'approver');
    if (posted instanceof Response) return posted;
    const id = Number(c.req.param('id'));
    const to = str(posted.form, 'to');
    const note = str(posted.form, 'note');
    const review = { review: { to, note } };
    if (!(to in REVIEW_ACTIONS))
      return show(c, posted.viewer, id, 'Choose approve, request changes or reject.', 400, review);
    const action = REVIEW_ACTIONS[to as keyof typeof REVIEW_ACTIONS];
    // The API needs a note to approve or reject; the console asks one for every decision, as the partner reads it.
    if (to !== 'in-review' && !note)
      return show(c, posted.viewer, id, 'Write a note to the partner.', 400, review);
    if (note.length > 2000)
      return show(c, posted.viewer, id, 'Keep the note under 2,000 characters.', 400, review);
    const outcome = await deps.db.transaction((tx) =>
      moveOffer(tx, { offerId: id, action, actor: `staff:${posted.viewer.staff.id}`, note: note || null }),
    );
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'offer'), 404);
    if (outcome.type === 'illegal')
      return show(c, posted.viewer, id, `Not possible now: ${outcome.message}.`, 409);
    return c.redirect(`/console/offers/${id}?done=reviewed`, 303);
  });

  app.post('/console/offers/:id{[0-9]{1,15}}/schedule', async (c) => {
    const posted = await kit.form(c, 'approver');
    if (posted instanceof Response) return posted;
    const id = Number(c.req.param('id'));
    const date = str(posted.form, 'sendDate');
    const time = str(posted.form, 'sendTime');
    const timeZone = str(posted.form, 'timeZone') || 'UTC';
    const asked = { schedule: { date, time, timeZone } };
    const realDay =
      /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
    if (!realDay || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time) || !isTimeZone(timeZone)) {
      return show(
        c,
        posted.viewer,
        id,
        'Give a date (such as 2026-12-24), a time (such as 09:00) and a time zone from the list.',
        400,
        asked,
      );
    }
    const outcome = await scheduleOffer(deps, {
      offerId: id,
      actor: `staff:${posted.viewer.staff.id}`,
      sendAt: fromZonedTime(`${date}T${time}`, timeZone),
    });
    switch (outcome.type) {
      case 'scheduled':
        return c.redirect(`/console/offers/${id}?done=offer-scheduled`, 303);
      case 'not-found':
        return kit.render(c, notFoundPage(posted.viewer, 'offer'), 404);
      case 'invalid':
        return show(
          c,
          posted.viewer,
          id,
          `The send time ${outcome.message.replace(/^sendAt /, '')}.`,
          400,
          asked,
        );
      default:
        return show(c, posted.viewer, id, `The offer cannot be scheduled: ${outcome.message}.`, 409);
    }
  });
}
