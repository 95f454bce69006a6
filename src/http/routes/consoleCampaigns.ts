import type { OpenAPIHono } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { audiencePreview } from '../../audiences/preview.ts';
import { isTimeZone } from '../../campaigns/campaignInput.ts';
import { type Campaign, campaignProgress, findCampaign } from '../../campaigns/campaignStore.ts';
import {
  type CommandResult,
  cancelCampaign,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  unscheduleCampaign,
} from '../../campaigns/commands.ts';
import { artworkRefusal, setCampaignArtwork } from '../../campaigns/setArtwork.ts';
import { CHANNELS, type Channel, SOCIETY_TOPICS, TOPICS, type Topic } from '../../consent/vocabulary.ts';
import {
  deleteDraft,
  previewCampaign,
  previewForm,
  saveDraft,
  sendTestToSelf,
} from '../../console/campaignDrafts.ts';
import {
  type CampaignForm,
  EMPTY_CAMPAIGN_FORM,
  formOfCampaign,
  MAX_VARIANTS,
  type VariantForm,
  variantField,
} from '../../console/campaignForm.ts';
import { segmentFromForm } from '../../console/segmentForm.ts';
import { campaigns } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { storeArtwork } from '../../subcontractors/artwork.ts';
import { contractName, liveContracts } from '../../subcontractors/contractChoices.ts';
import { createSesAdapter } from '../../subcontractors/sesAdapter.ts';
import { createCompileCache, listTemplates } from '../../templates/index.ts';
import type { AppEnv } from '../auth.ts';
import { campaignFormPage } from '../views/console/campaignForm.ts';
import {
  campaignListPage,
  campaignPage,
  progressView,
  type ScheduleForm,
} from '../views/console/campaigns.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { type ConsoleKit, type Form, list, str } from './consoleKit.ts';

const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

function readForm(form: Form): CampaignForm {
  const variants: VariantForm[] = [];
  for (let i = 0; i < MAX_VARIANTS; i++) {
    variants.push({
      language: str(form, variantField(i, 'language')),
      subject: str(form, variantField(i, 'subject')),
      mjml: raw(form, variantField(i, 'mjml')),
    });
  }
  while (variants.length > 0 && Object.values(variants.at(-1)!).every((v) => !v.trim())) variants.pop();
  return {
    name: str(form, 'name'),
    topic: str(form, 'topic'),
    channel: str(form, 'channel'),
    subject: str(form, 'subject'),
    source: str(form, 'source') === 'mjml' ? 'mjml' : 'template',
    template: str(form, 'template'),
    mjml: raw(form, 'mjml'),
    defaultLanguage: str(form, 'defaultLanguage').toLowerCase(),
    variants,
    fromAddress: str(form, 'fromAddress'),
    replyTo: str(form, 'replyTo'),
    rateLimit: str(form, 'rateLimit'),
    contractId: str(form, 'contractId'),
    countries: str(form, 'countries'),
    languages: str(form, 'languages'),
    membershipTypes: str(form, 'membershipTypes'),
    chapters: str(form, 'chapters'),
    statuses: list(form, 'statuses'),
    joinedAfter: str(form, 'joinedAfter'),
    joinedBefore: str(form, 'joinedBefore'),
    renewedAfter: str(form, 'renewedAfter'),
    kept: str(form, 'replaceKept') ? '' : str(form, 'kept'),
  };
}

/** A text area as typed: MJML keeps its leading indentation and line numbers. */
const raw = (form: Form, key: string): string => {
  const v = form[key];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).replace(/\r\n/g, '\n');
};

