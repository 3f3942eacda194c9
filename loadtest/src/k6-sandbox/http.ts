import { parseK6DurationMs } from './durations.js';
import type { ModuleHost } from './module-host.js';

/**
 * k6/http's asyncRequest for one VU, over Node's fetch. Like k6 it never rejects for an HTTP
 * status: every answer (and every failure, as status 0 with `error` and `error_code`) resolves
 * to k6's Response shape, header names canonicalized as Go does (`Retry-After`). The request
 * keeps the VU's event loop alive until its promise settles.
 */

const DEFAULT_TIMEOUT_MS = 60_000;

/** k6's error codes (grafana/k6 lib/netext/httpext/error_codes.go) for what a fetch can say. */
const ERROR_CODES = {
  generic: 1000,
  timeout: 1050,
  dialRefused: 1212,
} as const;

/** Go's http.CanonicalHeaderKey: `retry-after` to `Retry-After`. */
export function canonicalHeaderKey(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => (part === '' ? part : part[0]?.toUpperCase() + part.slice(1)))
    .join('-');
}

interface RequestParams {
  headers: Record<string, string>;
  timeoutMs: number;
  responseType: 'text' | 'binary' | 'none';
  tags: Record<string, string>;
}

function paramsOf(value: unknown): RequestParams {
  const p = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const headers =
    typeof p['headers'] === 'object' && p['headers'] !== null
      ? Object.fromEntries(
          Object.entries(p['headers'] as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        )
      : {};
  const timeout = p['timeout'];
  const responseType = p['responseType'];
  const tags =
    typeof p['tags'] === 'object' && p['tags'] !== null
      ? Object.fromEntries(
          Object.entries(p['tags'] as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        )
      : {};
  return {
    headers,
    timeoutMs:
      typeof timeout === 'string' || typeof timeout === 'number'
        ? parseK6DurationMs(timeout, 'timeout')
        : DEFAULT_TIMEOUT_MS,
    responseType: responseType === 'binary' || responseType === 'none' ? responseType : 'text',
    tags,
  };
}

function failureOf(error: unknown, timeoutMs: number): { error: string; code: number } {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return { error: `request timeout after ${timeoutMs} ms`, code: ERROR_CODES.timeout };
  if (cause?.code === 'ECONNREFUSED')
    return { error: `dial: connection refused`, code: ERROR_CODES.dialRefused };
  const message = typeof cause?.message === 'string' ? cause.message : String(error);
  return { error: message, code: ERROR_CODES.generic };
}

export function createHttpModule(host: ModuleHost): Record<string, unknown> {
  const asyncRequest = (
    method: unknown,
    url: unknown,
    body?: unknown,
    params?: unknown,
  ): Promise<unknown> => {
    const loop = host.iterationLoop('http.asyncRequest');
    const request = paramsOf(params);
    const requestMethod = String(method).toUpperCase();
    const requestUrl = String(url);
    const requestBody = body === undefined || body === null ? undefined : String(body);
    const hold = loop.hold();
    const startedMs = Date.now();
    return host.realm.promise((resolve) => {
      const settle = (fields: Record<string, unknown>): void => {
        const durationMs = Date.now() - startedMs;
        const status = fields['status'] as number;
        const tags = {
          ...host.systemTags(),
          ...request.tags,
          method: requestMethod,
          status: String(status),
        };
        host.emit('http_reqs', 1, tags);
        host.emit('http_req_duration', durationMs, tags);
        host.emit('http_req_failed', status === 0 || status >= 400 ? 1 : 0, tags);
        const bodyText = fields['body'];
        const response = host.realm.object({
          url: requestUrl,
          error: '',
          error_code: 0,
          proto: 'HTTP/1.1',
          timings: host.realm.object({ duration: durationMs, waiting: durationMs }),
          request: host.realm.object({
            method: requestMethod,
            url: requestUrl,
            headers: host.realm.object(request.headers),
            body: requestBody ?? '',
          }),
          json: (selector?: unknown) => {
            if (selector !== undefined)
              throw host.realm.error('the sandbox does not support json(selector)');
            if (typeof bodyText !== 'string')
              throw host.realm.error('cannot parse a response without a text body as JSON');
            return host.realm.parseJson(bodyText);
          },
          ...fields,
        });
        loop.run(() => resolve(response));
        hold.release();
      };
      const answer = async (): Promise<Record<string, unknown>> => {
        const response = await fetch(requestUrl, {
          method: requestMethod,
          headers: request.headers,
          body: requestBody,
          signal: AbortSignal.timeout(request.timeoutMs),
        });
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          const key = canonicalHeaderKey(name);
          headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
        });
        let responseBody: unknown = null;
        if (request.responseType === 'text') responseBody = await response.text();
        else if (request.responseType === 'binary')
          responseBody = host.realm.arrayBuffer(new Uint8Array(await response.arrayBuffer()));
        return {
          status: response.status,
          status_text: `${response.status} ${response.statusText}`,
          headers: host.realm.object(headers),
          body: responseBody,
        };
      };
      answer().then(settle, (error: unknown) => {
        const failure = failureOf(error, request.timeoutMs);
        settle({
          status: 0,
          status_text: '',
          headers: host.realm.object({}),
          body: null,
          error: failure.error,
          error_code: failure.code,
        });
      });
    });
  };
  return { asyncRequest };
}
