// app/api/realtime/call/route.ts — the unified flow: the browser posts its SDP offer here.
import { getBroker } from '../../../../lib/broker.js';
import { createCallRoute } from '../../../../lib/session-route.js';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = (req: Request): Promise<Response> =>
  createCallRoute({
    broker: getBroker(),
    identify: (r) => {
      const user = r.headers.get('x-user-id');
      return user ? { tenant: 'app', user } : null;
    },
  })(req);
