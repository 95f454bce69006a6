/**
 * Lockout after repeated failed sign-ins: the fifth failure in a row locks
 * the account for fifteen minutes; a success, or a new password, clears the
 * count. While locked, even the right password is refused.
 */
export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;

export interface LockState {
  failedSignIns: number;
  lockedUntil: Date | null;
}

export function isLocked(state: LockState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after one more failure. A lock that has run out starts the count afresh. */
export function afterFailure(state: LockState, now: Date): LockState {
  const expired = state.lockedUntil !== null && state.lockedUntil.getTime() <= now.getTime();
  const failedSignIns = (expired ? 0 : state.failedSignIns) + 1;
  return failedSignIns >= MAX_FAILURES
    ? { failedSignIns, lockedUntil: new Date(now.getTime() + LOCK_MS) }
    : { failedSignIns, lockedUntil: expired ? null : state.lockedUntil };
}
