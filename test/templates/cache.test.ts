import { describe, expect, it } from 'vitest';
import { createCompileCache } from '../../src/templates/compileCache.ts';
import { doc, footer } from './fixtures.ts';

const input = (text: string) => ({
  mjml: doc(`<mj-text>${text}</mj-text>`),
  topicLabel: 'Society news',
  footer,
});

describe('the compile cache', () => {
  it('compiles a campaign once and hands every batch the same template', async () => {
    const cache = createCompileCache();
    const [first, second] = await Promise.all([cache.compile(7, input('Hi')), cache.compile(7, input('Hi'))]);
    const third = await cache.compile(7, input('Hi'));
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('compiles afresh when the content or the campaign changes', async () => {
    const cache = createCompileCache();
    const before = await cache.compile(7, input('Hi'));
    const edited = await cache.compile(7, input('Hello'));
    const other = await cache.compile(8, input('Hi'));
    expect(edited).not.toBe(before);
    expect(other).not.toBe(before);
    expect(cache.size).toBe(3);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = createCompileCache({ maxEntries: 2 });
    const a = await cache.compile(1, input('a'));
    await cache.compile(2, input('b'));
    expect(await cache.compile(1, input('a'))).toBe(a);
    await cache.compile(3, input('c'));
    expect(cache.size).toBe(2);
    expect(await cache.compile(1, input('a'))).toBe(a);
    expect(await cache.compile(2, input('b'))).not.toBe(undefined);
  });

  it('remembers invalid content as invalid', async () => {
    const cache = createCompileCache();
    const result = await cache.compile(9, input('{{unknown}}'));
    expect(result).toMatchObject({ ok: false, type: 'unknown-placeholder' });
  });
});
