import type { Deps } from '../deps.ts';

/** A queue's worker: registers its handler with pg-boss. One file per queue in this folder. */
export type WorkerRegistration = (deps: Deps) => Promise<void>;

const registrations: WorkerRegistration[] = [];

/** Starts every queue's workers in this process. */
export async function registerWorkers(deps: Deps): Promise<void> {
  for (const register of registrations) await register(deps);
}
