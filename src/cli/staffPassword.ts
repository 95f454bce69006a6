import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { setStaffPassword } from '../console/setPassword.ts';
import type { Db } from '../db/connect.ts';

/**
 * `npm run cli -- staff password --email <address>`: sets a staff user's
 * console password. The password is read from standard input when it is piped
 * (one line), or asked for twice, unechoed, at a terminal; never from the
 * command line, where it would land in the shell history.
 */
export async function staffPasswordCommand(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } } });
  const email = values.email?.trim().toLowerCase();
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    console.error('error: --email <address> is required');
    return 2;
  }
  let password: string;
  if (process.stdin.isTTY) {
    password = await ask('New password: ');
    if ((await ask('Again: ')) !== password) {
      console.error('error: the two passwords differ; nothing changed');
      return 1;
    }
  } else {
    password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  }
  const outcome = await setStaffPassword(db, { email }, password, 'cli');
  if (outcome.type === 'not-found') {
    console.error('error: no staff user with that email; create one with `staff create`');
    return 1;
  }
  if (outcome.type === 'weak') {
    console.error(`error: password refused: ${outcome.message}; nothing changed`);
    return 1;
  }
  console.log(`Password set for staff user ${outcome.staffUserId}. Sign in at /console/sign-in.`);
  return 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

/** Asks a question at the terminal without echoing the answer. */
function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    let prompted = false;
    output._writeToOutput = (s: string) => {
      if (!prompted) {
        process.stdout.write(s);
        prompted = true;
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}
