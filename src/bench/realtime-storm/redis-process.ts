import { startRedisServer } from '../../platform/redis-server.js';

/** A private redis-server for one bench run (when no PACER_REDIS_URL is given); undefined if none is installed. */
export async function startRedisProcess(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  try {
    return await startRedisServer();
  } catch {
    return undefined;
  }
}
