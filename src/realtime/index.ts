/** The Realtime broker: client secrets, the unified SDP flow and the WebSocket relay, for any node:http server. */
export { createRealtimeBroker, type RealtimeBroker } from './broker.js';
export {
  createRealtimeHandlers,
  type RealtimeHandlers,
  type RealtimeHandlerOptions,
  type RealtimePrincipal,
} from './handlers.js';
export { EXPOSED_HEADERS } from './http-io.js';
export type * from './types.js';
export {
  createMemoryRealtimeStore,
  createRedisRealtimeStore,
  type RealtimeStore,
} from '../store/realtime/index.js';
