export { createDashboardFeed, type DashboardFeed, type DashboardFeedOptions } from './feed.js';
export { createDashboardHandler, type DashboardHandler, type DashboardHandlerOptions } from './handler.js';
export type {
  DashboardData,
  DashboardEvent,
  DashboardSample,
  PoolSample,
  TenantRow,
  Totals,
} from './types.js';
