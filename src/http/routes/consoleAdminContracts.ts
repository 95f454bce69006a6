import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  contractOverview,
  pendingDeletions,
  recentDisclosures,
  recentMisuseAlerts,
} from '../../console/adminQueries.ts';
import type { Deps } from '../../deps.ts';
import {
  createContract,
  createSubcontractor,
  listSubcontractors,
  setContractStatus,
} from '../../subcontractors/contractAdmin.ts';
import {
  contractInput,
  contractStatusInput,
  deletionConfirmationInput,
  seedInput,
  subcontractorInput,
} from '../../subcontractors/contractInput.ts';
import { confirmDeletion } from '../../subcontractors/ledger.ts';
import { addPostalSeed, listSeeds, retireSeed } from '../../subcontractors/seedAdmin.ts';
import type { AppEnv } from '../auth.ts';
import { type ContractForm, contractsPage } from '../views/console/adminContracts.ts';
import { deletionsPage } from '../views/console/adminDisclosures.ts';
import { type SeedForm, seedsPage } from '../views/console/adminSeeds.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { fieldErrors, rowId } from './consoleAdminForms.ts';
import { type ConsoleKit, list, str } from './consoleKit.ts';

/** A whole number as typed, or a value the schema refuses with its own message. */
const wholeNumber = (s: string) => (/^-?\d{1,9}$/.test(s) ? Number(s) : undefined);

/**
 * Subcontractors, contracts, deletion confirmations and postal seeds, through
 * the same schemas and domain functions as the API. Admins only.
 */
