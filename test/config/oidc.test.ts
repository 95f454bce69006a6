import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/loadConfig.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
};

describe('loadConfig: console single sign-on', () => {
  it('is off unless an issuer is set, with a default button label', () => {
    const c = loadConfig({});
    expect(c.OIDC_ISSUER).toBeUndefined();
    expect(c.OIDC_LABEL).toBe('single sign-on');
  });

  it('takes an https issuer with its client id and secret', () => {
    const c = loadConfig({
      OIDC_ISSUER: 'https://login.example.org/realms/staff',
      OIDC_CLIENT_ID: 'society-mailer',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_LABEL: 'Society login',
    });
    expect(c).toMatchObject({
      OIDC_ISSUER: 'https://login.example.org/realms/staff',
      OIDC_CLIENT_ID: 'society-mailer',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_LABEL: 'Society login',
    });
  });

  it('accepts http only on localhost and 127.0.0.1', () => {
    const client = { OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 'secret' };
    expect(loadConfig({ ...client, OIDC_ISSUER: 'http://127.0.0.1:4000' }).OIDC_ISSUER).toBe(
      'http://127.0.0.1:4000',
    );
    expect(loadConfig({ ...client, OIDC_ISSUER: 'http://localhost:4000/' }).OIDC_ISSUER).toBe(
      'http://localhost:4000/',
    );
    const problems = problemsOf({ ...client, OIDC_ISSUER: 'http://login.example.org' });
    expect(problems).toEqual(['OIDC_ISSUER: an https URL (http only for localhost or 127.0.0.1)']);
    expect(problemsOf({ ...client, OIDC_ISSUER: 'ftp://login.example.org' })[0]).toMatch(/^OIDC_ISSUER:/);
  });

  it('names each missing client key, alongside any other bad variable', () => {
    expect(problemsOf({ OIDC_ISSUER: 'https://login.example.org', PORT: 'eighty' }).sort()).toEqual([
      'OIDC_CLIENT_ID: required when OIDC_ISSUER is set',
      'OIDC_CLIENT_SECRET: required when OIDC_ISSUER is set',
      expect.stringMatching(/^PORT:/),
    ]);
    expect(
      problemsOf({ OIDC_ISSUER: 'https://login.example.org', OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: '' }),
    ).toEqual(['OIDC_CLIENT_SECRET: required when OIDC_ISSUER is set']);
  });
});
