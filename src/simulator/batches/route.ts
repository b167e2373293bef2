import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A mountable group of routes: answers and returns true when it owns the path, false otherwise,
 * so the simulator's route table can chain groups.
 */
export type RouteGroup = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