export function consoleAdminContractRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const now = () => deps.clock.now();
  const actor = (v: Viewer) => `staff:${v.staff.id}`;

  const showContracts = async (
    c: Context,
    viewer: Viewer,
    extra: Partial<Parameters<typeof contractsPage>[0]> = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    const [subcontractors, contracts, disclosures, alerts] = await Promise.all([
      listSubcontractors(deps.db),
      contractOverview(deps.db),
      recentDisclosures(deps.db),
      recentMisuseAlerts(deps.db),
    ]);
    const page = contractsPage({
      viewer,
      subcontractors,
      contracts,
      disclosures,
      alerts,
      now: now(),
      ...extra,
    });
    return kit.render(c, page, status);
  };

  app.get('/console/admin/contracts', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return showContracts(c, viewer, { done: kit.notice(c) });
  });

  app.post('/console/admin/subcontractors', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const form = { name: str(posted.form, 'name'), service: str(posted.form, 'service') };
    const parsed = subcontractorInput.safeParse(form);
    if (!parsed.success) {
      return showContracts(
        c,
        posted.viewer,
        { subcontractorForm: form, subcontractorErrors: fieldErrors(parsed.error) },
        400,
      );
    }
    const outcome = await deps.db.transaction((tx) =>
      createSubcontractor(tx, parsed.data, actor(posted.viewer)),
    );
    if (outcome.type === 'duplicate') {
      const subcontractorErrors = { name: 'a subcontractor has this name already' };
      return showContracts(c, posted.viewer, { subcontractorForm: form, subcontractorErrors }, 400);
    }
    return c.redirect('/console/admin/contracts?done=subcontractor-created', 303);
  });

  app.post('/console/admin/contracts', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const f = posted.form;
    const form: ContractForm = {
      subcontractorId: str(f, 'subcontractorId'),
      reference: str(f, 'reference'),
      purposes: list(f, 'purposes'),
      fields: list(f, 'fields'),
      validFrom: str(f, 'validFrom'),
      validTo: str(f, 'validTo'),
      maxRecipientsPerDispatch: str(f, 'maxRecipientsPerDispatch'),
      retentionDays: str(f, 'retentionDays'),
      seedsRequired: str(f, 'seedsRequired') === 'true',
      status: str(f, 'status') || 'active',
    };
    const parsed = contractInput.safeParse({
      ...form,
      subcontractorId: wholeNumber(form.subcontractorId),
      maxRecipientsPerDispatch: wholeNumber(form.maxRecipientsPerDispatch),
      retentionDays: wholeNumber(form.retentionDays),
    });
    if (!parsed.success)
      return showContracts(c, posted.viewer, { form, errors: fieldErrors(parsed.error) }, 400);
    const outcome = await deps.db.transaction((tx) => createContract(tx, parsed.data, actor(posted.viewer)));
    if (outcome.type !== 'created') {
      const errors: Record<string, string> =
        outcome.type === 'duplicate'
          ? { reference: 'a contract with this reference exists' }
          : { subcontractorId: 'there is no such subcontractor' };
      return showContracts(c, posted.viewer, { form, errors }, 400);
    }
    return c.redirect('/console/admin/contracts?done=contract-created', 303);
  });

  app.post('/console/admin/contracts/:id{[0-9]{1,15}}/status', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const parsed = contractStatusInput.safeParse({ status: str(posted.form, 'status') });
    if (!parsed.success) return showContracts(c, posted.viewer, { errors: fieldErrors(parsed.error) }, 400);
    const id = rowId(c.req.param('id'));
    const row = await deps.db.transaction((tx) =>
      setContractStatus(tx, id, parsed.data.status, actor(posted.viewer)),
    );
    if (!row) return kit.render(c, notFoundPage(posted.viewer, 'contract'), 404);
    return c.redirect('/console/admin/contracts?done=contract-status', 303);
  });

  const showDeletions = async (
    c: Context,
    viewer: Viewer,
    extra: Partial<Parameters<typeof deletionsPage>[0]> = {},
    status: 200 | 400 | 409 = 200,
  ) =>
    kit.render(
      c,
      deletionsPage({ viewer, pending: await pendingDeletions(deps.db), now: now(), ...extra }),
      status,
    );

  app.get('/console/admin/disclosures', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return showDeletions(c, viewer, { done: kit.notice(c) });
  });

  app.post('/console/admin/disclosures/:id{[0-9]{1,15}}/deletion-confirmation', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = rowId(c.req.param('id'));
    const typed = { at: str(posted.form, 'at'), note: str(posted.form, 'note') };
    const errors: Record<string, string> = {};
    // The form takes the day the subcontractor gives; the API takes an exact time.
    const parsed = deletionConfirmationInput.safeParse({
      at: /^\d{4}-\d{2}-\d{2}$/.test(typed.at) ? `${typed.at}T00:00:00Z` : typed.at || undefined,
      note: typed.note || undefined,
    });
    if (!parsed.success) {
      for (const [field, message] of Object.entries(fieldErrors(parsed.error))) {
        errors[`${field}-${id}`] = field === 'at' ? 'at must be a date written yyyy-mm-dd' : message;
      }
    } else if (parsed.data.at && new Date(parsed.data.at) > now()) {
      errors[`at-${id}`] = 'at must not be in the future';
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      return showDeletions(c, posted.viewer, { refused: { id, errors, ...typed } }, 400);
    }
    const outcome = await deps.db.transaction((tx) =>
      confirmDeletion(tx, {
        disclosureId: id,
        at: parsed.data.at ? new Date(parsed.data.at) : now(),
        actor: actor(posted.viewer),
        note: parsed.data.note,
      }),
    );
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'disclosure'), 404);
    if (outcome.type === 'already-confirmed') return c.redirect('/console/admin/disclosures', 303);
    return c.redirect('/console/admin/disclosures?done=deletion-confirmed', 303);
  });

  const showSeeds = async (
    c: Context,
    viewer: Viewer,
    extra: Partial<Parameters<typeof seedsPage>[0]> = {},
    status: 200 | 400 = 200,
  ) =>
    kit.render(c, seedsPage({ viewer, seeds: await listSeeds(deps.db, undefined, 500), ...extra }), status);

  app.get('/console/admin/seeds', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return showSeeds(c, viewer, { done: kit.notice(c) });
  });

  app.post('/console/admin/seeds', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const keys = ['name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
    const form = Object.fromEntries(keys.map((k) => [k, str(posted.form, k)])) as unknown as SeedForm;
    const optional = (s: string) => s || null;
    const parsed = seedInput.safeParse({
      name: form.name,
      postalAddress: {
        line1: form.line1,
        line2: optional(form.line2),
        city: form.city,
        region: optional(form.region),
        postalCode: optional(form.postalCode),
        country: form.country.toUpperCase(),
      },
    });
    if (!parsed.success) return showSeeds(c, posted.viewer, { form, errors: fieldErrors(parsed.error) }, 400);
    await deps.db.transaction((tx) => addPostalSeed(tx, parsed.data, actor(posted.viewer)));
    return c.redirect('/console/admin/seeds?done=seed-added', 303);
  });

  app.post('/console/admin/seeds/:id{[0-9]{1,15}}/retire', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const done = await deps.db.transaction((tx) =>
      retireSeed(tx, rowId(c.req.param('id')), actor(posted.viewer)),
    );
    if (!done) return kit.render(c, notFoundPage(posted.viewer, 'postal seed'), 404);
    return c.redirect('/console/admin/seeds?done=seed-retired', 303);
  });
}
