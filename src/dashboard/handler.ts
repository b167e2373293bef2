import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PacerError } from '../core/errors.js';
import type { DashboardFeed } from './feed.js';
import { renderDashboardPage } from './page.js';

export interface DashboardHandlerOptions {
  /** When set, the page needs `?token=` and its data polls `Authorization: Bearer`. */
  adminToken?: string;
}

export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PAGE_PATHS = new Set(['/dashboard', '/dashboard/']);
const DATA_PATH = '/dashboard/data';

/**
 * Serves GET /dashboard (one self-contained HTML page) and GET /dashboard/data (JSON).
 * Returns false, touching nothing, when the path is not its own, so the gateway can fall through.
 */
export function createDashboardHandler(
  feed: DashboardFeed,
  options: DashboardHandlerOptions = {},
): DashboardHandler {
  const page = renderDashboardPage();
  const pageBytes = Buffer.from(page.html);
  const tokenDigest = options.adminToken ? digest(options.adminToken) : undefined;
  const pageHeaders = {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(pageBytes.length),
    'cache-control': 'no-store',
    // Only our own inline script and style (pinned by hash) may run; the page may only call home.
    'content-security-policy': `default-src 'none'; script-src '${page.scriptHash}'; style-src '${page.styleHash}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    // The admin token may sit in the page URL: never leak it to another site.
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };

  function authorized(req: IncomingMessage, url: URL, allowQuery: boolean): boolean {
    if (!tokenDigest) return true;
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const given = bearer ?? (allowQuery ? (url.searchParams.get('token') ?? undefined) : undefined);
    return given !== undefined && timingSafeEqual(digest(given), tokenDigest);
  }

  return function dashboard(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isPage = PAGE_PATHS.has(url.pathname);
    if (!isPage && url.pathname !== DATA_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(
        res,
        new PacerError(
          'PACER_METHOD_NOT_ALLOWED',
          `Method ${req.method ?? ''} is not allowed on ${url.pathname}; use GET.`,
        ),
        { allow: 'GET, HEAD' },
      );
      return true;
    }
    if (!authorized(req, url, isPage)) {
      const how = isPage ? 'add ?token=<admin token> to the URL' : 'send Authorization: Bearer <admin token>';
      sendError(
        res,
        new PacerError('PACER_ADMIN_UNAUTHORIZED', `The dashboard needs the admin token: ${how}.`),
        { 'www-authenticate': 'Bearer' },
      );
      return true;
    }
    if (isPage) {
      res.writeHead(200, pageHeaders);
      res.end(req.method === 'HEAD' ? undefined : pageBytes);
      return true;
    }
    const since = Number(url.searchParams.get('since'));
    const body = JSON.stringify(
      feed.data(url.searchParams.has('since') && Number.isFinite(since) ? since : undefined),
    );
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function sendError(res: ServerResponse, err: PacerError, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(err.toBody());
  res.writeHead(err.status, {
    ...err.responseHeaders(),
    ...extra,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
  });
  res.end(body);
}
