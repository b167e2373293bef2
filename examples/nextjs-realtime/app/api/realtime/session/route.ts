// app/api/realtime/session/route.ts — replaces the 55-second module-variable token cache.
import { getBroker } from '../../../../lib/broker.js';
import { createSessionRoute } from '../../../../lib/session-route.js';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = (req: Request): Promise<Response> =>
  createSessionRoute({
    broker: getBroker(),
    // Replace with your auth; the user id must come from the server-side session, not the browser.
    identify: (r) => {
      const user = r.headers.get('x-user-id');
      return user ? { tenant: 'app', user } : null;
    },
  })(req);
