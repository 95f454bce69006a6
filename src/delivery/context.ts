import type { Deps } from '../deps.ts';
import { createSesAdapter, getMaxSendRate, type SesAdapter } from '../subcontractors/sesAdapter.ts';
import { type CompileCache, createCompileCache } from '../templates/index.ts';

/** What the send engine needs beyond the common dependencies. */
export interface DeliveryContext extends Deps {
  sender: SesAdapter;
  compileCache: CompileCache;
  /** Messages per second across every worker: SEND_RATE, else SES's MaxSendRate. */
  globalRate: number;
}

export async function createDeliveryContext(
  deps: Deps,
  overrides: Partial<DeliveryContext> = {},
): Promise<DeliveryContext> {
  const globalRate = overrides.globalRate ?? deps.config.SEND_RATE ?? (await getMaxSendRate(deps.ses));
  return {
    ...deps,
    sender: createSesAdapter({ client: deps.ses, configurationSet: deps.config.SES_CONFIGURATION_SET }),
    compileCache: createCompileCache(),
    ...overrides,
    globalRate,
  };
}
