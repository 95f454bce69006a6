import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { audiencePreview } from '../../audiences/preview.ts';
import { recordAudit } from '../../audit/recordAudit.ts';
import { type ContentProblem, compiledFor, validateContent } from '../../campaigns/campaignContent.ts';
import { createCampaignInput, scheduleInput, updateCampaignInput } from '../../campaigns/campaignInput.ts';
import { type Campaign, campaignProgress, findCampaign } from '../../campaigns/campaignStore.ts';
import {
  type CommandResult,
  cancelCampaign,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  unscheduleCampaign,
} from '../../campaigns/commands.ts';
import { EDITABLE } from '../../campaigns/lifecycle.ts';
import { createCampaign, draftValues, updateDraft } from '../../campaigns/writeDraft.ts';
import { campaigns, members, staffUsers } from '../../db/schema.ts';
import { composeEmail } from '../../delivery/composeEmail.ts';
import type { Deps } from '../../deps.ts';
import { normalizeEmail } from '../../members/email.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import { contractProblem, liveContracts } from '../../subcontractors/contractChoices.ts';
import { createSesAdapter } from '../../subcontractors/sesAdapter.ts';
import { createCompileCache } from '../../templates/index.ts';
import { recipientLinks } from '../../unsubscribe/links.ts';
import type { Mount } from '../app.ts';
import { type AppEnv, requireStaff } from '../auth.ts';
import { conflictBody, errorBody, idParam, json, staffAuth, staffErrors } from '../openapiKit.ts';
import { problem } from '../problems.ts';

const common = { ...staffErrors(), 404: json(errorBody, 'No such campaign') };
const campaignBody = z.object({}).passthrough().openapi('Campaign');
const conflict = { 409: json(conflictBody, 'Not allowed in the current state') };

function present(c: Campaign, progress?: Awaited<ReturnType<typeof campaignProgress>>) {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    state: c.state,
    stateReason: c.stateReason,
    topic: c.topic,
    channel: c.channel,
    subject: c.subject,
    template: c.template,
    mjml: c.mjml,
    defaultLanguage: c.defaultLanguage,
    variants: c.variants,
    segment: c.segment,
    sendAt: c.sendAt,
    timeZone: c.timeZone,
    fromAddress: c.fromAddress,
    replyTo: c.replyTo,
    rateLimit: c.rateLimit,
    contractId: c.contractId,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    ...(progress ? { progress } : {}),
  };
}

function contentInvalid(c: Context, problems: ContentProblem[]) {
  const issues = problems.map((p) => ({
    path: p.variant === 'default' ? p.field : `variants.${p.variant}.${p.field}`,
    message: p.line ? `line ${p.line}: ${p.message}` : p.message,
  }));
  return problem(c, 400, 'invalid_content', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
    issues,
  });
}

/** A chosen contract must be in force today for Society mailings on the campaign's channel. */
async function contractRefusal(
  c: Context,
  deps: Deps,
  contractId: number | null | undefined,
  channel: string,
) {
  if (contractId === null || contractId === undefined) return null;
  const choices = await liveContracts(deps.db, deps.clock.now());
  const message = choices.some((x) => x.id === contractId)
    ? contractProblem(choices, contractId, channel)
    : `contract ${contractId} is not in force for Society mailings today`;
  if (!message) return null;
  return problem(c, 400, 'invalid_contract', `contractId: ${message}`, {
    issues: [{ path: 'contractId', message }],
  });
}

/** The language to render in, for previews and test sends; absent means the campaign's own. */
const readerLanguage = z
  .string()
  .regex(/^[a-z]{2,3}$/)
  .optional();

/** A JSON body the caller may leave out, taking every default. */
const optionalJson = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: false as const,
});

type ValidJson<T extends z.ZodType> = { valid(target: 'json'): z.infer<T> };