/** Campaigns in the console: list, draft, preview, test, schedule and follow. Editors and up. */
export function consoleCampaignRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const cache = createCompileCache({ maxEntries: 32 });
  const sender = createSesAdapter({ client: deps.ses, configurationSet: deps.config.SES_CONFIGURATION_SET });
  const templates = async () => (await listTemplates()).filter((t) => t !== 'partner-offer');

  const formPage = async (
    c: Context,
    opts: Omit<Parameters<typeof campaignFormPage>[0], 'templates' | 'contracts'>,
    status: 200 | 400 = 200,
  ) =>
    kit.render(
      c,
      campaignFormPage({
        ...opts,
        templates: await templates(),
        contracts: await liveContracts(deps.db, deps.clock.now()),
      }),
      status,
    );

  const countFor = async (form: CampaignForm) => {
    const segment = segmentFromForm(form);
    const topic = (TOPICS as readonly string[]).includes(form.topic)
      ? (form.topic as Topic)
      : SOCIETY_TOPICS[0]!;
    const channel = (CHANNELS as readonly string[]).includes(form.channel)
      ? (form.channel as Channel)
      : 'email';
    if (segment.type === 'invalid') return { segment, preview: null };
    return { segment, preview: await audiencePreview(deps.db, { topic, channel, segment: segment.segment }) };
  };

  const renderPreview = async (campaign: Campaign) => {
    try {
      return await previewCampaign(deps, campaign, cache);
    } catch (error) {
      deps.log.warn({ err: error, campaignId: campaign.id }, 'console preview failed');
      return { error: 'The message cannot be rendered: edit the template or subject and save again.' };
    }
  };

  const showCampaign = async (
    c: Context,
    viewer: Viewer,
    id: number,
    error?: string,
    status: 200 | 400 | 409 | 502 = 200,
    schedule?: ScheduleForm,
  ) => {
    const campaign = await findCampaign(deps.db, id);
    if (!campaign) return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    const [{ artworkRef } = { artworkRef: null }] = await deps.db
      .select({ artworkRef: campaigns.artworkRef })
      .from(campaigns)
      .where(eq(campaigns.id, id));
    const progress = progressView(campaign.state, await campaignProgress(deps.db, id));
    return kit.render(
      c,
      campaignPage({
        viewer,
        campaign,
        progress,
        preview: await renderPreview(campaign),
        hasArtwork: artworkRef !== null,
        contract: campaign.contractId === null ? null : await contractName(deps.db, campaign.contractId),
        timeZones: TIME_ZONES,
        schedule,
        error,
        notice: kit.notice(c),
      }),
      status,
    );
  };

  app.get('/console/campaigns', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    const rows = await deps.db.select().from(campaigns).orderBy(sql`id desc`).limit(100);
    const list = [];
    for (const row of rows) {
      const campaign = (await findCampaign(deps.db, row.id))!;
      list.push({
        campaign,
        progress: progressView(campaign.state, await campaignProgress(deps.db, row.id)),
      });
    }
    return kit.render(c, campaignListPage(viewer, list, kit.notice(c)));
  });

  app.get('/console/campaigns/new', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    return formPage(c, { viewer, id: null, form: EMPTY_CAMPAIGN_FORM, errors: {} });
  });

  /**
   * Create (id null) or update a draft. "Count audience" and "Preview"
   * re-show the form with the count or the rendered message and save nothing.
   */
  const save = async (c: Context, id: number | null) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const { viewer } = posted;
    const form = readForm(posted.form);
    const intent = str(posted.form, 'intent');
    if (intent === 'count') {
      const counted = await countFor(form);
      const errors = counted.segment.type === 'invalid' ? counted.segment.errors : {};
      return formPage(c, { viewer, id, form, errors, audience: counted.preview });
    }
    if (intent === 'preview') {
      const previewLanguage = str(posted.form, 'previewLanguage').toLowerCase();
      const previewed = await previewForm(deps, form, cache, previewLanguage);
      if (previewed.type === 'invalid')
        return formPage(c, { viewer, id, form, errors: previewed.errors, previewLanguage }, 400);
      return formPage(c, { viewer, id, form, errors: {}, preview: previewed.preview, previewLanguage });
    }
    const outcome = await saveDraft(deps, id, form, `staff:${viewer.staff.id}`);
    if (outcome.type === 'saved') {
      return c.redirect(
        `/console/campaigns/${outcome.id}/edit?done=${id === null ? 'created' : 'saved'}`,
        303,
      );
    }
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    if (outcome.type === 'not-editable') {
      return showCampaign(
        c,
        viewer,
        id!,
        `Only drafts can be changed; this campaign is ${outcome.state}.`,
        409,
      );
    }
    return formPage(c, { viewer, id, form, errors: outcome.errors }, 400);
  };

  app.post('/console/campaigns', (c) => save(c, null));
  app.post('/console/campaigns/:id{[0-9]{1,15}}', (c) => save(c, Number(c.req.param('id'))));

  app.get('/console/campaigns/:id{[0-9]{1,15}}', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    return showCampaign(c, viewer, Number(c.req.param('id')));
  });

  app.get('/console/campaigns/:id{[0-9]{1,15}}/edit', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    const id = Number(c.req.param('id'));
    const campaign = await findCampaign(deps.db, id);
    if (!campaign) return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    if (campaign.state !== 'draft') return c.redirect(`/console/campaigns/${id}`, 303);
    const form = formOfCampaign(campaign);
    const counted = await countFor(form);
    const preview = await renderPreview(campaign);
    return formPage(c, {
      viewer,
      id,
      form,
      errors: 'error' in preview ? { [form.source]: preview.error } : {},
      audience: counted.preview,
      preview: 'error' in preview ? null : preview,
      notice: kit.notice(c),
    });
  });

  /**
   * The live preview behind the form's script: the message the posted form
   * would make, as JSON, or its problems by field. Saves nothing; a POST
   * only because the MJML may be long and the session's token guards it.
   */
  app.post('/console/campaigns/preview', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const language = str(posted.form, 'previewLanguage').toLowerCase();
    const previewed = await previewForm(deps, readForm(posted.form), cache, language);
    c.header('Cache-Control', 'no-store');
    if (previewed.type === 'invalid') return c.json({ errors: previewed.errors }, 400);
    return c.json({ subject: previewed.preview.subject, html: previewed.preview.html });
  });

  /** The rendered message as a page of its own (top level, so it may be opened in a new tab). */
  app.get('/console/campaigns/:id{[0-9]{1,15}}/preview', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return viewer;
    const campaign = await findCampaign(deps.db, Number(c.req.param('id')));
    if (!campaign) return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    const preview = await renderPreview(campaign);
    if ('error' in preview) return kit.render(c, notFoundPage(viewer, 'preview'), 422);
    c.header('Cache-Control', 'no-store');
    return c.html(preview.html);
  });

  app.get('/console/campaigns/:id{[0-9]{1,15}}/progress', async (c) => {
    const viewer = await kit.page(c, 'editor');
    if (viewer instanceof Response) return c.json({ message: 'sign in again' }, 401);
    const id = Number(c.req.param('id'));
    const campaign = await findCampaign(deps.db, id);
    if (!campaign) return c.json({ message: 'no such campaign' }, 404);
    c.header('Cache-Control', 'no-store');
    return c.json(progressView(campaign.state, await campaignProgress(deps.db, id)));
  });

  /** The live audience count behind the segment form (counts only; GET, changes nothing). */
  app.get('/console/audience-count', async (c) => {
    const viewer = await kit.viewer(c);
    if (!viewer) return c.json({ message: 'Sign in again to count.' }, 401);
    const query = c.req.queries();
    const form = readForm(
      Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.length > 1 ? v : v[0]!])),
    );
    const counted = await countFor(form);
    c.header('Cache-Control', 'no-store');
    if (counted.segment.type === 'invalid') {
      return c.json(
        { message: `Cannot count yet: ${Object.values(counted.segment.errors).join('; ')}` },
        400,
      );
    }
    return c.json({ total: counted.preview!.total });
  });

  app.post('/console/campaigns/:id{[0-9]{1,15}}/test-send', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const id = Number(c.req.param('id'));
    const campaign = await findCampaign(deps.db, id);
    if (!campaign) return kit.render(c, notFoundPage(posted.viewer, 'campaign'), 404);
    const outcome = await sendTestToSelf(deps, campaign, posted.viewer.staff, sender, cache);
    if (outcome.type === 'failed') return showCampaign(c, posted.viewer, id, outcome.message, 502);
    return c.redirect(`/console/campaigns/${id}?done=test-sent`, 303);
  });

  /** A postal campaign's print artwork, stored as the API's upload stores it; until sending starts. */
  app.post('/console/campaigns/:id{[0-9]{1,15}}/artwork', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const { viewer } = posted;
    const id = Number(c.req.param('id'));
    const notSent = () =>
      showCampaign(c, viewer, id, 'Print artwork can change only on a postal campaign not yet sent.', 409);
    const campaign = await findCampaign(deps.db, id);
    if (!campaign) return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    if (artworkRefusal(campaign)) return notSent();
    const file = (await c.req.parseBody()).artwork;
    if (!(file instanceof File) || file.size === 0) {
      return showCampaign(c, viewer, id, 'Choose the PDF file of the print artwork.', 400);
    }
    const stored = await storeArtwork(deps.config.DATA_DIR, new Uint8Array(await file.arrayBuffer()));
    if (stored.type === 'invalid') {
      return showCampaign(c, viewer, id, `The artwork was not stored: ${stored.message}.`, 400);
    }
    const outcome = await setCampaignArtwork(
      deps.db,
      id,
      stored.ref,
      `staff:${viewer.staff.id}`,
      deps.clock.now(),
    );
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    if (outcome.type !== 'set') return notSent();
    return c.redirect(`/console/campaigns/${id}?done=saved`, 303);
  });

  app.post('/console/campaigns/:id{[0-9]{1,15}}/schedule', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const id = Number(c.req.param('id'));
    const date = str(posted.form, 'sendDate');
    const time = str(posted.form, 'sendTime');
    const timeZone = str(posted.form, 'timeZone') || 'UTC';
    const asked = { date, time, timeZone };
    const day = new Date(`${date}T00:00:00Z`);
    const realDay = /^\d{4}-\d{2}-\d{2}$/.test(date) && day.toISOString().slice(0, 10) === date;
    if (!realDay || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
      const message = 'Give a date (such as 2026-12-24) and a time (such as 09:00) to schedule the campaign.';
      return showCampaign(c, posted.viewer, id, message, 400, asked);
    }
    if (!isTimeZone(timeZone))
      return showCampaign(c, posted.viewer, id, 'Choose a time zone from the list.', 400, asked);
    const result = await scheduleCampaign(
      deps,
      id,
      { sendAt: `${date}T${time}`, timeZone },
      `staff:${posted.viewer.staff.id}`,
    );
    return afterCommand(c, posted.viewer, id, result, 'scheduled');
  });

  const afterCommand = (c: Context, viewer: Viewer, id: number, result: CommandResult, done: string) => {
    if (result.type === 'not-found') return kit.render(c, notFoundPage(viewer, 'campaign'), 404);
    if (result.type === 'illegal') {
      return showCampaign(c, viewer, id, `A campaign that is ${result.state} cannot be ${done} now.`, 409);
    }
    return c.redirect(`/console/campaigns/${id}?done=${done}`, 303);
  };

  const commands = {
    pause: [pauseCampaign, 'paused'],
    resume: [resumeCampaign, 'resumed'],
    cancel: [cancelCampaign, 'cancelled'],
    unschedule: [unscheduleCampaign, 'unscheduled'],
  } as const;
  for (const [action, [run, done]] of Object.entries(commands)) {
    app.post(`/console/campaigns/:id{[0-9]{1,15}}/${action}`, async (c) => {
      const posted = await kit.form(c, 'editor');
      if (posted instanceof Response) return posted;
      const id = Number(c.req.param('id'));
      return afterCommand(c, posted.viewer, id, await run(deps, id, `staff:${posted.viewer.staff.id}`), done);
    });
  }

  app.post('/console/campaigns/:id{[0-9]{1,15}}/delete', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    const id = Number(c.req.param('id'));
    const outcome = await deleteDraft(deps, id, `staff:${posted.viewer.staff.id}`);
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'campaign'), 404);
    if (outcome.type === 'not-editable') {
      return showCampaign(
        c,
        posted.viewer,
        id,
        `Only drafts can be deleted; this campaign is ${outcome.state}.`,
        409,
      );
    }
    return c.redirect('/console/campaigns?done=deleted', 303);
  });
}
