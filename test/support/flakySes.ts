import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from './freePort.ts';

/**
 * A local HTTP proxy in front of an SES endpoint that fails on purpose.
 *
 * Each SendEmail request draws from a seeded generator (the same seed gives
 * the same sequence of answers) and is answered with a share of:
 * - 429 TooManyRequestsException, as SES v2 REST sends it (x-amzn-ErrorType);
 * - 503 from the front door, with no modelled error type;
 * - 400 MessageRejected;
 * and forwarded otherwise. Every other request is forwarded untouched.
 *
 * Modes apply to every request: `up` (as above), `down` (the connection is
 * reset before any answer: ECONNRESET), `slow` (answers held back `delayMs`).
 */
export interface FlakyShares {
  /** Default 0. */
  throttle: number;
  /** Default 0. */
  unavailable: number;
  /** Default 0. */
  reject: number;
}

export type FlakyMode = { mode: 'up' } | { mode: 'down' } | { mode: 'slow'; delayMs: number };

export interface FlakyCounts {
  forwarded: number;
  throttled: number;
  unavailable: number;
  rejected: number;
  reset: number;
}

export interface FlakySes {
  endpoint: string;
  configure(shares: Partial<FlakyShares>): void;
  setMode(mode: FlakyMode): void;
  counts(): FlakyCounts;
  close(): Promise<void>;
}

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

export async function startFlakySes(options: {
  /** The real (local) endpoint, e.g. http://127.0.0.1:43121 */
  target: string;
  seed?: number;
  shares?: Partial<FlakyShares>;
}): Promise<FlakySes> {
  const target = new URL(options.target);
  const random = mulberry32(options.seed ?? 1);
  let shares: FlakyShares = { throttle: 0, unavailable: 0, reject: 0, ...options.shares };
  let mode: FlakyMode = { mode: 'up' };
  const counts: FlakyCounts = { forwarded: 0, throttled: 0, unavailable: 0, rejected: 0, reset: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (mode.mode === 'down') {
      counts.reset++;
      req.socket.destroy();
      return;
    }
    const answer = () => {
      const fault = req.method === 'POST' && req.url === SEND_EMAIL_PATH ? drawFault() : null;
      if (fault) {
        req.resume();
        req.on('end', () => fault(res));
      } else {
        counts.forwarded++;
        forward(req, res);
      }
    };
    if (mode.mode === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, mode.delayMs);
      timers.add(timer);
    } else {
      answer();
    }
  };

  const drawFault = (): ((res: ServerResponse) => void) | null => {
    const r = random();
    if (r < shares.throttle) {
      counts.throttled++;
      return (res) => sendError(res, 429, 'TooManyRequestsException', 'Too many requests.');
    }
    if (r < shares.throttle + shares.unavailable) {
      counts.unavailable++;
      return (res) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Service Unavailable' }));
      };
    }
    if (r < shares.throttle + shares.unavailable + shares.reject) {
      counts.rejected++;
      return (res) => sendError(res, 400, 'MessageRejected', 'Email address is not verified.');
    }
    return null;
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  };

  const port = await freePort();
  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${port}`,
    configure(next) {
      shares = { ...shares, ...next };
    },
    setMode(next) {
      mode = next;
    },
    counts: () => ({ ...counts }),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function sendError(res: ServerResponse, status: number, type: string, message: string) {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
  });
  res.end(body);
}

/** A small seeded PRNG: the same seed, the same faults, run after run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