function commandAnswer(c: Context<AppEnv>, result: CommandResult) {
  if (result.type === 'not-found') return problem(c, 404, 'not_found', 'no such campaign');
  if (result.type === 'illegal') {
    return problem(
      c,
      409,
      'illegal_transition',
      `cannot ${result.action} a campaign that is ${result.state}`,
      {
        state: result.state,
      },
    );
  }
  return c.json(present(result.campaign), 200);
}

const footerOf = (deps: Deps) => ({
  societyName: deps.config.SOCIETY_NAME,
  postalAddress: deps.config.SOCIETY_POSTAL_ADDRESS,
});

/** Staff API for campaigns: drafts, audience preview, rendering, test sends and the lifecycle. */
export const campaignRoutes: Mount = (app, deps) => {
  const editor = requireStaff(deps, 'editor');
  const previewCache = createCompileCache({ maxEntries: 64 });
  const sender = createSesAdapter({ client: deps.ses, configurationSet: deps.config.SES_CONFIGURATION_SET });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/campaigns',
      summary: 'Create a draft campaign',
      description: 'Content is validated strictly as MJML; errors come back as 400 with line numbers.',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: { body: { content: { 'application/json': { schema: createCampaignInput } }, required: true } },
      responses: { 201: json(campaignBody, 'Created'), ...common },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const content = { ...input, template: input.template ?? null, mjml: input.mjml ?? null };
      const problems = await validateContent(content, footerOf(deps));
      if (problems.length > 0) return contentInvalid(c, problems);
      const refused = await contractRefusal(c, deps, input.contractId, input.channel);
      if (refused) return refused;
      const staff = c.get('staff');
      const created = await deps.db.transaction(async (tx) => {
        const { id } = await createCampaign(tx, draftValues(input, deps.config.DEFAULT_FROM), actorOf(staff));
        return (await findCampaign(tx, id))!;
      });
      return c.json(present(created), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/campaigns',
      summary: 'List campaigns, newest first, with their progress',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(z.object({ campaigns: z.array(campaignBody) }), 'Campaigns'), ...common },
    }),
    async (c) => {
      const { limit } = c.req.valid('query');
      const rows = await deps.db
        .select({ id: campaigns.id })
        .from(campaigns)
        .orderBy(sql`id desc`)
        .limit(limit);
      const list = [];
      for (const { id } of rows) {
        const campaign = (await findCampaign(deps.db, id))!;
        list.push(present(campaign, await campaignProgress(deps.db, id)));
      }
      return c.json({ campaigns: list }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/campaigns/{id}',
      summary: 'A campaign with its progress counts',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: { params: idParam },
      responses: { 200: json(campaignBody, 'The campaign'), ...common },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const campaign = await findCampaign(deps.db, id);
      if (!campaign) return problem(c, 404, 'not_found', 'no such campaign');
      return c.json(present(campaign, await campaignProgress(deps.db, id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/campaigns/{id}',
      summary: 'Change a draft',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: updateCampaignInput } }, required: true },
      },
      responses: { 200: json(campaignBody, 'Updated'), ...common, ...conflict },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const changes = c.req.valid('json');
      const staff = c.get('staff');
      const campaign = await findCampaign(deps.db, id);
      if (!campaign) return problem(c, 404, 'not_found', 'no such campaign');
      if (!EDITABLE.includes(campaign.state)) {
        return problem(c, 409, 'not_editable', `only drafts can change; this campaign is ${campaign.state}`, {
          state: campaign.state,
        });
      }
      const merged = { ...campaign, ...changes };
      if (changes.template !== undefined) merged.mjml = null;
      if (changes.mjml !== undefined) merged.template = null;
      const problems = await validateContent(merged, footerOf(deps));
      if (problems.length > 0) return contentInvalid(c, problems);
      if (changes.contractId !== undefined || changes.channel !== undefined) {
        const refused = await contractRefusal(c, deps, merged.contractId, merged.channel);
        if (refused) return refused;
      }
      const updated = await deps.db.transaction(async (tx) => {
        const outcome = await updateDraft(tx, id, merged, actorOf(staff));
        return outcome.type === 'updated' ? findCampaign(tx, id) : null;
      });
      if (!updated)
        return problem(c, 409, 'not_editable', 'the campaign left draft meanwhile', { state: 'scheduled' });
      return c.json(present(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/campaigns/{id}',
      summary: 'Delete a draft',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...common, ...conflict },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const staff = c.get('staff');
      const outcome = await deps.db.transaction(async (tx) => {
        const campaign = await findCampaign(tx, id, { lock: true });
        if (!campaign) return 'missing' as const;
        if (campaign.state !== 'draft') return campaign.state;
        await tx.delete(campaigns).where(eq(campaigns.id, id));
        await recordAudit(tx, { actor: actorOf(staff), action: 'campaign.delete', target: `campaign:${id}` });
        return 'deleted' as const;
      });
      if (outcome === 'missing') return problem(c, 404, 'not_found', 'no such campaign');
      if (outcome !== 'deleted') {
        return problem(c, 409, 'not_editable', `only drafts can be deleted; this campaign is ${outcome}`, {
          state: outcome,
        });
      }
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/campaigns/{id}/audience-preview',
      summary: 'How many members the campaign would reach now, by country and language (no addresses)',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: { params: idParam },
      responses: {
        200: json(
          z.object({
            total: z.number(),
            byCountry: z.array(z.object({ country: z.string().nullable(), count: z.number() })),
            byLanguage: z.array(z.object({ language: z.string(), count: z.number() })),
          }),
          'Counts only',
        ),
        ...common,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const campaign = await findCampaign(deps.db, id);
      if (!campaign) return problem(c, 404, 'not_found', 'no such campaign');
      const preview = await audiencePreview(deps.db, {
        topic: campaign.topic,
        channel: campaign.channel,
        segment: campaign.segment,
      });
      return c.json(preview as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/campaigns/{id}/preview',
      summary: 'Render the message (HTML and text) for a sample member or a given one',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: {
        params: idParam,
        body: optionalJson(
          z.strictObject({ memberId: z.number().int().positive().optional(), language: readerLanguage }),
        ),
      },
      responses: {
        200: json(
          z.object({ subject: z.string(), html: z.string(), text: z.string(), language: z.string() }),
          'Rendered',
        ),
        ...common,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') ?? {}) as { memberId?: number; language?: string };
      const campaign = await findCampaign(deps.db, id);
      if (!campaign) return problem(c, 404, 'not_found', 'no such campaign');
      let sample = {
        name: 'Ada Lovelace',
        email: 'member@example.org',
        language: body.language ?? campaign.defaultLanguage,
      };
      if (body.memberId) {
        const [m] = await deps.db.select().from(members).where(eq(members.id, body.memberId));
        if (!m) return problem(c, 404, 'not_found', `no member with id ${body.memberId}`);
        sample = { name: m.name, email: m.email, language: body.language ?? m.language };
      }
      const compiled = await compiledFor(
        { ...campaign, id: -campaign.id },
        sample.language,
        footerOf(deps),
        previewCache,
      );
      const envelope = composeEmail({
        campaign,
        recipient: sample,
        compiled,
        links: {
          unsubscribeUrl: `${deps.config.PUBLIC_URL}/u/preview`,
          preferencesUrl: `${deps.config.PUBLIC_URL}/p/preview`,
          mailto: `mailto:unsubscribe@${deps.config.MAIL_DOMAIN}`,
        },
        mailDomain: deps.config.MAIL_DOMAIN,
      });
      return c.json(
        {
          subject: envelope.subject,
          html: envelope.html,
          text: envelope.text,
          language: compiled.template.language,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/campaigns/{id}/test-send',
      summary: 'Send a test to staff addresses only, subject marked [TEST]',
      tags: ['campaigns'],
      security: staffAuth,
      middleware: [editor],
      request: {
        params: idParam,
        body: optionalJson(
          z.strictObject({
            to: z.array(z.email()).min(1).max(10).optional().describe('Staff addresses; default: your own'),
            language: readerLanguage,
          }),
        ),
      },
      responses: {
        200: json(z.object({ sent: z.number() }), 'Sent'),
        ...common,
        422: json(errorBody, 'An address is not a staff address'),
        502: json(errorBody, 'The email service refused'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') ?? {}) as { to?: string[]; language?: string };
      const staff = c.get('staff');
      const campaign = await findCampaign(deps.db, id);
      if (!campaign) return problem(c, 404, 'not_found', 'no such campaign');
      const wanted = (body.to ?? [staff.email]).map(normalizeEmail);
      const known = await deps.db
        .select({ email: staffUsers.email, name: staffUsers.name })
        .from(staffUsers)
        .where(sql`${staffUsers.email} in ${wanted} and not ${staffUsers.disabled}`);
      const knownSet = new Set(known.map((k) => k.email));
      const strangers = wanted.filter((w) => !knownSet.has(w));
      if (strangers.length > 0) {
        return problem(
          c,
          422,
          'not_staff',
          `test sends go to staff addresses only; ${strangers.length} address(es) are not`,
        );
      }
      const language = body.language ?? campaign.defaultLanguage;
      const compiled = await compiledFor(
        { ...campaign, id: -campaign.id },
        language,
        footerOf(deps),
        previewCache,
      );
      for (const recipient of known) {
        const links = recipientLinks(
          { publicUrl: deps.config.PUBLIC_URL, mailDomain: deps.config.MAIL_DOMAIN, keys: deps.linkKeys },
          {
            recipientToken: `test${randomBytes(12).toString('hex')}`,
            topic: campaign.topic,
            campaignId: campaign.id,
            issuedAt: Math.floor(deps.clock.now().getTime() / 1000),
          },
        );
        const envelope = composeEmail({
          campaign,
          recipient,
          compiled: { ...compiled, subject: `[TEST] ${compiled.subject}` },
          links,
          mailDomain: deps.config.MAIL_DOMAIN,
        });
        const outcome = await sender.send(envelope);
        if (outcome.type !== 'sent') {
          return problem(c, 502, 'send_failed', `the email service did not take the test: ${outcome.type}`);
        }
      }
      await deps.db.transaction((tx) =>
        recordAudit(tx, {
          actor: actorOf(staff),
          action: 'campaign.test-send',
          target: `campaign:${id}`,
          details: { recipients: known.length },
        }),
      );
      return c.json({ sent: known.length }, 200);
    },
  );

  const lifecycle = (
    action: string,
    summary: string,
    run: (id: number, actor: string, c: Context<AppEnv>) => Promise<CommandResult>,
    body?: z.ZodType,
  ) =>
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/campaigns/{id}/${action}`,
        summary,
        tags: ['campaigns'],
        security: staffAuth,
        middleware: [editor],
        request: {
          params: idParam,
          ...(body ? { body: { content: { 'application/json': { schema: body } }, required: true } } : {}),
        },
        responses: { 200: json(campaignBody, 'The campaign in its new state'), ...common, ...conflict },
      }),
      // One handler shape serves five routes; their typed responses are identical, hence the widening.
      (async (c: Context<AppEnv>) => {
        const id = Number(c.req.param('id'));
        return commandAnswer(c, await run(id, actorOf(c.get('staff')), c));
      }) as never,
    );

  lifecycle(
    'schedule',
    'Schedule a draft for a date, time and time zone (the start job is enqueued in the same transaction)',
    (id, actor, c) =>
      scheduleCampaign(deps, id, (c.req as unknown as ValidJson<typeof scheduleInput>).valid('json'), actor),
    scheduleInput,
  );
  lifecycle('unschedule', 'Take a scheduled campaign back to draft', (id, actor) =>
    unscheduleCampaign(deps, id, actor),
  );
  lifecycle('pause', 'Pause a sending campaign', (id, actor) => pauseCampaign(deps, id, actor));
  lifecycle('resume', 'Resume a paused campaign', (id, actor) => resumeCampaign(deps, id, actor));
  lifecycle('cancel', 'Cancel a campaign; whoever has not been sent to yet is skipped', (id, actor) =>
    cancelCampaign(deps, id, actor),
  );
};
