import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStaticFiles } from './static-files.js';

describe('loadStaticFiles', () => {
  it('serves index at /, types by extension, caches hashed assets for a year and revalidates the rest', () => {
    const root = mkdtempSync(join(tmpdir(), 'tickwire-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'export {}');
    writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
    const files = loadStaticFiles(root);
    expect(files.get('/')?.contentType).toBe('text/html; charset=utf-8');
    expect(files.get('/index.html')?.cacheControl).toBe('no-cache');
    expect(files.get('/assets/index-abc123.js')).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(files.get('/assets/logo.svg')?.contentType).toBe('image/svg+xml');
    expect(files.get('/../etc/passwd')).toBeUndefined();
  });
});
