import { startRedisServer, type RedisServerProcess } from '../../platform/redis-server.js';

/** A private redis-server the drill can stop and start again on the same port. */
export type BenchRedis = RedisServerProcess;

/** Starts redis-server on a free loopback port; throws when it is not installed. */
export const startBenchRedis = (): Promise<BenchRedis> => startRedisServer();
