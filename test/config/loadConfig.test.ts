import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, usesLocalSes } from '../../src/config/loadConfig.ts';

describe('loadConfig', () => {
  it('runs on defaults alone: embedded database, local SES, port 3000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      DATA_DIR: '.data',
      SES_LOCAL_PORT: 8005,
      PUBLIC_URL: 'http://localhost:3000',
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(usesLocalSes(c)).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SES_REGION: 'moon-1',
        CAMPAIGN_MAX_ERROR_RATE: '2',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(problems.sort()).toEqual(['CAMPAIGN_MAX_ERROR_RATE', 'DATABASE_URL', 'PORT', 'SES_REGION']);
    }
  });

  it('treats empty strings as unset and trims the public URL', () => {
    const c = loadConfig({
      DATABASE_URL: '',
      PUBLIC_URL: 'https://mail.society.example/',
      SES_REGION: 'eu-west-1',
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.PUBLIC_URL).toBe('https://mail.society.example');
    expect(usesLocalSes(c)).toBe(false);
  });
});
